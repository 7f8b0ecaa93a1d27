"""The extraction scorer on the dev gold must stay above the floors of issue 2 (runs the installed command)."""

import pytest

from scoring import assert_floors, run_scorer


@pytest.mark.shared
@pytest.mark.slow
def test_scorer_floors(shared_dir):
    summary, report = run_scorer(shared_dir, shared_dir / "gold", shared_dir / "seeds")
    assert_floors(summary, report)
    assert summary["status"]["n"] > 0, report


CORPUS_FLOORS = {"tasks": 0.90, "targets": 0.90}


@pytest.mark.shared
@pytest.mark.slow
def test_corpus_of_other_provinces_holds_its_floors(shared_dir):
    """Excerpts of real plans and rectification notices of six other provinces (../shared/corpus, issue 8)."""
    corpus = shared_dir / "corpus"
    if not (corpus / "gold").is_dir():
        pytest.fail(f"{corpus} has no gold: the shared corpus of issue 8 is missing")
    summary, report = run_scorer(shared_dir, corpus / "gold", corpus / "docs")
    assert summary["failed_documents"] == 0, report
    for name, floor in CORPUS_FLOORS.items():
        assert summary[name]["f1"] >= floor, f"{name} F1 {summary[name]['f1']} < {floor}\n{report}"
    assert summary["status"]["n"] >= 2 and summary["status"]["accuracy"] == 1.0, report
