"""Who may do what. The services, the UI and the API all ask these functions (one source of truth).

Roles (``UserProfile.role``; a superuser counts as admin):

- admin — the command office: everything;
- reviewer — import, review edits, publish, upload monitoring data;
- liaison — sees the ledger; reports progress / claims completion / asks for a deadline change only on
  tasks where its own unit is lead or support;
- leader — read-only;
- inspector — verifies: closes or rejects completion claims, reopens closed tasks;
- anonymous (public) — only the published disclosure, no login.
"""

from __future__ import annotations

from .errors import NotAllowed

ADMIN, REVIEWER, LIAISON, LEADER, INSPECTOR = "admin", "reviewer", "liaison", "leader", "inspector"
ROLES = (ADMIN, REVIEWER, LIAISON, LEADER, INSPECTOR)
REPORTING_ROLES = ("lead", "support")


def role_of(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ADMIN
    cached = getattr(user, "_taizhang_role", None)
    if cached is not None:
        return cached or None
    from .models import UserProfile

    profile = UserProfile.objects.filter(user_id=user.pk).values("role", "organisation_id").first()
    user._taizhang_role = profile["role"] if profile else ""
    user._taizhang_org = profile["organisation_id"] if profile else None
    return user._taizhang_role or None


def organisation_id_of(user) -> int | None:
    if role_of(user) is None:
        return None
    if not hasattr(user, "_taizhang_org"):
        from .models import UserProfile

        user._taizhang_org = UserProfile.objects.filter(user_id=user.pk).values_list(
            "organisation_id", flat=True).first()
    return user._taizhang_org


def has_role(user, *roles: str) -> bool:
    return role_of(user) in roles


def can_view_ledger(user) -> bool:
    return role_of(user) is not None


def visible_documents(user):
    """Documents the user may see: drafts (not yet published) only for reviewers and admins."""
    from .models import Document

    qs = Document.objects.all()
    return qs if can_review(user) else qs.filter(state="published")


def visible_tasks(user):
    """Tasks the user may see: never deleted ones; drafts only for reviewers and admins."""
    from .models import Task

    qs = Task.objects.exclude(state="deleted")
    return qs if can_review(user) else qs.exclude(state="draft")


def can_import(user) -> bool:
    return has_role(user, ADMIN, REVIEWER)


can_review = can_import
can_publish = can_import
can_upload_monitoring = can_import  # monitoring data of a jurisdiction (the target view, the CLI)


def can_manage(user) -> bool:
    """Organisations, users, settings, deadline-change decisions."""
    return has_role(user, ADMIN)


def can_verify(user) -> bool:
    return has_role(user, ADMIN, INSPECTOR)


can_reopen = can_verify


def unit_roles_on(user, task) -> set[str]:
    org = organisation_id_of(user)
    if org is None:
        return set()
    return set(task.assignments.filter(organisation_id=org).values_list("role", flat=True))


def can_report(user, task) -> bool:
    """Progress reports and completion claims: admin, or the liaison of a lead/support unit."""
    role = role_of(user)
    if role == ADMIN:
        return True
    return role == LIAISON and bool(unit_roles_on(user, task) & set(REPORTING_ROLES))


can_claim = can_report


def can_request_deadline_change(user, task) -> bool:
    return has_role(user, ADMIN, REVIEWER) or can_report(user, task)


def can_decide_deadline_change(user) -> bool:
    return has_role(user, ADMIN)


def can_view_audit(user) -> bool:
    return can_view_ledger(user)


def require(allowed: bool, what: str) -> None:
    if not allowed:
        raise NotAllowed(f"无权{what}")
