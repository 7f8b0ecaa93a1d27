"""The dev seeds as offices also produce them must score as the seeds do, against the same gold.

Variants are generated here (tests/variants.py), never committed: seeds 000–002 typeset as A4 PDFs (lines broken
at the page width, a running header, page numbers "— N —", the flattened tables drawn as ruled tables) and
read back, and every seed converted to traditional characters (OpenCC s2t).
Each must score >= 0.95 on every field of the shared scorer. The ledger quotes a document as written (here in
traditional characters), so each ledger is folded back to simplified before it is scored against the dev gold.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from taizhang.pipeline import extract_file

VARIANT_FLOOR = 0.95
F1_FIELDS = ("tasks", "lead_units", "support_units", "implementing_units", "deadlines", "targets")
ACC_FIELDS = ("flags", "status", "parents", "target_attrs", "document")


def assert_every_field(summary: dict, report: str, floor: float = VARIANT_FLOOR) -> None:
    assert summary["failed_documents"] == 0, report
    for name in F1_FIELDS:
        assert summary[name]["f1"] >= floor, f"{name} F1 {summary[name]['f1']} < {floor}\n{report}"
    for name in ACC_FIELDS:
        assert summary[name]["accuracy"] >= floor, f"{name} {summary[name]['accuracy']} < {floor}\n{report}"


def score_folded(shared_dir: Path, docs: Path, tmp_path: Path) -> tuple[dict, str]:
    """Extract every variant, fold each ledger back to simplified characters (OpenCC t2s) and score it
    against the dev gold and the seeds as they are: the same gold, whatever script the document came in."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    ledgers = tmp_path / "ledgers"
    ledgers.mkdir()
    for g in sorted((shared_dir / "gold").glob("*.json")):
        name = json.loads(g.read_text(encoding="utf-8"))["file"]
        led = extract_file(docs / name).to_dict()
        (ledgers / g.name).write_text(t2s.convert(json.dumps(led, ensure_ascii=False)), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(shared_dir / "tools" / "score_extraction.py"), "--gold", str(shared_dir / "gold"),
         "--docs", str(shared_dir / "seeds"), "--ledgers", str(ledgers), "--json", "-v"],
        capture_output=True, text=True, timeout=600)
    report = out.stdout[-4000:] + out.stderr[-1000:]
    return json.loads(out.stdout.strip().splitlines()[-1]), report


@pytest.mark.shared
@pytest.mark.slow
def test_seeds_in_traditional_characters(shared_dir, tmp_path):
    import opencc

    s2t = opencc.OpenCC("s2t")
    docs = tmp_path / "docs"
    docs.mkdir()
    changed = 0
    for p in sorted((shared_dir / "seeds").glob("*.txt")):
        src = p.read_text(encoding="utf-8")
        trad = s2t.convert(src)
        changed += sum(a != b for a, b in zip(src, trad, strict=True))
        (docs / p.name).write_text(trad, encoding="utf-8")
    assert changed > 1000  # the variant really is in the other script
    summary, report = score_folded(shared_dir, docs, tmp_path)
    assert_every_field(summary, report)


@pytest.mark.shared
@pytest.mark.slow
def test_seeds_typeset_as_a4_pdfs(shared_dir, tmp_path):
    """Read back from a PDF, each seed's text has other line breaks: the gold's evaluated lines are moved onto
    the text the extractor read, and the ledgers are scored against that text."""
    import variants as V
    from taizhang.read import read_document

    docs, gold_dir, ledgers = tmp_path / "docs", tmp_path / "gold", tmp_path / "ledgers"
    for d in (docs, gold_dir, ledgers):
        d.mkdir()
    for gp in sorted((shared_dir / "gold").glob("*.json"))[:3]:
        gold = json.loads(gp.read_text(encoding="utf-8"))
        src = (shared_dir / "seeds" / gold["file"]).read_text(encoding="utf-8")
        pdf = V.typeset_pdf(src, tmp_path / f"{gp.stem}.pdf")
        text = read_document(pdf).text
        assert text.count("\n") != src.count("\n")  # the lines really are the PDF's, not the seed's
        gold["evaluated_lines"] = V.remap_evaluated_lines(gold, src, text)
        (docs / gold["file"]).write_text(text, encoding="utf-8")
        (gold_dir / gp.name).write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
        (ledgers / gp.name).write_text(json.dumps(extract_file(pdf).to_dict(), ensure_ascii=False), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(shared_dir / "tools" / "score_extraction.py"), "--gold", str(gold_dir),
         "--docs", str(docs), "--ledgers", str(ledgers), "--json", "-v"],
        capture_output=True, text=True, timeout=600)
    report = out.stdout[-4000:] + out.stderr[-1000:]
    assert_every_field(json.loads(out.stdout.strip().splitlines()[-1]), report)
