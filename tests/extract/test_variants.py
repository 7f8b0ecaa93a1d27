"""The dev seeds as offices also produce them must score as the seeds do, against the same gold.

Variants are generated here, never committed: every seed converted to traditional characters (OpenCC s2t).
Each must score >= 0.95 on every field of the shared scorer.
"""

from __future__ import annotations

import pytest

from scoring import run_scorer

VARIANT_FLOOR = 0.95
F1_FIELDS = ("tasks", "lead_units", "support_units", "implementing_units", "deadlines", "targets")
ACC_FIELDS = ("flags", "status", "parents", "target_attrs", "document")


def assert_every_field(summary: dict, report: str, floor: float = VARIANT_FLOOR) -> None:
    assert summary["failed_documents"] == 0, report
    for name in F1_FIELDS:
        assert summary[name]["f1"] >= floor, f"{name} F1 {summary[name]['f1']} < {floor}\n{report}"
    for name in ACC_FIELDS:
        assert summary[name]["accuracy"] >= floor, f"{name} {summary[name]['accuracy']} < {floor}\n{report}"


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
    summary, report = run_scorer(shared_dir, shared_dir / "gold", docs)
    assert_every_field(summary, report)

