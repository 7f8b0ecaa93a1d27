"""User accounts, managed by the office (the 用户与单位 pages) and by ``taizhang user add``.

A user's role and unit live in :class:`..models.UserProfile`; every account made here has a role, and a
liaison a unit that can be one (never a collective name: ``Organisation.assignable``). Passwords are made
here, returned once to be shown once, and never written to the audit trail.

``user`` is the acting user; ``None`` is the command line (whoever runs ``taizhang`` on the server holds its
database anyway). The office's admins (role ``admin``) manage every account except superusers, which only
another superuser changes (in the admin site).
"""

from __future__ import annotations

import re
import secrets

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from .. import audit
from .. import permissions as perm
from ..errors import ServiceError
from ..models import Organisation, UserProfile, label_of

Role = UserProfile.Role
USERNAME_RE = re.compile(r"^[\w.@+-]{1,150}$")
PHONE_RE = re.compile(r"^[0-9+()\- ]{5,30}$")


def new_password(user: User | None = None) -> str:
    """A random initial password (16 characters, shown once) that the password rules accept for ``user``
    (settings.AUTH_PASSWORD_VALIDATORS: a random draw is drawn again in the rare case it is not)."""
    while True:
        password = secrets.token_urlsafe(12)
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def _require_manager(user) -> None:
    if user is not None:
        perm.require_to("manage_users", user)


def _require_changeable(user, target: User) -> None:
    _require_manager(user)
    if user is not None and target.is_superuser and not user.is_superuser:
        perm.require(False, "修改超级管理员账号（请由超级管理员在系统管理后台办理）")


def _checked(role: str, organisation: Organisation | None, phone: str, email: str) -> tuple[str, str]:
    if role not in Role.values:
        raise ServiceError(f"未知的角色“{role}”，应为：{'、'.join(Role.labels)}")
    if role == Role.LIAISON and organisation is None:
        raise ServiceError("责任单位联络员须指定所属单位")
    if organisation is not None and not organisation.assignable:
        raise ServiceError(f"“{organisation.name}”是集合称谓，不是具体单位，不能作为用户的所属单位")
    phone, email = (phone or "").strip(), (email or "").strip()
    if phone and not PHONE_RE.match(phone):
        raise ServiceError(f"联系电话“{phone}”格式不对（只能包含数字、空格、+、-、括号）")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ServiceError(f"电子邮箱“{email}”格式不对") from None
    return phone, email


def _summary(target: User, profile: UserProfile) -> dict:
    return {"username": target.username, "name": target.first_name, "role": profile.role,
            "organisation": profile.organisation.name if profile.organisation else None,
            "phone": profile.phone, "email": target.email, "active": target.is_active}


def create_user(user, *, username: str, role: str, name: str = "", organisation: Organisation | None = None,
                phone: str = "", email: str = "") -> tuple[User, str]:
    """A new account with its role; returns it and its initial password (to show once)."""
    _require_manager(user)
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise ServiceError(f"用户名“{username}”不可用：应为 1–150 个字母、数字或 . @ + - _")
    phone, email = _checked(role, organisation, phone, email)
    password = new_password(User(username=username, first_name=(name or "").strip()[:150], email=email))
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ServiceError(f"用户名“{username}”已被使用")
        target = User.objects.create_user(username, email, password, first_name=(name or "").strip()[:150])
        profile = UserProfile.objects.create(user=target, role=role, organisation=organisation, phone=phone)
        audit.record("user.create", target, actor=user, data=_summary(target, profile))
    return target, password


def update_user(user, target: User, *, role: str, name: str = "", organisation: Organisation | None = None,
                phone: str = "", email: str = "") -> User:
    """Change a user's name, role, unit and contacts."""
    _require_changeable(user, target)
    phone, email = _checked(role, organisation, phone, email)
    with transaction.atomic():
        profile, _ = UserProfile.objects.get_or_create(user=target, defaults={"role": role})
        before = _summary(target, profile)
        target.first_name, target.email = (name or "").strip()[:150], email
        target.save(update_fields=["first_name", "email"])
        profile.role, profile.organisation, profile.phone = role, organisation, phone
        profile.save(update_fields=["role", "organisation", "phone"])
        after = _summary(target, profile)
        changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changed:
            audit.record("user.update", target, actor=user, data={"username": target.username, "changes": changed})
    return target


def reset_password(user, target: User) -> str:
    """A new random password for ``target`` (its sessions end); returned to be shown once."""
    _require_changeable(user, target)
    password = new_password(target)
    with transaction.atomic():
        target.set_password(password)
        target.save(update_fields=["password"])
        audit.record("user.password_reset", target, actor=user, data={"username": target.username})
    return password


def set_user_active(user, target: User, active: bool) -> User:
    """Deactivate (停用) or reactivate an account. A deactivated user can no longer log in; the account and
    everything it did stay (the audit trail names it)."""
    _require_changeable(user, target)
    if not active and user is not None and target.pk == user.pk:
        raise ServiceError("不能停用自己的账号")
    with transaction.atomic():
        if target.is_active != active:
            target.is_active = active
            target.save(update_fields=["is_active"])
            audit.record("user.activate" if active else "user.deactivate", target, actor=user,
                         data={"username": target.username})
    return target


def unlock_user(user, target: User) -> int:
    """Lift the login lockout of ``target`` (taizhang.service.logins): its failed logins are forgotten, which also
    lowers the count of the addresses they came from. Returns the records removed (0: it was not locked)."""
    from taizhang.service import logins

    _require_changeable(user, target)
    with transaction.atomic():
        failures = logins.failures(target.username)
        removed = logins.unlock(username=target.username)
        if removed:
            audit.record("user.unlock", target, actor=user, data={"username": target.username, "failures": failures})
    return removed


def role_label(role: str | None) -> str:
    return label_of(Role, role) if role else "未分配"
