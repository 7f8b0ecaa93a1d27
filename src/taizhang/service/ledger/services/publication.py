"""Publishing a reviewed plan (交办): the checks first, then every draft task becomes active at once.

A plan is published only when each of its tasks can be supervised: it has a lead unit (or the reviewer noted
why none is needed: ``Task.no_lead_reason``), and a deadline — or it is to be kept up (长期坚持) or put right at
once (立行立改). :func:`publish_problems` lists the tasks that fall short; the publish page shows them with
links, and :func:`publish_document` refuses while any remain.

Publishing files the plan's units as organisations (:func:`.organisations.file_units`), and works in a
small number of statements however long the plan: the tasks' states with their schedules in one statement per
distinct schedule (:func:`.schedule.refresh_schedules`), and the audit events appended together
(:func:`..audit.record_many`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Substr
from django.utils import timezone

from .. import audit
from .. import permissions as perm
from ..errors import InvalidTransition, ServiceError
from ..models import TASK_LIFECYCLE as LIFECYCLE
from ..models import Assignment, Deadline, Document, Task
from .organisations import file_units
from .schedule import refresh_schedules

PREVIEW = 40  # characters of a task's text in the list of problems (when it has no title)


@dataclass(frozen=True)
class TaskRef:
    """A task in the list of problems: enough to name it and link to it."""

    id: int
    number: str
    label: str
    position: int


@dataclass
class Problems:
    """The draft tasks of a plan that cannot be supervised yet (each list in the plan's order)."""

    no_lead: list[TaskRef] = field(default_factory=list)
    no_deadline: list[TaskRef] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.no_lead and not self.no_deadline

    @property
    def tasks(self) -> int:
        return len({t.id for t in self.no_lead} | {t.id for t in self.no_deadline})

    def message(self) -> str:
        parts = []
        if self.no_lead:
            parts.append(f"{len(self.no_lead)} 项任务没有牵头单位")
        if self.no_deadline:
            parts.append(f"{len(self.no_deadline)} 项任务没有完成时限")
        return ("不能发布：" + "，".join(parts) + "。请补全牵头单位（确实无需牵头的，注明理由）和完成时限"
                "（或标为长期坚持、立行立改）后再发布。")


def _draft_tasks(document: Document):
    return Task.objects.filter(document_id=document.pk, state__in=LIFECYCLE["publish"].sources)


def tasks_with_lead(tasks) -> set[int]:
    return set(Assignment.objects.filter(task__in=tasks, role=Assignment.Role.LEAD).values_list("task_id", flat=True))


def tasks_with_deadline(tasks) -> set[int]:
    return set(Deadline.objects.filter(task__in=tasks, active=True, type=Deadline.Type.BY, date__isnull=False)
               .values_list("task_id", flat=True))


def publish_problems(document: Document) -> Problems:
    """What stops ``document`` from being published (three queries, however many tasks)."""
    drafts = _draft_tasks(document)
    led, dated = tasks_with_lead(drafts), tasks_with_deadline(drafts)
    out = Problems()
    rows = (drafts.annotate(preview=Substr("text", 1, PREVIEW)).order_by("position", "id")
            .values_list("id", "number", "title", "preview", "position", "ongoing", "immediate", "no_lead_reason"))
    for pk, number, title, preview, position, ongoing, immediate, no_lead_reason in rows:
        ref = TaskRef(pk, number, title or preview, position)
        if pk not in led and not no_lead_reason.strip():
            out.no_lead.append(ref)
        if pk not in dated and not ongoing and not immediate:
            out.no_deadline.append(ref)
    return out


def publish_document(document: Document, user, *, why: str = "") -> Document:
    """Draft → published: all its draft tasks become active (交办), its units are filed as organisations.
    Refused (:class:`ServiceError`, naming what is missing) while :func:`publish_problems` finds any."""
    perm.require_to("publish", user)
    with transaction.atomic():
        if not Document.objects.filter(pk=document.pk, state=Document.State.DRAFT).exists():
            raise InvalidTransition("该文件已发布")
        problems = publish_problems(document)
        if not problems.ok:
            raise ServiceError(problems.message())
        n = Document.objects.filter(pk=document.pk, state=Document.State.DRAFT).update(
            state=Document.State.PUBLISHED, published_at=timezone.now())
        if n == 0:
            raise InvalidTransition("该文件已发布")
        document.refresh_from_db(fields=["state", "published_at"])
        filed = file_units(document, user)
        step = LIFECYCLE["publish"]
        tasks = list(_draft_tasks(document).only("id", "state", "last_percent", "document_id").order_by("position",
                                                                                                        "id"))
        # the state and the schedule in one write of each task (the document's state guards against a second
        # publication: it changed above, inside this transaction)
        refresh_schedules(tasks, document.published_at, state=step.target, version=F("version") + 1,
                          updated_at=timezone.now())
        for t in tasks:
            t.state = step.target
        audit.record_many([{"action": "task.publish", "obj": t, "task": t,
                            "data": {"before": Task.State.DRAFT, "after": step.target, "due_date": t.due_date}}
                           for t in tasks], actor=user)
        audit.record("document.publish", document, actor=user, data={"tasks": len(tasks), "units": filed,
                                                                      "why": why})
    return document
