"""The dashboard's scope (plan, region, month), its rankings (overdue, reporting rate, on-time completion) and
the office's queues, each checked against a plain recomputation."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from taizhang.service.ledger import lights, services
from taizhang.service.ledger.models import Assignment, DeadlineChangeRequest, ProgressReport, Task
from taizhang.service.web.dashboard_stats import Scope, dashboard_stats, ranking_stats


@pytest.fixture
def two_plans(published, import_plan, plan_text, people):
    second = import_plan(text=plan_text + "（第二批）\n", name="plan2.txt")
    services.publish_document(second, people["reviewer"])
    return published, second


def test_scope_by_plan_and_region(two_plans):
    first, second = two_plans
    everything = dashboard_stats()
    assert everything.supervised == 6
    one = dashboard_stats(scope=Scope(document_id=first.pk))
    assert one.supervised == 3 and sum(one.lights.values()) == 3
    # a region holding every plan is no restriction
    assert dashboard_stats(scope=Scope(jurisdiction_id=first.jurisdiction_id)).supervised == 6


def test_reporting_rate_by_unit(published, people):
    today = lights.today_local()
    period = f"{today:%Y-%m}"
    t1 = published.tasks.get(key="T1")
    services.submit_progress(t1, people["liaison_a"], period=period, text="已开展排查", percent=20)
    stats = ranking_stats(scope=Scope(period=period))
    rep = stats.reporting
    # lead and support units of the three tasks: 生态环境局, 市监局 (T1), 住建局, 城管局 (T2), 农业农村局 (T3)
    assert (rep["units_should"], rep["units_reported"]) == (5, 1) and rep["rate"] == pytest.approx(0.2)
    by_name = {r["name"]: r for r in rep["ranking"]}
    assert by_name["桐溪县生态环境局"]["rate"] == 1.0 and by_name["桐溪县住房和城乡建设局"]["rate"] == 0.0
    assert rep["ranking"][-1]["name"] == "桐溪县生态环境局"  # worst first
    # a month before the plan was published: nobody had to report
    before = (published.published_at - timedelta(days=40)).strftime("%Y-%m")
    assert ranking_stats(scope=Scope(period=before)).reporting["units_should"] == 0


def test_on_time_completion_by_lead_unit(published, people, evidence):
    today = lights.today_local()
    t1, t3 = published.tasks.get(key="T1"), published.tasks.get(key="T3")
    services.claim_completion(t1, people["liaison_a"], text="完成", files=[evidence])
    services.close_task(t1, people["inspector"], note="属实")
    Task.objects.filter(pk=t3.pk).update(due_date=today - timedelta(days=3))  # overdue, open
    on_time = ranking_stats().on_time
    assert (on_time["due"], on_time["on_time"]) == (2, 1)
    ranking = {r["name"]: r for r in on_time["ranking"]}
    assert ranking["桐溪县农业农村局"]["rate"] == 0.0 and ranking["桐溪县生态环境局"]["rate"] == 1.0
    assert on_time["ranking"][0]["name"] == "桐溪县农业农村局"
    # closed after its deadline: late
    Task.objects.filter(pk=t1.pk).update(closed_at=timezone.now(), due_date=today - timedelta(days=1))
    assert ranking_stats().on_time["on_time"] == 0


def test_rankings_equal_a_recomputation(published, people, import_plan, plan_text):
    """Random schedules, states and reports: the SQL rankings equal a count over the rows in Python."""
    rnd = random.Random(3)
    today = lights.today_local()
    period = lights.last_complete_period(today)
    orgs = [people["org_a"], people["org_b"]]
    rows = []
    for i in range(40):
        rows.append(Task(document=published, position=100 + i, text=f"随机{i}", state=rnd.choice(
            ["active", "active", "claimed", "closed", "draft"]),
            due_date=rnd.choice([None, today - timedelta(days=rnd.randint(1, 90)), today + timedelta(days=30)]),
            start_date=today - timedelta(days=rnd.choice([5, 60, 200]))))
    tasks = Task.objects.bulk_create(rows)
    for t in tasks:
        if t.state == "closed":
            Task.objects.filter(pk=t.pk).update(closed_at=timezone.now() - timedelta(days=rnd.randint(0, 120)))
        for org, role in zip(rnd.sample(orgs, 2), ("lead", "support"), strict=True):
            Assignment.objects.create(task=t, organisation=org, role=role)
        for org in orgs:
            if rnd.random() < 0.5:
                ProgressReport.objects.create(task=t, organisation=org, period=period, text="x", percent=10,
                                              submitted_by=people["admin"])
    stats = ranking_stats(today, top_units=50, scope=Scope(period=period))
    end = (today.replace(day=1) - timedelta(days=1))
    alltasks = {t.pk: t for t in Task.objects.all()}
    reported = set(ProgressReport.objects.filter(period=period).values_list("task_id", "organisation_id"))
    should, done = {}, {}
    for a in Assignment.objects.filter(role__in=("lead", "support")):
        t = alltasks[a.task_id]
        if t.state in ("active", "claimed") and t.start_date and t.start_date <= end:
            should[a.organisation_id] = should.get(a.organisation_id, 0) + 1
            done[a.organisation_id] = done.get(a.organisation_id, 0) + ((t.pk, a.organisation_id) in reported)
    got = {r["id"]: (r["should"], r["reported"]) for r in stats.reporting["ranking"]}
    assert got == {o: (n, done[o]) for o, n in should.items()}
    due, ok = {}, {}
    for a in Assignment.objects.filter(role="lead"):
        t = alltasks[a.task_id]
        if (t.state in ("active", "claimed") and t.due_date and t.due_date < today) or (
                t.state == "closed" and t.due_date):
            due[a.organisation_id] = due.get(a.organisation_id, 0) + 1
            ok[a.organisation_id] = ok.get(a.organisation_id, 0) + (
                t.state == "closed" and timezone.localdate(t.closed_at) <= t.due_date)
    assert {r["id"]: (r["due"], r["on_time"]) for r in stats.on_time["ranking"]} == {
        o: (n, ok[o]) for o, n in due.items()}


def test_dashboard_page_filters_queues_and_print(client, two_plans, people):
    first, _ = two_plans
    t1 = first.tasks.get(key="T1")
    services.request_deadline_change(t1, people["liaison_a"], new_date=t1.due_date + timedelta(days=30), reason="汛期")
    client.force_login(people["admin"])
    html = client.get("/").content.decode()
    assert 'id="queue-deadlines"' in html and 'id="queue-verify"' in html
    assert '<div class="num">1</div><div class="lbl">待审批延期申请' in html
    for part in ('id="dashboard-filters"', 'id="rankings-link"', "各单位逾期情况"):
        assert part in html
    ranks = client.get("/rankings/", {"document": first.pk}).content.decode()
    for part in ('id="reporting-ranking"', 'id="on-time-ranking"', "报送率", "按期完成率"):
        assert part in ranks
    html = client.get("/", {"document": first.pk}).content.decode()
    assert f"&amp;document={first.pk}" in html or f"&document={first.pk}" in html
    assert "统计范围：" in html
    assert client.get("/", {"period": "1999-01"}).status_code == 200  # not a month offered: the default
    client.force_login(people["leader"])
    html = client.get("/").content.decode()
    assert 'id="queue-deadlines"' not in html and 'id="queues"' not in html


def test_deadline_queue_decides_from_the_list(client, task1, people):
    req = services.request_deadline_change(task1, people["liaison_a"], new_date=task1.due_date + timedelta(days=30),
                                           reason="设备到货推迟")
    client.force_login(people["admin"])
    html = client.get("/deadline-requests/").content.decode()
    assert "设备到货推迟" in html and "待审批（1）" in html
    r = client.post(f"/deadline-requests/{req.pk}/decide/", {"decision": "approve", "note": "同意",
                                                             "next": "/deadline-requests/"})
    assert r.status_code == 302 and r["Location"] == "/deadline-requests/"
    assert DeadlineChangeRequest.objects.get(pk=req.pk).state == "approved"
    html = client.get("/deadline-requests/?show=decided").content.decode()
    assert "已批准" in html and "同意" in html
    client.force_login(people["inspector"])
    assert client.get("/deadline-requests/").status_code == 403
