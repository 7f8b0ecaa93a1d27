"""A task's schedule: the denormalised columns the traffic lights read (``due_date``, ``start_date``,
``behind_after``), recomputed by every service that changes a deadline, a report or the task's state
(see :mod:`taizhang.service.ledger.lights`)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from .. import lights
from ..models import Deadline, Document, Task

BATCH = 500


def _schedule(deadlines: list[tuple[str, date]], published, last_percent: int | None) -> dict:
    """The schedule columns of a task with these active, dated deadlines ((type, date) pairs)."""
    by = min((d for t, d in deadlines if t == "by"), default=None)
    frm = max((d for t, d in deadlines if t == "from"), default=None)
    start = frm or (timezone.localdate(published) if published else None)
    return {"due_date": by, "start_date": start, "behind_after": lights.behind_after(start, by, last_percent)}


def _dated(task_ids) -> dict[int, list[tuple[str, date]]]:
    out: dict[int, list[tuple[str, date]]] = {}
    rows = Deadline.objects.filter(task_id__in=task_ids, active=True, date__isnull=False).values_list(
        "task_id", "type", "date")
    for task_id, kind, day in rows:
        out.setdefault(task_id, []).append((kind, day))
    return out


def refresh_schedule(task: Task) -> None:
    """Recompute the denormalised schedule columns the lights read."""
    published = Document.objects.filter(pk=task.document_id).values_list("published_at", flat=True).first()
    fields = _schedule(_dated([task.pk]).get(task.pk, []), published, task.last_percent)
    Task.objects.filter(pk=task.pk).update(**fields)
    for k, v in fields.items():
        setattr(task, k, v)


def refresh_schedules(tasks: list[Task], published, **also) -> None:
    """:func:`refresh_schedule` for many tasks of one document published at ``published``, setting ``also``
    (other columns, the same for every task) in the same statements: the deadlines in one query per
    :data:`BATCH`, then one UPDATE per distinct schedule. A plan's tasks share a few dozen deadlines at most,
    so this is a handful of statements, and each task row is written once (a bulk update by CASE costs more
    to build than to run, and every write of a task fires the trigger that copies it to its assignments)."""
    dated: dict[int, list[tuple[str, date]]] = {}
    for i in range(0, len(tasks), BATCH):
        dated.update(_dated([t.pk for t in tasks[i:i + BATCH]]))
    groups: dict[tuple, list[int]] = {}
    for t in tasks:
        fields = _schedule(dated.get(t.pk, []), published, t.last_percent)
        for k, v in fields.items():
            setattr(t, k, v)
        groups.setdefault(tuple(sorted(fields.items())), []).append(t.pk)
    for key, ids in groups.items():
        for i in range(0, len(ids), BATCH):
            Task.objects.filter(pk__in=ids[i:i + BATCH]).update(**dict(key), **also)


def replace_by_deadline(task: Task, due: date | None, text: str) -> Deadline | None:
    """A new by-deadline (or none) supersedes the task's active ones; they are kept, inactive."""
    new = Deadline.objects.create(task=task, type="by", date=due, text=text[:200]) if due else None
    task.deadlines.filter(active=True, type="by").exclude(pk=new.pk if new else None).update(
        active=False, superseded_by=new)
    refresh_schedule(task)
    return new
