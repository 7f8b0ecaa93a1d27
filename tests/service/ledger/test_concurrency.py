"""Concurrency: 20 threads reporting on one task lose nothing and leave the summary of the latest report; two
reviewers cannot overwrite each other.

Real threads, each with its own database connection, committing for real (transactional tests).
"""

from __future__ import annotations

import pytest
from django.db import connection

from service_builders import month, run_threads
from taizhang.service.ledger import audit, services
from taizhang.service.ledger.errors import Conflict
from taizhang.service.ledger.models import AuditEvent, EvidenceFile, ProgressReport, Task

N = 20


def test_twenty_concurrent_progress_reports_lose_nothing(transactional_db, task1, people):
    task_id, user = task1.pk, people["liaison_a"]
    events_before = AuditEvent.objects.count()

    def submit(i):
        task = Task.objects.get(pk=task_id)
        return services.submit_progress(task, user, period=month(), text=f"第{i}号报送", percent=i,
                                        files=[services.Upload(f"佐证{i}.txt", f"evidence {i}".encode())]).pk

    results, errors = run_threads(submit, N)
    assert errors == [], errors
    reports = ProgressReport.objects.filter(task_id=task_id)
    assert reports.count() == N and sorted(results) == sorted(reports.values_list("pk", flat=True))
    assert sorted(reports.values_list("text", flat=True)) == sorted(f"第{i}号报送" for i in range(N))
    assert EvidenceFile.objects.filter(report__task_id=task_id).count() == N
    assert AuditEvent.objects.count() == events_before + N  # one event each, on one unbroken chain
    report = audit.verify_chain()
    assert report.ok, report
    assert connection.vendor in ("sqlite", "postgresql")


def test_two_reviewers_same_version_second_gets_conflict(transactional_db, draft, people):
    task = draft.tasks.get(key="T1")
    version = task.version
    users = [people["reviewer"], people["admin"]]

    def edit(i):
        t = Task.objects.get(pk=task.pk)
        return services.edit_task(t, users[i], version=version, changes={"title": f"第{i}位审核员的名称"}).title

    results, errors = run_threads(edit, 2)
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    winner = next(r for r in results if r)
    task.refresh_from_db()
    assert task.title == winner and task.version == version + 1
    assert AuditEvent.objects.filter(action="task.edit").count() == 1


@pytest.mark.parametrize("n", [8])
def test_concurrent_edits_with_fresh_versions_all_apply_in_turn(transactional_db, draft, people, n):
    """Reviewers who retry on Conflict with the fresh version all get their edit in, one after another."""
    task_id = draft.tasks.get(key="T2").pk

    def edit(i):
        for _ in range(200):
            t = Task.objects.get(pk=task_id)
            try:
                services.edit_task(t, people["reviewer"], version=t.version,
                                   changes={"goal": f"{t.goal}[{i}]"})
                return i
            except Conflict:
                continue
        raise AssertionError("gave up")

    results, errors = run_threads(edit, n)
    assert errors == []
    goal = Task.objects.get(pk=task_id).goal
    assert sorted(int(x) for x in goal.strip("[]").split("][")) == list(range(n))


def _summary_of(task_id: int, leads: set[int]) -> ProgressReport:
    """The report the task's summary (最近进度) must show: of the reports that speak for the task (the lead
    unit's, or the office's on its behalf), the latest period's, and of that period the last submitted."""
    speaking = [r for r in ProgressReport.objects.filter(task_id=task_id)
                if r.organisation_id is None or r.organisation_id in leads]
    return max(speaking, key=lambda r: (r.period, r.submitted_at, r.pk))


def test_twenty_concurrent_reports_leave_the_summary_of_the_latest(transactional_db, task1, people):
    """Reports for three months, by the lead unit and the office, all at once: the task's summary is the
    latest period's last report, whatever order the transactions commit in; the copies the lights read
    (on the task and on its assignments) agree with it."""
    from django.utils import timezone

    from taizhang.service.ledger import denorm

    Document = type(task1.document)
    Document.objects.filter(pk=task1.document_id).update(published_at=timezone.now() - timezone.timedelta(days=70))
    task_id = task1.pk
    users = [people["liaison_a"], people["admin"]]
    leads = {people["org_a"].pk}

    def submit(i):
        task = Task.objects.get(pk=task_id)
        # the percents rise with the period and the submission, so an older report's percent is never the answer
        return services.submit_progress(task, users[i % 2], period=month(-(i % 3)), text=f"第{i}号报送",
                                        percent=i + 1).pk

    results, errors = run_threads(submit, N)
    assert errors == [], errors
    assert ProgressReport.objects.filter(task_id=task_id).count() == N
    want = _summary_of(task_id, leads)
    task = Task.objects.get(pk=task_id)
    assert (task.last_period, task.last_percent, task.last_reported_at) == (want.period, want.percent,
                                                                            want.submitted_at)
    assert task.last_period == month()
    assert denorm.stale_assignments(connection) == []
