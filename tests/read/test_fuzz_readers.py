"""Seeded mutation fuzzing of the readers and the extraction pipeline: zero tracebacks.

Each case is a mutation of one of three seeds — the bundled sample .docx, the bundled sample .txt and a small
two-page .pdf made here — and goes through what ``taizhang extract`` runs: ``read_document`` on a file, the
pipeline, the ledger's JSON. Every case must either give a ledger or raise the project's ReadError.

Mutations: bit flips, truncation, random bytes written over or inserted, a chunk duplicated or removed, and
"interesting" byte values, one to four at a time; for the .docx also inside a zip member (decompressed,
mutated — chunks cut at XML tag boundaries, numbers in attributes replaced by extreme ones — and packed again),
so that the XML and the reader are reached and not only the zip layer.

Case ``i`` of a seed depends on nothing but ``(seed name, i)``: runs are deterministic, a failing case is
rebuilt by ``make_case(seed, i)``. The quick loop runs the first cases of each seed, the ``slow`` test the
rest (2,250 in all, 100 of them in the quick loop). ``TAIZHANG_FUZZ_CASES=N`` runs N cases per seed instead (for exploring).
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import traceback
import zipfile
from functools import cache
from pathlib import Path

import pytest

from taizhang.errors import ReadError
from taizhang.pipeline import extract_document
from taizhang.read import read_document
from taizhang.sample import sample_path

QUICK = {"docx": 45, "txt": 35, "pdf": 20}  # 100 cases in the quick loop
TOTAL = {"docx": 1100, "txt": 700, "pdf": 450}  # 2,250 cases with the slow test
SEED = 20260610
INTERESTING = [0x00, 0x01, 0x7F, 0x80, 0xFF, ord("<"), ord(">"), ord("\n"), ord("\t")]
EXTREME_NUMBERS = [b"0", b"-1", b"99999999999999999999", b"2147483648", b"x", b"", b"1e9", b"-0", b"65535"]
# Tokens the extraction rules look for, and characters that unsettle text handling
TOKENS = ["一、", "（一）", "(二)", "1.", "1．", "①", "第一章", "第三条", "附件", "附表1", "牵头单位：", "责任单位：",
          "配合单位：", "完成时限：", "整改目标：", "整改措施：", "问题", "2026年6月底前", "2025年12月31日",
          "99999999999999999999年", "0月0日", "13月", "长期坚持", "立行立改", "县生态环境局", "各乡镇人民政府",
          "省", "市", "县", "局", "PM2.5", "微克/立方米", "%", "％", "以下", "以上", "不低于", "下降", "到2025年",
          "比2020年", "……", "（", "）", "：", "；", "。", "，", "、", "\t", "\n", "\n\n", "\n\t", "\u3000",
          "\ufeff", "\r", "\x0c", "\u0301", "\u200b", "—", "— 3 —", "第 2 页", "𠀀", "Ⅳ", "ⅲ", "〇", "零"]


@cache
def seeds() -> dict[str, bytes]:
    import tempfile

    from builders import plan_pdf

    with tempfile.TemporaryDirectory() as tmp:
        pdf = plan_pdf(Path(tmp), invariant=1, pageCompression=0).read_bytes()
    return {"docx": sample_path("docx").read_bytes(), "txt": sample_path("txt").read_bytes(), "pdf": pdf}


# ---- byte mutations ---------------------------------------------------------------------------------------
def _span(rng: random.Random, n: int, longest: int = 256) -> tuple[int, int]:
    a = rng.randrange(n)
    return a, min(n, a + rng.randint(1, longest))


def _mutate_once(data: bytearray, rng: random.Random, boundaries: list[int] | None = None) -> bytearray:
    if not data:
        return bytearray(rng.randbytes(rng.randint(1, 64)))
    n = len(data)
    op = rng.randrange(8)
    if op == 0:  # bit flips
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(n)
            data[i] ^= 1 << rng.randrange(8)
    elif op == 1:  # truncation
        del data[rng.randrange(n):]
    elif op == 2:  # random bytes written over
        a, b = _span(rng, n, 64)
        data[a:b] = rng.randbytes(b - a)
    elif op == 3:  # random bytes inserted
        i = rng.randrange(n + 1)
        data[i:i] = rng.randbytes(rng.randint(1, 64))
    elif op == 4:  # a chunk duplicated (at a tag boundary where there are some)
        a, b = _chunk(rng, n, boundaries)
        i = rng.choice(boundaries) if boundaries else rng.randrange(n + 1)
        data[i:i] = data[a:b] * rng.choice((1, 1, 2, 10))
    elif op == 5:  # a chunk removed
        a, b = _chunk(rng, n, boundaries)
        del data[a:b]
    elif op == 6:  # interesting byte values
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(n)] = rng.choice(INTERESTING)
    else:  # two chunks swapped
        a, b = _chunk(rng, n, boundaries)
        c, d = _chunk(rng, n, boundaries)
        if b <= c:
            data[a:d] = data[c:d] + data[b:c] + data[a:b]
    return data


def _chunk(rng: random.Random, n: int, boundaries: list[int] | None) -> tuple[int, int]:
    if boundaries and len(boundaries) > 2:
        i = rng.randrange(len(boundaries) - 1)
        j = min(len(boundaries) - 1, i + rng.randint(1, 12))
        return boundaries[i], boundaries[j]
    return _span(rng, n)


def mutate(data: bytes, rng: random.Random, boundaries: list[int] | None = None) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
        out = _mutate_once(out, rng, boundaries)
        boundaries = None if boundaries is None else [b for b in boundaries if b <= len(out)]
    return bytes(out)


# ---- mutations inside a zip member --------------------------------------------------------------------------
DOCX_MEMBERS = ["word/document.xml"] * 6 + ["word/numbering.xml"] * 2 + [
    "word/styles.xml", "word/_rels/document.xml.rels", "_rels/.rels", "[Content_Types].xml"]
_NUMBER_ATTR = re.compile(rb'(w:(?:val|ilvl|numId|abstractNumId|char)=")([^"]*)(")')


def _mutate_xml(xml: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.3:  # numbers in attributes replaced by extreme values
        hits = list(_NUMBER_ATTR.finditer(xml))
        if hits:
            out = bytearray(xml)
            for m in sorted(rng.sample(hits, min(len(hits), rng.randint(1, 6))), key=lambda m: -m.start()):
                out[m.start(2):m.end(2)] = rng.choice(EXTREME_NUMBERS)
            return bytes(out)
    boundaries = [m.start() for m in re.finditer(rb"<", xml)]
    return mutate(xml, rng, boundaries)


def _mutate_member(data: bytes, rng: random.Random) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
    name = rng.choice([m for m in DOCX_MEMBERS if m in names])
    return _repack(data, name, lambda xml: _mutate_xml(xml, rng), rng)


def _repack(data: bytes, name: str, change, rng: random.Random) -> bytes:
    """``data`` with its member ``name`` changed. Each member keeps its own timestamp (``writestr`` with a bare
    name would stamp the current time, and the case would differ from one second to the next)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = {i.filename: (i.date_time, zf.read(i)) for i in zf.infolist()}
    stamp, content = parts[name]
    parts[name] = (stamp, change(content))
    buf = io.BytesIO()
    method = zipfile.ZIP_STORED if rng.random() < 0.1 else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buf, "w", method) as zf:
        for part, (stamp, content) in parts.items():
            zf.writestr(zipfile.ZipInfo(part, date_time=stamp), content, compress_type=method)
    return buf.getvalue()


def mutate_text(text: str, rng: random.Random) -> str:
    """Mutations at the level of lines and characters, with the tokens the extraction rules react to."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(6)
        n = len(lines)
        if op == 0 and n:  # lines duplicated, sometimes many times
            a = rng.randrange(n)
            b = min(n, a + rng.randint(1, 8))
            lines[b:b] = lines[a:b] * rng.choice((1, 2, 5, 30))
        elif op == 1 and n:  # lines removed
            a = rng.randrange(n)
            del lines[a:a + rng.randint(1, 5)]
        elif op == 2 and n > 1:  # two lines swapped
            a, b = rng.randrange(n), rng.randrange(n)
            lines[a], lines[b] = lines[b], lines[a]
        elif n:  # tokens inserted into a line, or characters replaced by them
            k = rng.randrange(n)
            line = lines[k]
            at = rng.randint(0, len(line))
            token = rng.choice(TOKENS)
            if op == 3:
                line = line[:at] + token + line[at:]
            elif op == 4:
                line = line[:at] + token + line[at + rng.randint(1, 6):]
            else:
                line = token + line
            lines[k] = line
    return "\n".join(lines)


def _mutate_document_text(xml: bytes, rng: random.Random) -> bytes:
    """The text of some runs of document.xml mutated as a text (escaped for XML)."""
    from xml.sax.saxutils import escape

    hits = list(re.finditer(rb"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)", xml))
    out = bytearray(xml)
    for m in sorted(rng.sample(hits, min(len(hits), rng.randint(1, 8))), key=lambda m: -m.start()):
        text = mutate_text(m.group(2).decode("utf-8"), rng).replace("\n", rng.choice(("", " ", "\t")))
        clean = "".join(ch for ch in text if ch in "\t" or (ch >= " " and not 0xD800 <= ord(ch) <= 0xDFFF))
        out[m.start(2):m.end(2)] = escape(clean).encode("utf-8")
    return bytes(out)


def make_case(seed: str, i: int) -> tuple[str, bytes]:
    """Case ``i`` of ``seed``: (file name, bytes)."""
    rng = random.Random(f"{SEED}:{seed}:{i}")
    data = seeds()[seed]
    if seed == "docx":
        r = rng.random()
        if r < 0.3:
            return "case.docx", _mutate_member(data, rng)
        if r < 0.6:
            return "case.docx", _repack(data, "word/document.xml", lambda x: _mutate_document_text(x, rng), rng)
    if seed == "txt":
        text = data.decode("utf-8")
        if rng.random() < 0.6:
            text = mutate_text(text, rng)
            data = text.encode("utf-8")
            if rng.random() < 0.5:
                return "case.txt", data
        if rng.random() < 0.3:  # the text in another encoding
            data = text.encode(rng.choice(("gb18030", "utf-16", "utf-16-le", "utf-8-sig")), "replace")
    boundaries = [m.start() for m in re.finditer(rb"\n", data)] if seed != "docx" else None
    return f"case.{seed}", mutate(data, rng, boundaries)


def run_case(folder: Path, seed: str, i: int) -> str | None:
    """None when the case extracts or is refused with a ReadError; else the traceback."""
    name, data = make_case(seed, i)
    path = folder / name
    path.write_bytes(data)
    try:
        doc = read_document(path)
        ledger = extract_document(doc)
        json.dumps(ledger.to_dict(), ensure_ascii=False)
    except ReadError as exc:
        assert exc.path == str(path) and exc.message
    except Exception:
        return f"{seed} case {i}: " + traceback.format_exc(limit=-6)
    return None


def _fuzz(tmp_path: Path, ranges: dict[str, range]) -> int:
    failures = []
    count = 0
    for seed, cases in ranges.items():
        for i in cases:
            count += 1
            problem = run_case(tmp_path, seed, i)
            if problem:
                failures.append(problem)
    assert not failures, f"{len(failures)} of {count} cases crashed:\n" + "\n".join(failures[:5])
    return count


def _explore() -> int | None:
    value = os.environ.get("TAIZHANG_FUZZ_CASES", "")
    return int(value) if value.isdigit() else None


def test_fuzz_quick(tmp_path):
    n = _explore()
    if n:
        assert _fuzz(tmp_path, {s: range(n) for s in QUICK}) == 3 * n
    else:
        assert _fuzz(tmp_path, {s: range(q) for s, q in QUICK.items()}) == sum(QUICK.values())


@pytest.mark.slow
def test_fuzz_full(tmp_path):
    ranges = {s: range(QUICK[s], TOTAL[s]) for s in TOTAL}
    assert _fuzz(tmp_path, ranges) + sum(QUICK.values()) == sum(TOTAL.values()) >= 2000


def test_cases_do_not_depend_on_the_clock(monkeypatch):
    """A repacked .docx keeps its members' dates: the same case at another time is the same bytes."""
    import time

    before = [make_case("docx", i) for i in range(12)]
    monkeypatch.setattr(time, "time", lambda: 86400.0 * 365 * 20)  # zipfile dates a bare name with time.time()
    assert [make_case("docx", i) for i in range(12)] == before


def test_cases_are_deterministic_and_varied():
    assert make_case("docx", 7) == make_case("docx", 7)
    names = {make_case("txt", i)[1] for i in range(50)}
    assert len(names) == 50 and seeds()["txt"] not in names
    assert seeds()["pdf"] == seeds.__wrapped__()["pdf"]  # the generated .pdf seed is the same on every run
