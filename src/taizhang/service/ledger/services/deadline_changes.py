"""Deadline changes of a published task: a unit (or the office) asks, an admin approves or rejects. An approved
change supersedes the task's by-deadline; the old one is kept, inactive (see :func:`.schedule.replace_by_deadline`).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from .. import audit
from .. import permissions as perm
from ..errors import InvalidTransition, ServiceError
from ..models import DeadlineChangeRequest, Task
from ..values import parse_date
from .schedule import replace_by_deadline


def request_deadline_change(task: Task, user, *, new_date: date, reason: str) -> DeadlineChangeRequest:
    perm.require_to("request_deadline", user, task)
    if not (reason or "").strip():
        raise ServiceError("申请调整时限须说明理由")
    new_date = parse_date(new_date)
    with transaction.atomic():
        task.refresh_from_db()
        if not task.allows("request_deadline"):
            raise InvalidTransition("只有推进中的任务可以申请调整时限")
        current = task.deadlines.filter(active=True, type="by").order_by("date").first()
        req = DeadlineChangeRequest.objects.create(task=task, deadline=current, new_date=new_date,
                                                   reason=reason.strip(), requested_by=user)
        audit.record("deadline.request", req, actor=user, task=task, data={
            "from": str(current.date) if current and current.date else None, "to": str(new_date),
            "why": reason.strip()})
    return req


def decide_deadline_change(req: DeadlineChangeRequest, user, *, approve: bool, note: str = "") -> DeadlineChangeRequest:
    perm.require_to("decide_deadline", user)
    with transaction.atomic():
        n = DeadlineChangeRequest.objects.filter(pk=req.pk, state="pending").update(
            state="approved" if approve else "rejected", decided_by=user, decided_at=timezone.now(),
            decision_note=note.strip())
        if n == 0:
            raise InvalidTransition("该申请已处理")
        req.refresh_from_db()
        task = req.task
        if approve:
            replace_by_deadline(task, req.new_date, f"{req.new_date:%Y年%m月%d日}前（经批准调整）")
        audit.record("deadline.approve" if approve else "deadline.reject", req, actor=user, task=task, data={
            "to": str(req.new_date), "why": note.strip(), "request_reason": req.reason})
    return req


def approve_deadline_change(req, user, *, note: str = ""):
    return decide_deadline_change(req, user, approve=True, note=note)


def reject_deadline_change(req, user, *, note: str = ""):
    return decide_deadline_change(req, user, approve=False, note=note)
