"""The keyed audit chain and its anchors: what an attacker with the database (and without the key) can do is
detected — a rewritten chain, a cut tail, a wrong key; an older version's plain chain is closed once by a keyed
event; the anchor file follows every commit, also under concurrent writers (both engines)."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import stat

import pytest
from django.db import connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from service_builders import month, run_threads
from taizhang.cli.main import main
from taizhang.errors import TaizhangError
from taizhang.service.ledger import audit, dbtriggers, services
from taizhang.service.ledger.audit import AuditEvent


@pytest.fixture
def trail(task1, people):
    for i, pct in enumerate((20, 40, 60)):
        services.submit_progress(task1, people["liaison_a"], period=month(), text=f"第{i}次报送", percent=pct)
    return list(AuditEvent.objects.order_by("seq"))


def _sql(sql: str, params=()):
    """An attacker with database access: drop the guard triggers, run the statement, put them back."""
    dbtriggers.remove(connection)
    with connection.cursor() as cur:
        cur.execute(sql, params)
    dbtriggers.install(connection)


def _rewrite_from(seq: int, hasher, edit=None) -> None:
    """Edit event ``seq`` (``edit(event)``) and recompute the hash and prev_hash of it and every later event with
    ``hasher(event) -> hex``: the rewrite an attacker does to hide an edit."""
    events = list(AuditEvent.objects.order_by("seq"))
    prev = audit.GENESIS if seq == 1 else events[seq - 2].hash
    for ev in events[seq - 1:]:
        if ev.seq == seq and edit:
            edit(ev)
        ev.prev_hash = prev
        ev.hash = prev = hasher(ev)
        _sql("UPDATE ledger_auditevent SET actor_name = %s, data = %s, prev_hash = %s, hash = %s WHERE seq = %s",
             [ev.actor_name, audit.canonical_json(ev.data), ev.prev_hash, ev.hash, ev.seq])


def _forge_percent(ev):
    ev.data = {**ev.data, "percent": 100}


def test_events_are_hmac_keyed_with_a_key_file_outside_the_database(trail, settings):
    key_file = settings.TAIZHANG_AUDIT_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip().encode()
    ev = trail[-1]
    assert ev.hash == hmac.new(key, ev.canonical().encode(), hashlib.sha256).hexdigest()
    assert ev.hash != ev.plain_hash()
    assert key.decode() not in json.dumps([e.data for e in trail])
    assert audit.verify_chain().ok


def test_a_row_edited_and_every_later_hash_recomputed_without_the_key_is_detected(trail):
    target = trail[4].seq
    # plain SHA-256, as the chain was before it had a key
    _rewrite_from(target, lambda ev: ev.plain_hash(), _forge_percent)
    report = audit.verify_chain()
    assert not report.ok and report.first_bad_seq == target and "篡改" in report.reason
    # an HMAC with a guessed key
    _rewrite_from(target, lambda ev: ev.compute_hash(b"guessed-key-guessed-key-guessed-key"), _forge_percent)
    report = audit.verify_chain()
    assert not report.ok and report.first_bad_seq == target


def test_the_whole_chain_rewritten_in_the_old_plain_form_is_not_sealed_by_a_rekey(trail):
    audit.write_anchor()
    _rewrite_from(1, lambda ev: ev.plain_hash(), lambda ev: setattr(ev, "actor_name", "someone"))
    report = audit.verify_chain()
    assert not report.ok and "旧格式" in report.reason
    # an anchor exists, so this is no older version's chain: nothing closes it, and the anchor disagrees
    assert audit.rekey_legacy() is False
    check = audit.check_anchor(audit.read_anchor())
    assert not check.ok and "改写" in check.reason


def test_a_rewrite_with_the_key_is_caught_by_the_anchor(trail):
    audit.write_anchor()
    _rewrite_from(trail[2].seq, lambda ev: ev.compute_hash(), _forge_percent)
    assert audit.verify_chain().ok  # whoever has the key can rewrite the chain itself…
    check = audit.check_anchor(audit.read_anchor())
    assert not check.ok and f"第 {len(trail)} 条" in check.reason  # …but not the anchor kept outside


def test_deleted_newest_events_are_detected_against_the_anchor(trail, capsys):
    anchor = audit.write_anchor()
    assert anchor["events"] == len(trail) and anchor["head"] == trail[-1].hash
    _sql("DELETE FROM ledger_auditevent WHERE seq > %s", [len(trail) - 3])
    assert audit.verify_chain().ok  # what is left is a valid chain
    check = audit.check_anchor(audit.read_anchor())
    assert not check.ok and "末尾的记录被删除" in check.reason
    assert f"锚点记有 {len(trail)} 条，数据库只有 {len(trail) - 3} 条" in check.reason
    assert main(["audit-verify"]) == 1
    out = capsys.readouterr().out
    assert "末尾的记录被删除" in out and "校验不通过" in out
    # the anchor never goes backwards: the evidence of the cut stays
    assert audit.write_anchor() is None and audit.read_anchor()["events"] == len(trail)


def test_a_wrong_key_is_reported(trail, monkeypatch, capsys):
    audit.write_anchor()
    assert main(["audit-verify"]) == 0
    assert "审计记录完整" in capsys.readouterr().out
    monkeypatch.setenv("TAIZHANG_AUDIT_KEY", "x" * 64)
    report = audit.verify_chain()
    assert not report.ok and report.first_bad_seq == 1 and "审计密钥不对" in report.reason
    assert "密钥" in audit.check_anchor(audit.read_anchor()).reason
    assert main(["audit-verify"]) == 1
    out = capsys.readouterr().out
    assert "第 1 条起" in out and "审计密钥不对" in out
    monkeypatch.setenv("TAIZHANG_AUDIT_KEY", "short")
    with pytest.raises(TaizhangError, match="太短"):
        audit.audit_key()


def test_an_anchor_file_that_was_edited_is_refused(trail):
    audit.write_anchor()
    path = audit.anchor_path()
    data = json.loads(path.read_text())
    data["events"] -= 2
    data["head"] = trail[-3].hash
    path.write_text(json.dumps(data))
    assert "校验码" in audit.check_anchor(audit.read_anchor()).reason
    path.write_text("{broken")
    assert "error" in audit.read_anchor()


def test_an_older_versions_plain_chain_is_rekeyed_once_and_recorded(trail, task1, people, capsys):
    _rewrite_from(1, lambda ev: ev.plain_hash())  # the same events as an older version hashed them
    report = audit.verify_chain()
    assert not report.ok and "旧格式" in report.reason
    assert main(["audit-verify", "--rekey"]) == 0
    assert "一次性" in capsys.readouterr().out
    rekey = AuditEvent.objects.order_by("-seq").first()
    assert rekey.action == audit.REKEY
    assert rekey.data == {"plain_events": len(trail), "plain_head": rekey.prev_hash}
    assert rekey.hash == rekey.compute_hash()
    report = audit.verify_chain()
    assert report.ok and report.plain == len(trail) and report.count == len(trail) + 1
    assert audit.rekey_legacy() is False  # once
    services.submit_progress(task1, people["liaison_a"], period=month(), text="之后", percent=70)
    assert audit.verify_chain().ok
    # the plain prefix is protected from then on: an edit in it breaks the link to the keyed rekey event
    _rewrite_from(3, lambda ev: ev.plain_hash() if ev.seq <= len(trail) else ev.hash, _forge_percent)
    report = audit.verify_chain()
    assert not report.ok and report.first_bad_seq == len(trail) + 1


def test_the_first_new_event_closes_a_plain_chain_by_itself(trail, task1, people):
    _rewrite_from(1, lambda ev: ev.plain_hash())
    services.submit_progress(task1, people["liaison_a"], period=month(), text="升级之后", percent=80)
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["report.submit", audit.REKEY]
    assert audit.verify_chain().ok


def test_the_export_carries_the_anchor_and_audit_verify_checks_it(trail, client, people, capsys):
    client.force_login(people["leader"])
    resp = client.get(reverse("web:ledger_export"))
    wb = load_workbook(io.BytesIO(resp.content))
    footer = wb.properties.description
    n, head = len(trail), trail[-1].hash
    assert footer == f"审计链：共 {n} 条，末条摘要 {head[:16]}"
    assert wb["台账"].oddFooter.left.text == footer
    assert main(["audit-verify", "--anchor", f"{n}:{head[:16]}"]) == 0
    assert "与数据库一致" in capsys.readouterr().out
    _sql("DELETE FROM ledger_auditevent WHERE seq = %s", [n])
    assert main(["audit-verify", "--anchor", f"{n}:{head[:16]}"]) == 1
    assert "末尾的记录被删除" in capsys.readouterr().out
    assert main(["audit-verify", "--anchor", "nonsense"]) == 2


# ---- the anchor file follows real commits ------------------------------------------------------------------------
def test_the_anchor_file_follows_every_commit_and_is_private(transactional_db, task1, people):
    path = audit.anchor_path()
    anchor = audit.read_anchor()
    assert anchor["events"] == AuditEvent.objects.count()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    services.submit_progress(task1, people["liaison_a"], period=month(), text="已报送", percent=30)
    assert audit.read_anchor()["events"] == AuditEvent.objects.count() == anchor["events"] + 1
    assert audit.check_anchor(audit.read_anchor()).ok
    # a rolled-back transaction moves nothing
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("test.note", object_type="test")
        raise RuntimeError
    assert audit.read_anchor()["events"] == AuditEvent.objects.count()
    assert sorted(p.name for p in path.parent.glob("audit_anchor*")) == ["audit_anchor.json",
                                                                         "audit_anchor.json.lock"]


def test_the_anchor_is_right_under_concurrent_writers(transactional_db, task1, people):
    """Threads commit events at once (PostgreSQL: truly in parallel); the anchor ends at the last event."""
    n = 12

    def write(i):
        for j in range(3):
            with transaction.atomic():
                audit.record("test.note", object_type="test", object_id=f"{i}-{j}")

    _, errors = run_threads(write, n)
    assert errors == []
    events, head = audit.current_head()
    anchor = audit.read_anchor()
    assert (anchor["events"], anchor["head"]) == (events, head) and events == AuditEvent.objects.count()
    assert audit.check_anchor(anchor).ok and audit.verify_chain().ok
