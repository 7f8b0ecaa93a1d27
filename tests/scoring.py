"""Runs ../shared/tools/score_extraction.py against the installed ``taizhang`` command and checks the floors of
issue 2 (used by the dev-gold test and the held-out test)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FLOORS = {"tasks": 0.95, "lead_units": 0.95, "support_units": 0.95, "deadlines": 0.95, "targets": 0.90}


def taizhang_command() -> str:
    exe = shutil.which("taizhang") or str(Path(sys.executable).parent / "taizhang")
    if not os.path.exists(exe):
        pytest.fail("the taizhang console command is not installed")
    return exe


def run_scorer(shared_dir: Path, gold: Path, docs: Path) -> tuple[dict, str]:
    """The scorer's overall figures (its --json line) and the tail of its verbose report."""
    cmd = f"{taizhang_command()} extract {{path}} --format json"
    out = subprocess.run(
        [sys.executable, str(shared_dir / "tools" / "score_extraction.py"), "--gold", str(gold),
         "--docs", str(docs), "--cmd", cmd, "--json", "-v"],
        capture_output=True, text=True, timeout=900,
    )
    report = out.stdout[-4000:] + out.stderr[-1000:]
    lines = out.stdout.strip().splitlines()
    assert lines, f"the scorer printed nothing\n{report}"
    return json.loads(lines[-1]), report


def assert_floors(summary: dict, report: str) -> None:
    assert summary["failed_documents"] == 0, report
    for name, floor in FLOORS.items():
        assert summary[name]["f1"] >= floor, f"{name} F1 {summary[name]['f1']} < {floor}\n{report}"
    assert summary["status"]["accuracy"] == 1.0, report
