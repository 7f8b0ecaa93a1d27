"""`taizhang restore` killed with SIGKILL at every step leaves the old state or the new one, never a mix, once the
next start (recovery) has run: every evidence row has its file, the audit chain and its anchor verify, and no
staging folder, journal or database dump is left in the data folder.

The restore runs as a real subprocess on the test database; the test hook ``TAIZHANG_TEST_RESTORE_STOP_AT`` makes
it stop itself (SIGSTOP) at the named step, and the test kills it there with SIGKILL.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from service_builders import month
from taizhang.cli.main import main
from taizhang.service.ledger import audit, backup, services
from taizhang.service.ledger.models import EvidenceFile, ProgressReport

pytestmark = pytest.mark.slow

#: step → the state it must end in after recovery
STEPS = {"journal": "old", "staged": "old", "loaded": "old", "committed": "new", "moved-old": "new",
         "switched": "new", "cleaned": "new"}


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait_stopped(proc: subprocess.Popen, seconds: float = 60) -> None:
    """Wait until ``proc`` is stopped (state T in /proc), as it stops itself right after printing its step."""
    deadline = time.monotonic() + seconds
    while Path(f"/proc/{proc.pid}/stat").read_text().split(")")[1].split()[0] != "T":
        assert time.monotonic() < deadline, "the restore did not stop at its step"
        time.sleep(0.01)


def _restore_killed_at(step: str, archive: Path, home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(TAIZHANG_HOME=str(home), DATABASE_URL=_database_url(), TAIZHANG_TEST_RESTORE_STOP_AT=step)
    connection.close()  # no connection of ours in the way (SQLite locks, PostgreSQL's TRUNCATE)
    proc = subprocess.Popen([sys.executable, "-m", "taizhang.cli.main", "restore", str(archive)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        assert f"restore stopped at {step}" in line, line + proc.stderr.read()
        # it has stopped itself at the step (state T); kill -9 it there
        _wait_stopped(proc)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def _consistent(home: Path) -> None:
    for ev in EvidenceFile.objects.all():
        path = home / "media" / ev.file.name
        assert path.is_file(), f"evidence file missing: {ev.file.name}"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == ev.sha256
    assert audit.verify_chain().ok
    assert audit.check_anchor(audit.read_anchor()).ok
    assert not (home / backup.JOURNAL).exists()
    assert [p.name for p in home.iterdir() if p.name.startswith(".restore")] == []


@pytest.mark.parametrize("step", list(STEPS))
def test_restore_killed_at_a_step_leaves_old_or_new(transactional_db, task1, people, evidence, tmp_path, step,
                                                     capsys):
    services.submit_progress(task1, people["liaison_a"], period=month(), text="过半", percent=50, files=[evidence])
    archive = tmp_path / "backup.zip"
    assert main(["backup", str(archive)]) == 0
    later = services.Upload("之后的佐证.txt", b"evidence added after the backup")
    services.submit_progress(task1, people["liaison_a"], period=month(), text="之后的报送", percent=60,
                             files=[later])
    later_file = tmp_path / "media" / EvidenceFile.objects.get(sha256=later.sha256).file.name
    assert later_file.is_file()

    _restore_killed_at(step, archive, tmp_path)
    assert (tmp_path / backup.JOURNAL).exists() or step == "cleaned"

    # the next start finishes or undoes it
    assert backup.recover() == ("back" if STEPS[step] == "old" else "forward")
    texts = sorted(ProgressReport.objects.values_list("text", flat=True))
    if STEPS[step] == "old":
        assert texts == ["之后的报送", "过半"] and later_file.is_file()
    else:
        assert texts == ["过半"] and not later_file.exists()
    _consistent(tmp_path)
    capsys.readouterr()
    assert main(["audit-verify"]) == 0
    # and a restore after it runs to the end
    assert main(["restore", str(archive)]) == 0
    assert sorted(ProgressReport.objects.values_list("text", flat=True)) == ["过半"]
    _consistent(tmp_path)


def test_recovery_leaves_a_running_restore_alone(transactional_db, task1, tmp_path):
    """While a restore holds the data folder's lock (here: stopped at a step), recovery does nothing."""
    archive = tmp_path / "backup.zip"
    assert main(["backup", str(archive)]) == 0
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(TAIZHANG_HOME=str(tmp_path), DATABASE_URL=_database_url(), TAIZHANG_TEST_RESTORE_STOP_AT="staged")
    connection.close()
    proc = subprocess.Popen([sys.executable, "-m", "taizhang.cli.main", "restore", str(archive)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "restore stopped at staged" in proc.stderr.readline()
        # the line is printed just before the process stops itself: a SIGCONT sent before the SIGSTOP lands
        # would be lost and leave it stopped for good, so wait until it is stopped (state T)
        _wait_stopped(proc)
        assert backup.recover() is None
        assert (tmp_path / backup.JOURNAL).exists()
        proc.send_signal(signal.SIGCONT)  # let it finish
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    _consistent(tmp_path)
