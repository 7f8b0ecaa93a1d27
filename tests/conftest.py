"""Shared test fixtures.

Tests that need ../shared (seeds, gold, scorer) use the ``shared_dir`` fixture: where ../shared is absent
(a user's own clone) they skip with the reason; with CI=true they fail instead of skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TAIZHANG_SHARED", ROOT.parent / "shared"))


def _require_shared() -> Path:
    if (SHARED / "seeds").is_dir() and (SHARED / "gold").is_dir():
        return SHARED
    reason = f"../shared (seeds and gold) not found at {SHARED}; these tests need it"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + " — and CI=true, so this is a failure, not a skip")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _require_shared()


@pytest.fixture(scope="session")
def seed_paths(shared_dir: Path) -> list[Path]:
    return sorted((shared_dir / "seeds").glob("*.txt"))
