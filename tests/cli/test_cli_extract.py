"""`taizhang extract` on files and folders: formats, -o, atomic output, bad input.

The first test runs the console command in a process of its own, as a user does (the encoding of what it
prints, its exit status); the others call its entry point in this process (the same code, without the cost
of starting Python and importing the extractor again for each call).
"""

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from taizhang.cli.main import main

PLAN = "某县大气治理方案\n一、重点任务\n（一）整治燃煤锅炉。2020年底前全部淘汰。（生态环境局牵头，市场监管局参与）\n"


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "taizhang.cli.main", "extract", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd)


def _extract(capsys, *args):
    """``taizhang extract ARGS`` through the console entry point: its exit status and what it printed."""
    capsys.readouterr()
    code = main(["extract", *map(str, args)])
    out = capsys.readouterr()
    return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)


def test_json_to_stdout_and_text(tmp_path):
    p = tmp_path / "plan.txt"
    p.write_text(PLAN, encoding="utf-8")
    out = _run(p, "--format", "json")
    assert out.returncode == 0, out.stderr
    led = json.loads(out.stdout)
    assert led["format"] == "taizhang.ledger/1"
    assert led["tasks"][0]["lead_units"][0]["raw"] == "生态环境局"
    assert "生态环境局" in out.stdout  # ensure_ascii=False
    txt = _run(p, "--format", "text")
    assert txt.stdout == PLAN


def test_xlsx_needs_output_and_writes_it(tmp_path, capsys):
    p = tmp_path / "plan.txt"
    p.write_text(PLAN, encoding="utf-8")
    out = _extract(capsys, p, "--format", "xlsx")
    assert out.returncode == 2 and "-o" in out.stderr
    x = tmp_path / "ledger.xlsx"
    out = _extract(capsys, p, "--format", "xlsx", "-o", x)
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"已写入 {x}\n"  # that line and nothing else
    from openpyxl import load_workbook

    wb = load_workbook(x)
    cells = [c.value for row in wb.worksheets[0].iter_rows() for c in row]
    assert any(isinstance(v, str) and "整治燃煤锅炉" in v for v in cells)


def test_bad_input_exit_2_and_nothing_written(tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    target = tmp_path / "out.json"
    out = _extract(capsys, bad, "-o", target)
    assert out.returncode == 2
    assert "empty.txt" in out.stderr
    assert not target.exists()
    assert not [f for f in tmp_path.iterdir() if f.name.startswith(".taizhang-")]


def test_folder_with_failures_summary(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(PLAN, encoding="utf-8")
    (src / "b.docx").write_bytes(b"not a zip at all")
    dst = tmp_path / "out"
    out = _extract(capsys, src, "-o", dst, "--format", "md")
    assert out.returncode == 2
    assert (dst / "a.md").exists()
    assert not (dst / "b.md").exists()
    assert out.stdout == f"已写入 {dst / 'a.md'}\n"
    assert "失败 1 个" in out.stderr and "b.docx" in out.stderr
    ok = _extract(capsys, src / "a.txt", "-o", Path(dst) / "a.json")
    assert ok.returncode == 0 and json.loads((dst / "a.json").read_text(encoding="utf-8"))["tasks"]
    assert ok.stdout == f"已写入 {dst / 'a.json'}\n"


def test_folder_outputs_named_by_stem_unless_two_share_it(tmp_path, capsys):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(PLAN, encoding="utf-8")
    (src / "sub" / "c.txt").write_text(PLAN, encoding="utf-8")
    (src / "d.txt").write_text(PLAN, encoding="utf-8")
    from builders import responsibility_docx  # a real .docx of the same stem as d.txt

    responsibility_docx(src, "d.docx")
    dst = tmp_path / "out"
    out = _extract(capsys, src, "-o", dst, "--format", "xlsx")
    assert out.returncode == 0, out.stderr
    written = sorted(str(p.relative_to(dst)) for p in dst.rglob("*.xlsx"))
    assert written == ["a.xlsx", "d.docx.xlsx", "d.txt.xlsx", "sub/c.xlsx"]
    assert sorted(out.stdout.splitlines()) == sorted(f"已写入 {dst / w}" for w in written)
