"""The code's pointers to its specifications stay inside the repository: every docs/dev page a docstring names
exists, and no source file sends the reader to ../shared (absent from a clone)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "src" / "taizhang").rglob("*.py"))


def test_every_docs_dev_page_named_in_the_code_exists():
    named = {m for p in SOURCES for m in re.findall(r"docs/dev/[\w.-]+\.md", p.read_text(encoding="utf-8"))}
    assert named, "the code names no developer page"
    assert sorted(n for n in named if not (ROOT / n).is_file()) == []


def test_no_source_points_outside_the_repository():
    assert [str(p.relative_to(ROOT)) for p in SOURCES if "../shared" in p.read_text(encoding="utf-8")] == []
