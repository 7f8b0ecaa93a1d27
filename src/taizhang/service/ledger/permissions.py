"""Who may do what. The services, the UI and the API all ask these functions (one source of truth).

Roles (``UserProfile.role``; a superuser counts as admin):

- admin — the command office: everything;
- reviewer — import, review edits, publish, upload monitoring data;
- liaison — sees the ledger; reports progress on tasks where its own unit is lead, support or implementing
  (each on its own part); claims completion and asks for a deadline change only where its unit leads;
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
# Every unit of a task reports on its own part: the lead, the supporting and the implementing (落实) units.
REPORTING_ROLES = (Assignment.Role.LEAD, Assignment.Role.SUPPORT, Assignment.Role.TERRITORIAL)


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
    """Progress reports: admin, or the liaison of any unit of the task (each reports on its own part)."""
    role = role_of(user)
    if role == ADMIN:
        return True
    return role == LIAISON and bool(unit_roles_on(user, task) & set(REPORTING_ROLES))


def leads(user, task) -> bool:
    """Whether the user is the liaison of the task's lead unit."""
    return role_of(user) == LIAISON and Assignment.Role.LEAD in unit_roles_on(user, task)


def can_claim(user, task) -> bool:
    """A completion claim (申请销号) speaks for the whole task: admin, or the liaison of its lead unit — a
    supporting or implementing unit reports its own part but cannot claim the task done."""
    return role_of(user) == ADMIN or leads(user, task)


def can_request_deadline_change(user, task) -> bool:
    """The office (admin, reviewer), or the liaison of the task's lead unit."""
    return has_role(user, ADMIN, REVIEWER) or leads(user, task)


def can_decide_deadline_change(user) -> bool:
    return has_role(user, ADMIN)


def can_read_reports(user, task) -> bool:
    """A task's report texts, its returned (rejected) completion claims and its evidence files: the office (admin,
    reviewer, inspector) and leaders, and the liaison of a unit with a part in the task (lead, supporting or
    implementing). Every liaison sees every task's row and its summary (最近进度): the ledger is shared among
    units; what each unit wrote and filed is shared only with the units of that task."""
    role = role_of(user)
    if role is None:
        return False
    return role != LIAISON or bool(unit_roles_on(user, task) & set(REPORTING_ROLES))


def can_view_audit(user) -> bool:
    return can_view_ledger(user)


def _anyone_with(check):
    return lambda user, obj: check(user)


#: What each service requires: (who may, given the user and the object acted on; the refusal's words). The
#: services call :func:`require_to` first thing; an edge (a form, an API input) that finds the input wrong
#: asks it too before saying so, so a user who may not act is refused (403) whatever they sent.
REQUIREMENTS: dict[str, tuple] = {
    "import": (_anyone_with(can_import), "导入文件"),
    "create_organisation": (_anyone_with(can_review), "新建单位"),
    "edit": (_anyone_with(can_review), "修改任务"),
    "split": (_anyone_with(can_review), "拆分任务"),
    "merge": (_anyone_with(can_review), "合并任务"),
    "delete": (_anyone_with(can_review), "删除任务"),
    "set_units": (_anyone_with(can_review), "修改责任单位"),
    "set_deadline": (_anyone_with(can_review), "修改时限"),
    "publish": (_anyone_with(can_publish), "发布台账"),
    "read_reports": (can_read_reports, "查看该任务的进展报送内容和佐证材料（仅该任务的牵头、配合、落实单位可查看）"),
    "report": (can_report, "报送该任务的进展（仅该任务的牵头、配合、落实单位可报送）"),
    "claim": (can_claim, "为该任务申请销号（仅牵头单位可申请）"),
    "close": (_anyone_with(can_verify), "核查销号"),
    "reject": (_anyone_with(can_verify), "退回销号申请"),
    "reopen": (_anyone_with(can_reopen), "重新打开任务"),
    "request_deadline": (can_request_deadline_change, "申请调整该任务的时限（仅牵头单位可申请）"),
    "decide_deadline": (_anyone_with(can_decide_deadline_change), "审批时限调整"),
    "upload_monitoring": (_anyone_with(can_upload_monitoring), "上传监测数据"),
    "record_actual": (_anyone_with(can_upload_monitoring), "填报目标实际值"),
    "set_warning_days": (_anyone_with(can_manage), "修改预警天数"),
    "manage_users": (_anyone_with(can_manage), "管理用户"),
    "manage_units": (_anyone_with(can_manage), "合并单位或修改单位类别"),
}


def may(action: str, user, obj=None) -> bool:
    return REQUIREMENTS[action][0](user, obj)


def require(allowed: bool, what: str) -> None:
    if not allowed:
        raise NotAllowed(f"无权{what}")


def require_to(action: str, user, obj=None) -> None:
    """Refuse (:class:`NotAllowed`, ``无权…``) unless ``user`` may take ``action`` on ``obj``."""
    check, what = REQUIREMENTS[action]
    require(check(user, obj), what)


def allowed_actions(user, task) -> dict[str, bool]:
    """What ``user`` may do to ``task`` now: the role's permission and the task's state (the lifecycle table)
    both allow it. The task page shows a form for each action allowed; the API returns the same dict."""
    return {
        "report": task.allows("report") and may("report", user, task),
        "claim": task.allows("claim") and may("claim", user, task),
        "verify": task.allows("close") and may("close", user, task),
        "reopen": task.allows("reopen") and may("reopen", user, task),
        "request_deadline": task.allows("request_deadline") and may("request_deadline", user, task),
        "decide_deadline": may("decide_deadline", user),
    }
