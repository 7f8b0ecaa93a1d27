"""The task schedule copied onto each assignment by database triggers (denorm.py) stays equal to the task's
through every path that changes a task or an assignment, and the dashboard's "overdue by unit" built on it
equals a count made from the tasks themselves."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection

from taizhang.service.ledger import denorm, lights, services
from taizhang.service.ledger.models import Assignment, DeadlineChangeRequest, Organisation, Task
from taizhang.service.web.dashboard_stats import dashboard_stats


def _stale() -> list[int]:
    return denorm.stale_assignments(connection)


def test_triggers_are_in_place_after_all_migrations(db):
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            expected = {"ledger_assignment_copy_ai", "ledger_assignment_copy_au", "ledger_task_copy_au"}
        else:
            cur.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            expected = {"ledger_assignment_copy", "ledger_task_copy"}
        assert expected <= {r[0] for r in cur.fetchall()}


def test_copies_follow_every_change_of_a_task(people, draft, evidence):
    # import (assignments created after their tasks) and review edits
    assert Assignment.objects.count() >= 5 and _stale() == []
    t1 = draft.tasks.get(key="T1")
    services.set_task_units(t1, people["reviewer"], version=t1.version, role="support",
                            units=[{"organisation": people["org_b"].pk}], why="改配合单位")
    services.set_task_deadline(Task.objects.get(pk=t1.pk), people["reviewer"], version=Task.objects.get(pk=t1.pk).version,
                               due=lights.today_local() + timedelta(days=40), why="核对时限")
    assert _stale() == []
    services.publish_document(draft, people["reviewer"])
    t1 = Task.objects.get(pk=t1.pk)
    assert set(Assignment.objects.filter(task=t1).values_list("task_state", flat=True)) == {"active"}
    # monthly progress, claim, close, reopen, a deadline change approved
    today = lights.today_local()
    services.submit_progress(t1, people["liaison_a"], period=f"{today:%Y-%m}", text="推进中", percent=20)
    assert _stale() == []
    services.claim_completion(Task.objects.get(pk=t1.pk), people["liaison_a"], text="已完成", files=[evidence])
    services.close_task(Task.objects.get(pk=t1.pk), people["inspector"], note="现场核查属实")
    assert set(Assignment.objects.filter(task=t1).values_list("task_state", flat=True)) == {"closed"}
    services.reopen_task(Task.objects.get(pk=t1.pk), people["admin"], reason="反弹回潮")
    req = services.request_deadline_change(Task.objects.get(pk=t1.pk), people["liaison_a"],
                                           new_date=today + timedelta(days=90), reason="资金未到位")
    services.approve_deadline_change(DeadlineChangeRequest.objects.get(pk=req.pk), people["admin"], note="同意")
    t1 = Task.objects.get(pk=t1.pk)
    assert t1.due_date == today + timedelta(days=90)
    assert set(Assignment.objects.filter(task=t1).values_list("task_due_date", flat=True)) == {t1.due_date}
    assert _stale() == []


def test_copies_follow_writes_outside_the_services(people, published):
    t1, t2 = published.tasks.get(key="T1"), published.tasks.get(key="T2")
    Task.objects.filter(pk=t1.pk).update(due_date=lights.today_local() - timedelta(days=3), last_period="2020-01")
    assert _stale() == []
    a = Assignment.objects.filter(task=t1).first()
    a.task_state, a.task_due_date = "draft", None  # a stale instance saved back: the database puts it right
    a.save()
    a.task = t2
    a.save()
    assert _stale() == []
    Assignment.objects.bulk_create([Assignment(task=t2, organisation=people["org_a"], role="support",
                                               task_state="closed")])
    assert _stale() == []


def test_overdue_by_unit_equals_a_count_from_the_tasks(people, published):
    today = lights.today_local()
    jur = published.jurisdiction
    orgs = [Organisation.objects.create(jurisdiction=jur, name=f"桐溪县测试单位{i}") for i in range(4)]
    for i in range(24):
        due = today + timedelta(days=(-40 + 4 * i) if i % 5 else 200)
        t = Task.objects.create(document=published, key=f"D{i}", position=50 + i, text=f"测试任务{i}",
                                state=["active", "claimed", "closed", "draft"][i % 4], due_date=due,
                                start_date=today - timedelta(days=100), last_percent=(i * 7) % 100,
                                behind_after=today - timedelta(days=1) if i % 3 == 0 else None)
        Assignment.objects.create(task=t, organisation=orgs[i % 4], role="lead")
        if i % 2:
            Assignment.objects.create(task=t, organisation=orgs[(i + 1) % 4], role="lead")
    stats = dashboard_stats(today)
    window = lights.warning_days()
    expected = {}
    for a in Assignment.objects.filter(role="lead").select_related("task", "organisation"):
        light = lights.task_light(a.task, today, window)
        if a.task.state not in lights.SUPERVISED:
            continue
        e = expected.setdefault(a.organisation_id, {"name": a.organisation.name, "red": 0, "yellow": 0, "total": 0})
        e["total"] += 1
        e["red"] += light == "red"
        e["yellow"] += light == "yellow"
    want = sorted(({"id": k, **v} for k, v in expected.items() if v["red"]), key=lambda r: (-r["red"], r["name"]))
    assert stats.overdue_by_unit == want[:15]
    assert sum(r["red"] for r in stats.overdue_by_unit) >= 5
