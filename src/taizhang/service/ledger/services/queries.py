"""Read-only queries the screens and the API share: what a user may see, a task's history, the public
disclosure."""

from __future__ import annotations

from dataclasses import dataclass

from .. import audit
from .. import permissions as perm
from ..models import Assignment, Document, Organisation, ProgressReport, Task

Role = Assignment.Role


def visible_documents(user):
    """Documents the user may see: drafts (not yet published) only for reviewers and admins."""
    qs = Document.objects.all()
    return qs if perm.can_review(user) else qs.filter(state=Document.State.PUBLISHED)


def visible_tasks(user):
    """Tasks the user may see: never deleted ones; drafts only for reviewers and admins."""
    qs = Task.objects.exclude(state=Task.State.DELETED)
    return qs if perm.can_review(user) else qs.exclude(state=Task.State.DRAFT)


def report_readable_tasks(user):
    """The visible tasks whose reports and evidence the user may read (:func:`.permissions.can_read_reports`):
    all of them for the office and leaders, for a liaison those its unit has a part in."""
    qs = visible_tasks(user)
    if perm.role_of(user) != perm.LIAISON:
        return qs
    return qs.filter(pk__in=Assignment.objects.filter(
        organisation_id=perm.organisation_id_of(user), role__in=perm.REPORTING_ROLES).values("task_id"))


#: What of an audit event repeats a report's content: its text and files, a claim's explanation, the reason a
#: claim was returned. Left out of the history shown to a user who may not read the task's reports.
REPORT_CONTENT = {"report.submit": ("text", "files"), "report.claim": ("text", "files"), "task.claim": ("why",),
                  "task.reject": ("why",)}


def event_data_for(action: str, data, may_read_reports: bool):
    """An event's data as shown to a user: without the report content (:data:`REPORT_CONTENT`) unless they may
    read the task's reports."""
    hidden = () if may_read_reports else REPORT_CONTENT.get(action, ())
    if not hidden or not isinstance(data, dict):
        return data
    return {k: v for k, v in data.items() if k not in hidden}


def timeline(task: Task, user=None) -> list[dict]:
    """The task's history for display: every audit event about it, oldest first; for ``user``, without the
    report content they may not read."""
    readable = user is None or perm.can_read_reports(user, task)
    return [
        {"seq": e.seq, "at": e.at, "actor": e.actor_name, "action": e.action,
         "data": event_data_for(e.action, e.data, readable)}
        for e in audit.AuditEvent.objects.filter(task=task).order_by("seq")
    ]


def disclosure() -> list[dict]:
    """What the public may see (no login): published documents and their non-deleted tasks, without
    evidence, reports' text or any personal data."""
    out = []
    docs = Document.objects.filter(state=Document.State.PUBLISHED).order_by("-published_at", "-id")
    for doc in docs:
        tasks = (doc.tasks.exclude(state__in=(Task.State.DRAFT, Task.State.DELETED)).order_by("position", "id")
                 .prefetch_related("assignments__organisation"))
        out.append({
            "id": doc.pk, "title": doc.title, "doc_number": doc.doc_number, "issuer": doc.issuer,
            "issue_date": doc.issue_date, "published_at": doc.published_at,
            "tasks": [{
                "id": t.pk, "number": t.number, "title": t.title, "text": t.text, "state": t.state,
                "state_label": t.get_state_display(), "due_date": t.due_date, "last_percent": t.last_percent,
                "closed_at": t.closed_at,
                "lead_units": [a.unit_name for a in t.assignments.all() if a.role == Role.LEAD],
                "support_units": [a.unit_name for a in t.assignments.all() if a.role == Role.SUPPORT],
            } for t in tasks],
        })
    return out


@dataclass
class UnitProgress:
    """One unit's own progress on a task: its latest period's report (the last submitted of that period), and
    how many reports it made."""

    organisation: Organisation
    role: str
    report: ProgressReport | None
    reports: int

    @property
    def role_label(self) -> str:
        return Assignment.Role(self.role).label


def unit_progress(task: Task) -> list[UnitProgress]:
    """Each unit of the task (lead first, then supporting, then implementing) with its own progress, derived
    from its reports (two queries)."""
    order = {r: i for i, r in enumerate(Assignment.Role.values)}
    units = sorted((a for a in task.assignments.select_related("organisation") if a.organisation_id),
                   key=lambda a: (order.get(a.role, 9), a.pk))
    latest: dict[int, ProgressReport] = {}
    counts: dict[int, int] = {}
    for r in (ProgressReport.objects.filter(task=task, organisation__isnull=False)
              .order_by("organisation_id", "-period", "-submitted_at", "-id")):
        counts[r.organisation_id] = counts.get(r.organisation_id, 0) + 1
        latest.setdefault(r.organisation_id, r)
    out, seen = [], set()
    for a in units:
        if a.organisation_id in seen:  # a unit named in two roles: once, in its first role
            continue
        seen.add(a.organisation_id)
        out.append(UnitProgress(a.organisation, a.role, latest.get(a.organisation_id),
                                counts.get(a.organisation_id, 0)))
    return out
