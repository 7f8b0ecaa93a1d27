"""`taizhang restore` refuses hostile and inconsistent archives with a clear message and exit 2, writing nothing;
backups and everything restore writes are private; an older version's backup still restores."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from service_builders import month
from taizhang.cli.main import main
from taizhang.service.ledger import audit, backup, services
from taizhang.service.ledger.models import AuditEvent, EvidenceFile, ProgressReport


@pytest.fixture
def archive(transactional_db, task1, people, evidence, tmp_path):
    services.submit_progress(task1, people["liaison_a"], period=month(), text="过半", percent=50, files=[evidence])
    out = tmp_path / "backups" / "backup.zip"
    assert main(["backup", str(out)]) == 0
    services.submit_progress(task1, people["liaison_a"], period=month(), text="之后的报送", percent=60)
    return out


def _members(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(i, zf.read(i.filename)) for i in zf.infolist()]


def _rebuild(src: Path, dst: Path, *, extra=(), drop=(), manifest_edit=None, sign=True) -> Path:
    """A copy of ``src`` with members added (``(name_or_info, data)``) or dropped and the manifest edited;
    the manifest's MAC is recomputed with this installation's key (``sign``), so the check under test is the one
    that refuses."""
    members = _members(src)
    manifest = json.loads(dict((i.filename, d) for i, d in members)["manifest.json"])
    if manifest_edit:
        manifest_edit(manifest)
    if sign:
        manifest["mac"] = backup._manifest_mac(manifest, audit.audit_key())
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            if info.filename in drop or info.filename == "manifest.json":
                continue
            zf.writestr(info, data)
        for name, data in extra:
            zf.writestr(name, data)
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
    return dst


def _home_is_clean(home: Path) -> None:
    assert not (home / backup.JOURNAL).exists()
    assert [p.name for p in home.iterdir() if p.name.startswith(".restore-")] == []


def _assert_refused(path: Path, capsys, home: Path, *words: str) -> str:
    assert main(["restore", str(path)]) == 2
    err = capsys.readouterr().err
    for w in words:
        assert w in err, err
    # nothing changed: the later report is still there, nothing staged or left behind
    assert sorted(ProgressReport.objects.values_list("text", flat=True)) == ["之后的报送", "过半"]
    _home_is_clean(home)
    return err


MEMBER_NAMES = ["media/../../escaped.txt", "/tmp/taizhang-escaped.txt", "media\\..\\..\\escaped.txt",
                "media/./evil.txt", "media//evil.txt", "C:/escaped.txt", "media/", "other.txt"]
MANIFEST_NAMES = ["media/../../escaped.txt", "media/a\x00b", "/etc/x", "media/a\\b"]


def test_a_member_name_outside_its_folder_is_refused(archive, tmp_path, capsys):
    for name in MEMBER_NAMES:
        bad = _rebuild(archive, tmp_path / "bad.zip", extra=[(name, b"owned")],
                       manifest_edit=lambda m, name=name: m["files"].__setitem__(name, "0" * 64))
        _assert_refused(bad, capsys, tmp_path, "不安全", "已拒绝恢复")
        assert not (tmp_path.parent / "escaped.txt").exists() and not Path("/tmp/taizhang-escaped.txt").exists()
        assert not (tmp_path / "escaped.txt").exists()


def test_a_manifest_name_outside_its_folder_is_refused(archive, tmp_path, capsys):
    for name in MANIFEST_NAMES:
        bad = _rebuild(archive, tmp_path / "bad.zip",
                       manifest_edit=lambda m, name=name: m["files"].__setitem__(name, "0" * 64))
        _assert_refused(bad, capsys, tmp_path, "清单中的文件名", "不安全")


def test_a_symlink_member_is_refused(archive, tmp_path, capsys):
    info = zipfile.ZipInfo("media/evidence/link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    bad = _rebuild(archive, tmp_path / "bad.zip", extra=[(info, b"/etc/passwd")],
                   manifest_edit=lambda m: m["files"].__setitem__("media/evidence/link", "0" * 64))
    _assert_refused(bad, capsys, tmp_path, "符号链接")


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_members_and_manifest_must_list_the_same_files(archive, tmp_path, capsys):
    unlisted = _rebuild(archive, tmp_path / "unlisted.zip", extra=[("media/evidence/extra.txt", b"x")])
    _assert_refused(unlisted, capsys, tmp_path, "清单未列出的文件", "media/evidence/extra.txt")
    name = next(n for n in json.loads(dict((i.filename, d) for i, d in _members(archive))["manifest.json"])["files"]
                if n.startswith("media/"))
    missing = _rebuild(archive, tmp_path / "missing.zip", drop=[name])
    _assert_refused(missing, capsys, tmp_path, "在备份中缺失", name)
    dup = _rebuild(archive, tmp_path / "dup.zip", extra=[(name, b"second copy")])
    _assert_refused(dup, capsys, tmp_path, "重名")


def test_an_archive_from_another_key_or_edited_is_refused(archive, tmp_path, capsys, monkeypatch):
    edited = _rebuild(archive, tmp_path / "edited.zip", manifest_edit=lambda m: m.__setitem__("created", "2020"),
                      sign=False)
    err = _assert_refused(edited, capsys, tmp_path, "校验码与本机的审计密钥不符", "audit_key", "TAIZHANG_AUDIT_KEY")
    assert "Traceback" not in err
    # the source installation's key, given in the environment, restores it
    key = Path(audit.settings.TAIZHANG_AUDIT_KEY_FILE).read_text().strip()
    Path(audit.settings.TAIZHANG_AUDIT_KEY_FILE).write_text("f" * 64)
    _assert_refused(archive, capsys, tmp_path, "校验码与本机的审计密钥不符")
    monkeypatch.setenv("TAIZHANG_AUDIT_KEY", key)
    assert main(["restore", str(archive)]) == 0
    assert list(ProgressReport.objects.values_list("text", flat=True)) == ["过半"]


def test_the_archive_is_bounded(archive, tmp_path, capsys, monkeypatch):
    n = len(_members(archive))
    monkeypatch.setenv("TAIZHANG_MAX_BACKUP_MEMBERS", str(n - 1))
    _assert_refused(archive, capsys, tmp_path, "文件过多", "TAIZHANG_MAX_BACKUP_MEMBERS")
    monkeypatch.delenv("TAIZHANG_MAX_BACKUP_MEMBERS")
    monkeypatch.setenv("TAIZHANG_MAX_BACKUP_BYTES", "1000")
    _assert_refused(archive, capsys, tmp_path, "解压后过大", "TAIZHANG_MAX_BACKUP_BYTES")


def test_a_chain_edited_inside_the_archive_is_refused(archive, tmp_path, capsys):
    """Someone edits an audit event in db.json and fixes the manifest's sha256 (but cannot fix its MAC… unless
    they have the key: then the chain itself, keyed, still refuses)."""
    members = dict((i.filename, d) for i, d in _members(archive))
    db = json.loads(members["db.json"])
    for row in db:
        if row["model"] == "ledger.auditevent" and row["fields"]["action"] == "report.submit":
            row["fields"]["data"]["percent"] = 100
    data = json.dumps(db, ensure_ascii=False).encode()
    bad = _rebuild(archive, tmp_path / "bad.zip", drop=["db.json"], extra=[("db.json", data)],
                   manifest_edit=lambda m: m["files"].__setitem__("db.json", backup._sha(data)))
    _assert_refused(bad, capsys, tmp_path, "审计记录校验不通过", "篡改")


def test_backups_and_restored_files_are_private_whatever_the_umask(archive, tmp_path):
    old = os.umask(0o022)
    try:
        inside = tmp_path / "backup-in-home.zip"
        assert main(["backup", "-o", str(inside)]) == 0
        assert main(["restore", str(archive)]) == 0
    finally:
        os.umask(old)
    for path in (archive, inside):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    media = tmp_path / "media"
    for p in [media, *media.rglob("*")]:
        assert stat.S_IMODE(p.stat().st_mode) == (0o700 if p.is_dir() else 0o600), p
    for name in ("audit_key", "audit_anchor.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    _home_is_clean(tmp_path)


def test_an_older_versions_backup_restores_and_its_chain_is_rekeyed(archive, tmp_path, capsys):
    """A taizhang.backup/1 archive: an unkeyed chain, no anchor, no MAC."""
    from django.db import connection

    from taizhang.service.ledger import dbtriggers

    prev = audit.GENESIS
    dbtriggers.remove(connection)
    for ev in AuditEvent.objects.order_by("seq"):  # the chain as an older version hashed it
        ev.prev_hash = prev
        prev = ev.plain_hash()
        with connection.cursor() as cur:
            cur.execute("UPDATE ledger_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
                        [ev.prev_hash, prev, ev.seq])
    dbtriggers.install(connection)
    made = tmp_path / "made.zip"
    assert main(["backup", str(made)]) == 0

    def old_format(m):
        m["format"] = "taizhang.backup/1"
        for k in ("audit_anchor", "mac", "audit_ok"):
            m.pop(k)

    old = _rebuild(made, tmp_path / "old.zip", manifest_edit=old_format, sign=False)
    capsys.readouterr()
    assert main(["restore", str(old)]) == 0
    assert "旧版本的备份" in capsys.readouterr().out
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["backup.restore", audit.REKEY]
    report = audit.verify_chain()
    assert report.ok and report.plain > 0
    assert audit.check_anchor(audit.read_anchor()).ok
    assert main(["audit-verify"]) == 0
    for ev in EvidenceFile.objects.all():
        assert (tmp_path / "media" / ev.file.name).is_file()


def test_leftover_dumps_of_older_versions_are_removed(archive, tmp_path):
    leak = tmp_path / ".restore-20240101000000000000.json"
    leak.write_text("[password hashes]")
    assert backup.recover() is None and not leak.exists()


def test_audit_verify_checks_the_database_against_a_backup(archive, tmp_path, capsys):
    from django.db import connection

    from taizhang.service.ledger import dbtriggers

    capsys.readouterr()
    assert main(["audit-verify", "--backup", str(archive)]) == 0
    assert "中的锚点" in capsys.readouterr().out
    # the newest events deleted after the backup was taken, and the anchor file along with them
    n = json.loads(dict((i.filename, d) for i, d in _members(archive))["manifest.json"])["audit_events"]
    dbtriggers.remove(connection)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM ledger_auditevent WHERE seq >= %s", [n])
    dbtriggers.install(connection)
    audit.anchor_path().unlink()
    assert main(["audit-verify", "--backup", str(archive)]) == 1
    assert "末尾的记录被删除" in capsys.readouterr().out
    edited = _rebuild(archive, tmp_path / "edited.zip", manifest_edit=lambda m: m["audit_anchor"].update(events=1),
                      sign=False)
    assert main(["audit-verify", "--backup", str(edited)]) == 2
    assert "校验码" in capsys.readouterr().err


def test_restore_names_files_the_source_had_already_lost(transactional_db, task1, people, evidence, tmp_path,
                                                         capsys):
    report = services.submit_progress(task1, people["liaison_a"], period=month(), text="过半", percent=50,
                                      files=[evidence])
    name = report.files.get().file.name
    (tmp_path / "media" / name).unlink()
    out = tmp_path / "b.zip"
    assert main(["backup", str(out)]) == 0
    assert main(["restore", str(out)]) == 0
    assert f"备份中没有的文件 1 个（备份前已丢失），如 {name}" in capsys.readouterr().err


def test_the_audit_key_is_made_once_and_whole(settings, tmp_path):
    settings.TAIZHANG_AUDIT_KEY_FILE = tmp_path / "k" / "audit_key"
    (tmp_path / "k").mkdir()
    keys = {audit.audit_key() for _ in range(3)}
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert [p.name for p in (tmp_path / "k").iterdir()] == ["audit_key"]


def test_a_media_folder_that_cannot_be_switched_is_refused_first(archive, tmp_path, capsys):
    media = tmp_path / "media"
    elsewhere = tmp_path / "elsewhere"
    media.rename(elsewhere)
    media.symlink_to(elsewhere)
    _assert_refused(archive, capsys, tmp_path, "符号链接或单独挂载", "TAIZHANG_HOME")
    assert media.is_symlink()


def test_backups_carry_no_login_state(transactional_db, people, tmp_path):
    """API tokens and login failures are not ledger data: a restore must not bring back a token revoked since."""
    from axes.models import AccessAttempt
    from knox.models import AuthToken

    AuthToken.objects.create(people["liaison_a"])
    AccessAttempt.objects.create(username="liaison_a", ip_address="10.0.0.9", failures_since_start=3)
    out = tmp_path / "backup.zip"
    assert main(["backup", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        models = {row["model"] for row in json.loads(zf.read("db.json"))}
    assert not [m for m in models if m.startswith(("knox.", "axes."))], models
    assert main(["restore", str(out)]) == 0
    assert AuthToken.objects.count() == 0 and AccessAttempt.objects.count() == 0
