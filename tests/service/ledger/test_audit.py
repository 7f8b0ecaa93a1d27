"""The audit trail cannot be altered: the model, the queryset and the database refuse; verify finds tampering."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from service_builders import month
from taizhang.service.ledger import audit, dbtriggers, services
from taizhang.service.ledger.audit import AuditEvent, AuditImmutable


@pytest.fixture
def trail(task1, people):
    services.submit_progress(task1, people["liaison_a"], period=month(), text="已排查锅炉", percent=30)
    services.submit_progress(task1, people["liaison_a"], period=month(), text="已淘汰一半", percent=50)
    assert AuditEvent.objects.count() >= 6
    return list(AuditEvent.objects.order_by("seq"))


def test_chain_links_every_event(trail):
    assert [e.seq for e in trail] == list(range(1, len(trail) + 1))
    assert trail[0].prev_hash == audit.GENESIS
    for prev, ev in zip(trail, trail[1:], strict=False):
        assert ev.prev_hash == prev.hash and ev.hash == ev.compute_hash()
    report = audit.verify_chain()
    assert report.ok and report.count == len(trail)


def test_orm_update_and_delete_refused(trail):
    ev = trail[2]
    ev.action = "forged"
    with pytest.raises(AuditImmutable):
        ev.save()
    with pytest.raises(AuditImmutable):
        ev.delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=ev.pk).update(action="forged")
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=ev.pk).delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.bulk_update([ev], ["action"])
    assert AuditEvent.objects.get(pk=ev.pk).action != "forged"
    assert audit.verify_chain().ok


@pytest.mark.parametrize("sql", [
    "UPDATE ledger_auditevent SET action = 'forged' WHERE seq = 3",
    "UPDATE ledger_auditevent SET data = '{}'",
    "DELETE FROM ledger_auditevent WHERE seq = 3",
    "DELETE FROM ledger_auditevent",
])
def test_raw_sql_update_and_delete_refused_by_the_database(trail, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AuditEvent.objects.count() == len(trail)
    assert audit.verify_chain().ok


def test_wiping_the_table_refused(trail):
    """PostgreSQL: TRUNCATE (a statement trigger); SQLite has no TRUNCATE, its table wipe is DELETE."""
    sql = "TRUNCATE ledger_auditevent" if connection.vendor == "postgresql" else "DELETE FROM ledger_auditevent"
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AuditEvent.objects.count() == len(trail)


def _tamper(sql: str, params=()):
    """What an attacker with database access does: drop the trigger, change a row, restore the trigger."""
    dbtriggers.remove(connection)
    with connection.cursor() as cur:
        cur.execute(sql, params)
    dbtriggers.install(connection)


def test_verify_detects_a_tampered_row(trail):
    target = trail[3]
    _tamper("UPDATE ledger_auditevent SET actor_name = %s WHERE seq = %s", ["someone_else", target.seq])
    report = audit.verify_chain()
    assert not report.ok and report.first_bad_seq == target.seq and "篡改" in report.reason


def test_verify_detects_a_deleted_row(trail):
    _tamper("DELETE FROM ledger_auditevent WHERE seq = %s", [trail[2].seq])
    report = audit.verify_chain()
    assert not report.ok and report.first_bad_seq == trail[2].seq


def test_verify_detects_a_forged_row_with_recomputed_hash(trail):
    """Rewriting a row and its own hash still breaks the link to the next event."""
    target = AuditEvent.objects.get(seq=trail[2].seq)
    target.data = {**target.data, "percent": 100}
    forged_hash = target.compute_hash()
    _tamper("UPDATE ledger_auditevent SET data = %s, hash = %s WHERE seq = %s",
            [audit.canonical_json(target.data), forged_hash, target.seq])
    report = audit.verify_chain()
    assert not report.ok and report.first_bad_seq == trail[3].seq


def test_verify_command_reports_the_broken_seq(trail, capsys):
    from taizhang.cli.main import main

    assert main(["audit-verify"]) == 0
    assert "完整" in capsys.readouterr().out
    _tamper("UPDATE ledger_auditevent SET object_id = '999' WHERE seq = %s", [trail[1].seq])
    assert main(["audit-verify"]) == 1
    out = capsys.readouterr().out
    assert f"第 {trail[1].seq} 条" in out
