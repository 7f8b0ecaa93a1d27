"""A task's schedule: the denormalised columns the traffic lights read (``due_date``, ``start_date``,
``behind_after``), recomputed by every service that changes a deadline, a report or the task's state
(see :mod:`taizhang.service.ledger.lights`)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from .. import lights
from ..models import Deadline, Task


def refresh_schedule(task: Task) -> None:
    """Recompute the denormalised schedule columns the lights read."""
    by = task.deadlines.filter(active=True, type="by", date__isnull=False).order_by("date").values_list(
        "date", flat=True).first()
    frm = task.deadlines.filter(active=True, type="from", date__isnull=False).order_by("-date").values_list(
        "date", flat=True).first()
    published = task.document.published_at
    start = frm or (timezone.localdate(published) if published else None)
    fields = {"due_date": by, "start_date": start,
              "behind_after": lights.behind_after(start, by, task.last_percent)}
    Task.objects.filter(pk=task.pk).update(**fields)
    for k, v in fields.items():
        setattr(task, k, v)


def replace_by_deadline(task: Task, due: date | None, text: str) -> Deadline | None:
    """A new by-deadline (or none) supersedes the task's active ones; they are kept, inactive."""
    new = Deadline.objects.create(task=task, type="by", date=due, text=text[:200]) if due else None
    task.deadlines.filter(active=True, type="by").exclude(pk=new.pk if new else None).update(
        active=False, superseded_by=new)
    refresh_schedule(task)
    return new
