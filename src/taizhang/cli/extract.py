"""``taizhang extract FILE|DIR [--format json|xlsx|text|md] [-o OUT]`` — a plan document → its ledger.

json (ledger format v1) goes to standard output when no ``-o`` is given; xlsx needs ``-o``. With ``-o`` the
command prints ``已写入 PATH`` for each file it wrote and nothing else on standard output. A folder is
processed file by file (.txt/.docx/.pdf) into ``-o OUTDIR`` with a progress bar and a summary of failures on
standard error; ``a.docx`` becomes ``a.xlsx`` (``a.docx.xlsx`` only when ``a.txt`` is there too).
Output is written to a temporary file and renamed only on success: nothing half-written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from taizhang.errors import ReadError, TaizhangError
from taizhang.fileio import atomic_write

FORMATS = ("json", "xlsx", "text", "md")
SUFFIX = {"json": ".json", "xlsx": ".xlsx", "text": ".txt", "md": ".md"}
INPUT_SUFFIXES = (".txt", ".docx", ".pdf")


def register(sub):
    p = sub.add_parser(
        "extract", help="从方案文件抽取任务台账",
        description="从方案文件（.docx/.pdf/.txt）抽取任务台账；给出文件夹时逐个处理。",
    )
    p.add_argument("path", help="方案文件或文件夹")
    p.add_argument("--format", "-f", choices=FORMATS, default="json",
                   help="输出格式：json（台账 JSON）、xlsx（台账表格）、text（原文纯文本）、md（审阅视图）")
    p.add_argument("-o", "--output", help="输出文件（处理文件夹时为输出文件夹）")
    p.set_defaults(func=run)


def _render(path: Path, fmt: str) -> bytes | None:
    """The output for one input file as bytes (xlsx: None, written by the caller)."""
    from taizhang.pipeline import extract_document
    from taizhang.read import read_document

    doc = read_document(path)
    if fmt == "text":
        return doc.text.encode("utf-8")
    ledger = extract_document(doc)
    if fmt == "json":
        return (json.dumps(ledger.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "md":
        from taizhang.report.ledger_md import render_markdown

        return render_markdown(ledger.to_dict()).encode("utf-8")
    return None


def _write_one(src: Path, fmt: str, out: Path) -> None:
    if fmt == "xlsx":
        from taizhang.pipeline import extract_file
        from taizhang.report.ledger_xlsx import write_ledger_xlsx

        write_ledger_xlsx(extract_file(src).to_dict(), out)
        return
    data = _render(src, fmt) or b""
    atomic_write(out, lambda tmp: tmp.write_bytes(data))


def run(args) -> int:
    src = Path(args.path)
    fmt = args.format
    if not src.exists():
        raise ReadError("文件或文件夹不存在", path=str(src))
    if src.is_dir():
        return _run_dir(src, fmt, args.output)
    if args.output is None:
        if fmt == "xlsx":
            raise TaizhangError("xlsx 格式需要用 -o 指定输出文件", path=str(src))
        data = _render(src, fmt)
        sys.stdout.buffer.write(data or b"")
        sys.stdout.flush()
        return 0
    out = Path(args.output)
    _write_one(src, fmt, out)
    print(f"已写入 {out}")
    return 0


def output_names(files: list[Path], src: Path, fmt: str) -> dict[Path, Path]:
    """Each input's output path relative to the output folder: the input's stem with the format's suffix,
    or — when two inputs of one folder share a stem (a.txt, a.docx) — the whole name with the suffix, so that
    no output overwrites another."""
    rels = {f: f.relative_to(src) for f in files}
    stems: dict[Path, int] = {}
    for rel in rels.values():
        stems[rel.with_suffix("")] = stems.get(rel.with_suffix(""), 0) + 1
    return {f: (rel.with_suffix(SUFFIX[fmt]) if stems[rel.with_suffix("")] == 1
                else rel.with_name(rel.name + SUFFIX[fmt])) for f, rel in rels.items()}


def _run_dir(src: Path, fmt: str, output: str | None) -> int:
    from tqdm import tqdm

    if not output:
        raise TaizhangError("处理文件夹时需要用 -o 指定输出文件夹", path=str(src))
    outdir = Path(output)
    if outdir.exists() and not outdir.is_dir():
        raise TaizhangError("输出位置已存在且不是文件夹", path=str(outdir))
    files = sorted(p for p in src.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                   and not p.name.startswith((".", "~$")))
    if not files:
        raise ReadError("文件夹中没有 .txt/.docx/.pdf 文件", path=str(src))
    failures: list[tuple[Path, str]] = []
    names = output_names(files, src, fmt)
    bar = tqdm(files, desc="抽取", unit="个", file=sys.stderr)
    for f in bar:
        out = outdir / names[f]
        try:
            _write_one(f, fmt, out)
        except TaizhangError as exc:
            failures.append((f, str(exc)))
        except Exception as exc:  # keep going with the other files, report at the end
            failures.append((f, f"{type(exc).__name__}: {exc}"))
        else:
            bar.write(f"已写入 {out}", file=sys.stdout)
    done = len(files) - len(failures)
    print(f"完成 {done} 个，失败 {len(failures)} 个，输出在 {outdir}", file=sys.stderr)
    for f, msg in failures:
        print(f"  失败: {f}: {msg}", file=sys.stderr)
    return 2 if failures else 0
