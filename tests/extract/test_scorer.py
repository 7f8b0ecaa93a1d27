"""The extraction scorer on the dev gold must stay above the floors of issue 2 (runs the installed command)."""

import pytest

from scoring import assert_floors, run_scorer


@pytest.mark.shared
@pytest.mark.slow
def test_scorer_floors(shared_dir):
    summary, report = run_scorer(shared_dir, shared_dir / "gold", shared_dir / "seeds")
    assert_floors(summary, report)
    assert summary["status"]["n"] > 0, report
