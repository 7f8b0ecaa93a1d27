"""Read-only queries the screens and the API share: what a user may see, a task's history, the public
disclosure."""

from __future__ import annotations

from .. import audit
from .. import permissions as perm
from ..models import Assignment, Document, Task

Role = Assignment.Role


def visible_documents(user):
    """Documents the user may see: drafts (not yet published) only for reviewers and admins."""
    qs = Document.objects.all()
    return qs if perm.can_review(user) else qs.filter(state=Document.State.PUBLISHED)


def visible_tasks(user):
    """Tasks the user may see: never deleted ones; drafts only for reviewers and admins."""
    qs = Task.objects.exclude(state=Task.State.DELETED)
    return qs if perm.can_review(user) else qs.exclude(state=Task.State.DRAFT)


def timeline(task: Task) -> list[dict]:
    """The task's history for display: every audit event about it, oldest first."""
    return [
        {"seq": e.seq, "at": e.at, "actor": e.actor_name, "action": e.action, "data": e.data}
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
