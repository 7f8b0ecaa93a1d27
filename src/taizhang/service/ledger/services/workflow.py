"""The task's lifecycle after publication (:mod:`.publication`): monthly progress, completion claim (申请销号),
verification (核查销号 or 退回) and reopening (反弹回潮). See docs/dev/glossary.md for the states.

A transition is a conditional update on the task's state (:func:`_transition`): of two concurrent calls
only one finds the task in the state it expects; the other gets :class:`InvalidTransition`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from taizhang import limits

from .. import audit, filetypes
from .. import permissions as perm
from ..errors import InvalidTransition, ServiceError
from ..models import TASK_LIFECYCLE as LIFECYCLE
from ..models import (
    Assignment,
    Document,
    EvidenceFile,
    Organisation,
    ProgressReport,
    ReportMonthCount,
    Task,
    Verification,
    label_of,
)
from ..values import parse_percent, parse_period
from .files import FileStore, Upload, stored_files
from .schedule import refresh_schedule


def _transition(task: Task, action: str, **extra) -> str:
    """Take the lifecycle step ``action`` (:data:`~..models.TASK_LIFECYCLE`) as a conditional update: refused
    with :class:`InvalidTransition` when the task is no longer in a state the step starts from."""
    step = LIFECYCLE[action]
    before = Task.objects.filter(pk=task.pk).values_list("state", flat=True).first()
    n = Task.objects.filter(pk=task.pk, state__in=step.sources).update(state=step.target, updated_at=timezone.now(),
                                                                       **extra)
    if n == 0:
        raise InvalidTransition(
            f"任务当前状态为“{label_of(Task.State, before)}”，不能变为“{label_of(Task.State, step.target)}”")
    task.state = step.target
    for k, v in extra.items():
        setattr(task, k, v)
    return before


def _month(d) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def report_periods(task: Task) -> list[str]:
    """The months a report on ``task`` may be for, newest first: from the month its plan was published to
    this month (a plan not yet published: this month)."""
    published = Document.objects.filter(pk=task.document_id).values_list("published_at", flat=True).first()
    today = timezone.localdate()
    first = timezone.localdate(published) if published else today
    out, y, m = [], today.year, today.month
    while (y, m) >= (first.year, first.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out or [_month(today)]


def _check_window(task: Task, period: str) -> None:
    allowed = report_periods(task)
    if period not in allowed:
        raise ServiceError(f"报送期 {period} 不在可报送的月份内：应在 {allowed[-1]}（方案发布当月）至 {allowed[0]}（本月）之间")


def _speaks_for_task(task: Task, organisation: Organisation | None) -> bool:
    """Whether a report is the task's own progress (its summary, 最近进度): the lead unit's, the office's on
    its behalf, or — a task with no lead unit — any unit's. A supporting or implementing unit's report is
    its own part, kept with the unit (:func:`.queries.unit_progress`)."""
    leads = set(task.assignments.filter(role=Assignment.Role.LEAD).values_list("organisation_id", flat=True))
    return organisation is None or not leads or organisation.pk in leads


def _reporting_organisation(user, task: Task) -> Organisation | None:
    org_id = perm.organisation_id_of(user)
    if org_id is not None:
        return Organisation.objects.filter(pk=org_id).first()
    lead = task.assignments.filter(role=Assignment.Role.LEAD).select_related("organisation").first()
    return lead.organisation if lead else None


def _create_report(task: Task, user, *, period: str, text: str, percent: int, files: list, claim: bool,
                   stored: FileStore) -> ProgressReport:
    report = ProgressReport.objects.create(
        task=task, organisation=_reporting_organisation(user, task), period=period, text=text,
        percent=percent, submitted_by=user, is_completion_claim=claim)
    ReportMonthCount.add(period)  # the dashboard's monthly trend, in the same transaction
    saved = []
    for f in files:
        up = Upload.of(f, limits.EVIDENCE_BYTES)
        if not up.content:
            raise ServiceError(f"佐证材料“{up.name}”是空文件")
        content_type = filetypes.sniff(up.content, up.name)  # from the bytes, not what the browser said
        if content_type is None:
            raise ServiceError(f"佐证材料“{up.name}”的文件类型不能上传（{filetypes.describe(up.content)}）。"
                               f"可以上传：{filetypes.DESCRIBE_ALLOWED}")
        ev = EvidenceFile.objects.create(report=report, file=stored.save("evidence", up), original_name=up.name,
                                         sha256=up.sha256, size=len(up.content), content_type=content_type)
        saved.append({"id": ev.pk, "name": up.name, "sha256": up.sha256, "size": len(up.content)})
    # 最近进度 is the latest period's report (of that period, the last submitted), not the last one submitted:
    # a conditional update on the period. The caller holds the task's row lock (a lifecycle step's update, or
    # submit_progress's SELECT … FOR UPDATE) from before the report is created, so reports on one task are
    # created, stamped and committed one after another: of one period, the last stamped is the last written
    if _speaks_for_task(task, report.organisation) and Task.objects.filter(
            Q(last_period__lte=period) | Q(last_period=""), pk=task.pk).update(
            last_percent=percent, last_period=period, last_reported_at=report.submitted_at):
        task.last_percent, task.last_period = percent, period
        refresh_schedule(task)
    audit.record("report.claim" if claim else "report.submit", report, actor=user, task=task, data={
        "period": period, "percent": percent, "text": text, "files": saved,
        "organisation": report.organisation.name if report.organisation else None})
    return report


def submit_progress(task: Task, user, *, period: str, text: str, percent: Any, files: list = ()) -> ProgressReport:
    """A monthly progress report (liaison of a lead/support unit, or admin), with optional evidence files."""
    perm.require_to("report", user, task)
    period, percent = parse_period(period), parse_percent(percent)
    if not (text or "").strip():
        raise ServiceError("请填写进展情况")
    _check_window(task, period)
    with stored_files() as stored, transaction.atomic():
        # the task's row lock, held to the commit: concurrent reports on the task take turns (on PostgreSQL; on
        # SQLite every writer already takes the database's lock at BEGIN), so the summary follows their order
        state = Task.objects.select_for_update().filter(pk=task.pk).values_list("state", flat=True).first()
        if state not in LIFECYCLE["report"].sources:
            raise InvalidTransition(f"任务当前状态为“{label_of(Task.State, state)}”，不能报送进展")
        return _create_report(task, user, period=period, text=text.strip(), percent=percent,
                              files=list(files), claim=False, stored=stored)


def claim_completion(task: Task, user, *, text: str, files: list, period: str | None = None) -> ProgressReport:
    """申请销号: active → claimed, with at least one evidence file."""
    perm.require_to("claim", user, task)
    if not files:
        raise ServiceError("申请销号必须上传佐证材料")
    if not (text or "").strip():
        raise ServiceError("请说明完成情况")
    today = timezone.localdate()
    period = parse_period(period or f"{today.year:04d}-{today.month:02d}")
    _check_window(task, period)
    with stored_files() as stored, transaction.atomic():
        before = _transition(task, "claim")
        report = _create_report(task, user, period=period, text=text.strip(), percent=100, files=list(files),
                                claim=True, stored=stored)
        audit.record("task.claim", task, actor=user, task=task,
                     data={"before": before, "after": task.state, "report": report.pk, "why": text.strip()})
        return report


def _latest_claim(task: Task) -> ProgressReport | None:
    return task.reports.filter(is_completion_claim=True).order_by("-submitted_at", "-id").first()


def close_task(task: Task, user, *, note: str) -> Verification:
    """核查销号: claimed → closed, by an inspector or admin, with a verification note."""
    perm.require_to("close", user, task)
    if not (note or "").strip():
        raise ServiceError("销号须填写核查意见")
    with transaction.atomic():
        before = _transition(task, "close", closed_at=timezone.now())
        v = Verification.objects.create(task=task, report=_latest_claim(task), inspector=user,
                                        result=Verification.Result.CLOSED,
                                        note=note.strip())
        audit.record("task.close", task, actor=user, task=task,
                     data={"before": before, "after": task.state, "verification": v.pk, "why": note.strip()})
    return v


def _progress_without_claims(task: Task) -> dict:
    """最近进度 as the task's own reports give it without any completion claim: the latest period's report
    (of that period, the last submitted) that speaks for the task, made since the task was last reopened
    (reopening resets the percent). None of them: no percent; the period stays (the unit did report)."""
    reopened = (audit.AuditEvent.objects.filter(task=task, action="task.reopen").order_by("-seq")
                .values_list("at", flat=True).first())
    reports = ProgressReport.objects.filter(task=task, is_completion_claim=False)
    if reopened is not None:
        reports = reports.filter(submitted_at__gt=reopened)
    leads = list(task.assignments.filter(role=Assignment.Role.LEAD).values_list("organisation_id", flat=True))
    if leads:
        reports = reports.filter(Q(organisation__isnull=True) | Q(organisation_id__in=leads))
    latest = reports.order_by("-period", "-submitted_at", "-id").first()
    if latest is None:
        return {"last_percent": None}
    return {"last_percent": latest.percent, "last_period": latest.period, "last_reported_at": latest.submitted_at}


def reject_claim(task: Task, user, *, note: str) -> Verification:
    """核查不通过: claimed → active, with the reason. The claim's 100 % no longer holds: 最近进度 goes back to
    what the task's own progress reports give (:func:`_progress_without_claims`)."""
    perm.require_to("reject", user, task)
    if not (note or "").strip():
        raise ServiceError("退回须填写核查意见")
    with transaction.atomic():
        before = _transition(task, "reject", **_progress_without_claims(task))
        refresh_schedule(task)
        v = Verification.objects.create(task=task, report=_latest_claim(task), inspector=user,
                                        result=Verification.Result.REJECTED,
                                        note=note.strip())
        audit.record("task.reject", task, actor=user, task=task,
                     data={"before": before, "after": task.state, "verification": v.pk, "why": note.strip()})
    return v


def reopen_task(task: Task, user, *, reason: str) -> Task:
    """反弹回潮: closed → active, with the reason. The reported percent is reset (the 100 % of the claim no
    longer holds: the task shows no percent until its unit reports again); the reports stay."""
    perm.require_to("reopen", user, task)
    if not (reason or "").strip():
        raise ServiceError("重新打开任务须说明理由（如反弹回潮的情况）")
    with transaction.atomic():
        before = _transition(task, "reopen", closed_at=None, last_percent=None)
        refresh_schedule(task)
        audit.record("task.reopen", task, actor=user, task=task,
                     data={"before": before, "after": task.state, "why": reason.strip()})
    return task
