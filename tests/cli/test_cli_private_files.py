"""Everything the service writes into its data folder is private (files 0600, folders 0700) under the common
umask 022: a fresh installation runs import, backup and restore as real commands on its embedded SQLite."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "taizhang" / "sample" / "sample_plan.docx"


def _run(home: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE",
                                                            "TAIZHANG_AUDIT_KEY")}
    env["TAIZHANG_HOME"] = str(home)
    done = subprocess.run([sys.executable, "-m", "taizhang.cli.main", *args], env=env, capture_output=True, text=True,
                          preexec_fn=lambda: os.umask(0o022), timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_fresh_installation_keeps_its_files_private(tmp_path):
    home = tmp_path / "home"
    _run(home, "user", "add", "clerk", "--role", "office")
    _run(home, "import", str(SAMPLE), "--user", "clerk")
    _run(home, "backup", str(home / "backups" / "b.zip"))
    outside = tmp_path / "elsewhere" / "b.zip"
    assert "仅本账号可读" in _run(home, "backup", "-o", str(outside))
    _run(home, "restore", str(outside))
    assert "审计记录完整" in _run(home, "audit-verify")
    names = {p.relative_to(home).as_posix() for p in home.rglob("*")}
    for expected in ("taizhang.sqlite3", "secret_key", "audit_key", "audit_anchor.json", "backups/b.zip"):
        assert expected in names
    assert any(n.startswith("media/originals/") for n in names)
    assert not any(n.startswith(".restore") or n.endswith(".json") and "restore" in n for n in names)
    for p in [home, *home.rglob("*")]:
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode == (0o700 if p.is_dir() else 0o600), f"{p.relative_to(home)}: {oct(mode)}"
    assert stat.S_IMODE(outside.stat().st_mode) == 0o600
