"""Access checks for the screens: the roles come from :mod:`taizhang.service.ledger.permissions` only.

Anonymous visitors of an internal page are sent to the login page (302); a logged-in user whose role does
not allow the page gets 403 with a Chinese explanation; a logged-in user without any role (an account made
without one, or a deactivated profile) gets a 403 page that says to ask the office for a role, with 退出.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from taizhang.service.ledger import permissions as perms


def role_required(check, what: str):
    """Decorator: ``check(user) -> bool``; anonymous → login, refused → 403 (``无权{what}``)."""

    def deco(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if perms.role_of(request.user) is None:
                return render(request, "web/no_role.html", status=403)
            if not check(request.user):
                raise PermissionDenied(f"无权{what}")
            return view(request, *args, **kwargs)

        return wrapped

    return deco


viewer_required = role_required(perms.can_view_ledger, "查看台账")
reviewer_required = role_required(perms.can_review, "导入或审核方案")
verifier_required = role_required(perms.can_verify, "核查销号")
manager_required = role_required(perms.can_manage, "管理用户与单位")
liaison_required = role_required(
    lambda u: perms.role_of(u) in (perms.LIAISON, perms.ADMIN), "使用单位工作台"
)


def nav_items(user, current: str) -> list[dict]:
    """The top navigation for this user's role: (url name, label) pairs, in order."""
    from django.urls import reverse

    role = perms.role_of(user)
    if role is None:
        items = [("web:public", "公开信息")]
    else:
        items = [("web:dashboard", "首页"), ("web:ledger", "台账")]
        if role in (perms.LIAISON, perms.ADMIN):
            items.append(("web:workspace", "我的任务"))
        if perms.can_verify(user):
            items.append(("web:verify_queue", "待核查"))
        if perms.can_decide_deadline_change(user):
            items.append(("web:deadline_queue", "延期审批"))
        items.append(("web:documents", "文件"))
        if perms.can_import(user):
            items.append(("web:document_upload", "导入方案"))
        if perms.can_manage(user):
            items.append(("web:office_users", "用户与单位"))
    def active(name: str) -> bool:
        return name == current or (name == "web:office_users" and current.startswith("web:office_"))

    return [{"url": reverse(n), "label": lab, "active": active(n)} for n, lab in items]
