"""The extraction scorer on the dev gold must stay above the floors of issue 2 (runs the installed command)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FLOORS = {"tasks": 0.95, "lead_units": 0.95, "support_units": 0.95, "deadlines": 0.95, "targets": 0.90}


def _command() -> str:
    exe = shutil.which("taizhang") or str(Path(sys.executable).parent / "taizhang")
    if not os.path.exists(exe):
        pytest.fail("the taizhang console command is not installed")
    return exe


@pytest.mark.shared
@pytest.mark.slow
def test_scorer_floors(shared_dir):
    cmd = f"{_command()} extract {{path}} --format json"
    out = subprocess.run(
        [sys.executable, str(shared_dir / "tools" / "score_extraction.py"), "--gold", str(shared_dir / "gold"),
         "--docs", str(shared_dir / "seeds"), "--cmd", cmd, "--json"],
        capture_output=True, text=True, timeout=900,
    )
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    report = out.stdout[-3000:]
    assert summary["failed_documents"] == 0, report
    for name, floor in FLOORS.items():
        assert summary[name]["f1"] >= floor, f"{name} F1 {summary[name]['f1']} < {floor}\n{report}"
    assert summary["status"]["accuracy"] == 1.0, report
