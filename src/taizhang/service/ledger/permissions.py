"""Who may do what. The services, the UI and the API all ask these functions (one source of truth).

Roles (``UserProfile.role``; a superuser counts as admin):

- admin — the command office: everything;
- reviewer — import, review edits, publish, upload monitoring data;
- liaison — sees the ledger; reports progress / claims completion / asks for a deadline change only on
  tasks where its own unit is lead or support;
- leader — read-only;
- inspector — verifies: closes or rejects completion claims, reopens closed tasks;
- anonymous (public) — only the published disclosure, no login.

When a task's state allows an action is the lifecycle table (:data:`.models.TASK_LIFECYCLE`);
:func:`allowed_actions` combines both for the task page's buttons and the API. What a user may *see* is
:func:`.services.queries.visible_tasks` / ``visible_documents``.
"""

from __future__ import annotations

from .errors import NotAllowed
from .models import Assignment, UserProfile

Role = UserProfile.Role
ADMIN, REVIEWER, LIAISON, LEADER, INSPECTOR = Role.ADMIN, Role.REVIEWER, Role.LIAISON, Role.LEADER, Role.INSPECTOR
REPORTING_ROLES = (Assignment.Role.LEAD, Assignment.Role.SUPPORT)  # the units that report on a task


def role_of(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ADMIN
    cached = getattr(user, "_taizhang_role", None)
    if cached is not None:
        return cached or None
    profile = UserProfile.objects.filter(user_id=user.pk).values("role", "organisation_id").first()
    user._taizhang_role = profile["role"] if profile else ""
    user._taizhang_org = profile["organisation_id"] if profile else None
    return user._taizhang_role or None


def organisation_id_of(user) -> int | None:
    if role_of(user) is None:
        return None
    if not hasattr(user, "_taizhang_org"):
        user._taizhang_org = UserProfile.objects.filter(user_id=user.pk).values_list(
            "organisation_id", flat=True).first()
    return user._taizhang_org


def has_role(user, *roles: str) -> bool:
    return role_of(user) in roles


def can_view_ledger(user) -> bool:
    return role_of(user) is not None


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


def allowed_actions(user, task) -> dict[str, bool]:
    """What ``user`` may do to ``task`` now: the role's permission and the task's state (the lifecycle table)
    both allow it. The task page shows a form for each action allowed; the API returns the same dict."""
    return {
        "report": task.allows("report") and can_report(user, task),
        "claim": task.allows("claim") and can_claim(user, task),
        "verify": task.allows("close") and can_verify(user),
        "reopen": task.allows("reopen") and can_reopen(user),
        "request_deadline": task.allows("request_deadline") and can_request_deadline_change(user, task),
        "decide_deadline": can_decide_deadline_change(user),
    }


def require(allowed: bool, what: str) -> None:
    if not allowed:
        raise NotAllowed(f"无权{what}")
