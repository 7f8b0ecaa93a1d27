"""The service commands: serve (a real subprocess on 127.0.0.1), import, remind, backup/restore."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from service_builders import month
from taizhang.cli.main import main
from taizhang.service.ledger import audit, services
from taizhang.service.ledger.models import AuditEvent, Document, EvidenceFile, ProgressReport, Task


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, data=None):
    try:
        with urllib.request.urlopen(url, data=data, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _start(home: Path, port: int):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["TAIZHANG_HOME"] = str(home)
    proc = subprocess.Popen([sys.executable, "-m", "taizhang.cli.main", "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines = []
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "台账服务已启动" in line:
            break
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return proc, "".join(lines)


def _stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.mark.slow  # a real server in a subprocess: migrate, start, answer
def test_serve_first_run_creates_database_and_admin_then_answers(tmp_path):
    home, port = tmp_path / "home", _free_port()
    proc, out = _start(home, port)
    try:
        assert proc.poll() is None, out
        m = re.search(r"密码：(\S+)", out)
        assert m, out
        password = m.group(1)
        assert (home / "taizhang.sqlite3").exists()
        base = f"http://127.0.0.1:{port}"
        status, body = _get(base + "/api/schema/")
        assert status == 200 and b"openapi" in body
        status, body = _get(base + "/static/admin/css/base.css")  # static files served by the app itself
        assert status == 200 and len(body) > 1000
        assert _get(base + "/api/tasks/")[0] == 401  # no credentials: 401, naming the token scheme
        status, body = _get(base + "/api/token/", data=f"username=admin&password={password}".encode())
        assert status == 200, body
        token = json.loads(body)["token"]
        req = urllib.request.Request(base + "/api/tasks/", headers={"Authorization": f"Token {token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status == 200 and json.loads(r.read())["count"] == 0
    finally:
        _stop(proc)
    proc, out = _start(home, port)  # second run: same database, no new password
    try:
        assert "密码" not in out and "台账服务已启动" in out
    finally:
        _stop(proc)


def test_import_command(people, tmp_path, plan_text, capsys):
    path = tmp_path / "桐溪县方案.txt"
    path.write_text(plan_text, encoding="utf-8")
    assert main(["import", str(path), "--user", "reviewer"]) == 0
    out = capsys.readouterr().out
    doc = Document.objects.get()
    assert f"文件编号 {doc.pk}" in out and doc.original_name == "桐溪县方案.txt" and doc.tasks.count() >= 3
    assert doc.imported_by == people["reviewer"] and doc.state == "draft"
    assert main(["import", str(path), "--user", "reviewer"]) == 2
    assert "已导入过" in capsys.readouterr().err
    assert main(["import", str(path), "--user", "leader"]) == 2  # refused, not a crash
    assert main(["import", str(tmp_path / "missing.txt")]) == 2
    assert Document.objects.count() == 1


def _due(task, days):
    Task.objects.filter(pk=task.pk).update(due_date=timezone.localdate() + timedelta(days=days))


def test_remind_sends_due_soon_and_overdue_notices(published, people, capsys):
    tasks = {t.key: t for t in published.tasks.all()}
    _due(tasks["T1"], -3)   # overdue: lead 桐溪县生态环境局 (liaison_a)
    _due(tasks["T2"], 5)    # due soon: lead 桐溪县住房和城乡建设局 (liaison_b)
    _due(tasks["T3"], 200)  # not yet
    assert main(["remind", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "试运行" in out and "逾期 3 天" in out and mail.outbox == []
    assert main(["remind", "--notifier", "email"]) == 0
    by_to = {tuple(m.to): m for m in mail.outbox}
    a = by_to[("liaison_a@example.invalid",)]
    assert "逾期 1 项" in a.subject and tasks["T1"].number in a.body
    b = by_to[("liaison_b@example.invalid",)]
    assert "即将到期 1 项" in b.subject and "还剩 5 天" in b.body
    assert not any(tasks["T3"].title in m.body for m in mail.outbox)


def test_backup_restore_round_trip(transactional_db, task1, people, evidence, tmp_path, settings):
    report = services.submit_progress(task1, people["liaison_a"], period=month(), text="过半", percent=50,
                                      files=[evidence])
    ev_path = Path(report.files.get().file.path)
    n_events = AuditEvent.objects.count()
    archive = tmp_path / "backup.zip"
    assert main(["backup", str(archive)]) == 0
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert any(name.startswith("media/evidence/") for name in manifest["files"])
    # later changes, and a lost file
    services.submit_progress(task1, people["liaison_a"], period=month(), text="之后的报送", percent=60)
    ev_path.unlink()
    assert main(["restore", str(archive)]) == 0
    assert list(ProgressReport.objects.values_list("text", flat=True)) == ["过半"]
    # the archive's chain, and one more event: the restore itself
    assert AuditEvent.objects.count() == n_events + 1 and audit.verify_chain().ok
    last = AuditEvent.objects.order_by("-seq").first()
    assert last.action == "backup.restore" and last.data["events"] == n_events
    assert ev_path.read_bytes() == evidence.content
    assert EvidenceFile.objects.get().sha256 == evidence.sha256
    assert Task.objects.get(pk=task1.pk).last_percent == 50
    # the search index and the schedule copied onto assignments (kept by database triggers) follow the restore
    from django.db import connection

    from taizhang.service.ledger import denorm, search

    assert task1.pk in Task.objects.filter(search.keyword_q("燃煤锅炉")).values_list("pk", flat=True)
    assert task1.pk in Task.objects.filter(search.keyword_q("锅炉")).values_list("pk", flat=True)
    assert task1.assignments.exists() and denorm.stale_assignments(connection) == []
    # the audit table is guarded again after the restore
    with pytest.raises(Exception, match="append-only"):
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("DELETE FROM ledger_auditevent")


def test_restore_refuses_a_corrupted_archive(transactional_db, task1, tmp_path, capsys):
    archive = tmp_path / "backup.zip"
    assert main(["backup", str(archive)]) == 0
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "db.json":
                data = data.replace("推进燃煤锅炉淘汰".encode(), "已完成燃煤锅炉淘汰".encode())
            dst.writestr(item, data)
    assert main(["restore", str(bad)]) == 2
    assert "已损坏" in capsys.readouterr().err
    assert Task.objects.get(pk=task1.pk).title == "推进燃煤锅炉淘汰"
