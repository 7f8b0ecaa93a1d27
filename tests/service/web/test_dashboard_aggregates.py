"""The dashboard's stored monthly report counts and its one-pass counts agree with a recomputation."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from taizhang.service.ledger import lights, services
from taizhang.service.ledger.models import Document, ProgressReport, ReportMonthCount, Task
from taizhang.service.web.dashboard_stats import dashboard_stats


def _recomputed() -> dict[str, int]:
    return dict(ProgressReport.objects.order_by().values("period").annotate(n=Count("id"))
                .values_list("period", "n"))


def _stored() -> dict[str, int]:
    return dict(ReportMonthCount.objects.values_list("period", "reports"))


def test_report_counts_follow_every_report_and_the_rebuild_command(people, published, evidence):
    t1, t2 = published.tasks.get(key="T1"), published.tasks.get(key="T2")
    today = lights.today_local()
    this, last = f"{today:%Y-%m}", lights.last_complete_period(today)
    # the plan was published last month: its reports may be for last month too
    Document.objects.filter(pk=published.pk).update(published_at=timezone.now() - timedelta(days=40))
    services.submit_progress(t1, people["liaison_a"], period=last, text="已完成排查", percent=10)
    services.submit_progress(t1, people["liaison_a"], period=this, text="推进整改", percent=30)
    services.submit_progress(t2, people["admin"], period=this, text="推进整改", percent=40)
    services.claim_completion(t2, people["admin"], text="全部完成", files=[evidence])
    assert _stored() == _recomputed() == {last: 1, this: 3}
    stats = dashboard_stats()
    assert stats.reports_per_month[-2:] == [1, 3]

    ReportMonthCount.objects.filter(period=this).update(reports=99)  # drift from a write outside the services
    ReportMonthCount.objects.filter(period=last).delete()
    out = StringIO()
    call_command("rebuild_report_counts", stdout=out)
    assert "2 个月份" in out.getvalue()
    assert _stored() == _recomputed() == {last: 1, this: 3}


def test_one_pass_counts_equal_the_lights_of_every_task(people, published):
    today = lights.today_local()
    t1, t2 = published.tasks.get(key="T1"), published.tasks.get(key="T2")
    Task.objects.filter(pk=t1.pk).update(due_date=today - timedelta(days=2))  # red
    Task.objects.filter(pk=t2.pk).update(due_date=today + timedelta(days=3))  # yellow (within the window)
    stats = dashboard_stats(today)
    tasks = list(Task.objects.exclude(state="deleted"))
    by_light = [lights.task_light(t, today) for t in tasks]
    assert stats.lights == {k: by_light.count(k) for k in ("red", "yellow", "green")}
    assert stats.lights["red"] >= 1 and stats.lights["yellow"] >= 1
    assert stats.states == {s: sum(t.state == s for t in tasks) for s in ("draft", "active", "claimed", "closed")}
    assert sum(u["red"] for u in stats.overdue_by_unit) >= 1
