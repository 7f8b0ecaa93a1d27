"""Login throttling: django-axes counts failed logins per account and per address, on every credential endpoint
(the web login, the admin site's login, ``POST /api/token/``), and refuses further attempts — the right
password included — once either count reaches the limit, until the cool-off has passed since the last failure
or the office unlocks the account (用户与单位 → 修改用户 → 解除锁定, or ``taizhang user unlock NAME``).

Settings (``taizhang.service.settings``): ``TAIZHANG_LOGIN_FAILURE_LIMIT`` (default 10),
``TAIZHANG_LOGIN_COOLOFF_MINUTES`` (default 30), ``TAIZHANG_LOGIN_LOCK_BY`` (``account,address``, the default:
either count locks; ``account`` alone when many users share one address behind NAT).

Refused: a page inside the site's layout on the web, a JSON body on the API, both with status 429 and a
``Retry-After`` of the cool-off.
"""

from __future__ import annotations

from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.db.models import Sum
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone


class ThrottledLogins(AxesStandaloneBackend):
    """Axes' check before the password is tried. ``authenticate()`` called without a request (the command
    line, code that already holds the database) is not a login over the network and is not counted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def cooloff() -> timedelta:
    return settings.AXES_COOLOFF_TIME


def lockout_message() -> str:
    minutes = max(1, round(cooloff().total_seconds() / 60))
    return (f"登录失败次数过多（连续 {settings.AXES_FAILURE_LIMIT} 次），该账号或所用网络地址已暂时锁定。"
            f"请 {minutes} 分钟后再试，或请办公室管理员在“用户与单位”中解除锁定。")


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """Axes' AXES_LOCKOUT_CALLABLE: JSON under /api/, else a page in the site's layout; status 429."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        resp = JsonResponse({"detail": message}, status=429)
    else:
        resp = render(request, "web/locked_out.html", {"message": message}, status=429)
    resp["Retry-After"] = str(int(cooloff().total_seconds()))
    return resp


def failures(username: str) -> int:
    """Failed logins counted against ``username`` within the cool-off (what the lockout compares)."""
    from axes.models import AccessAttempt

    since = timezone.now() - cooloff()
    total = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start"))["n"]
    return total or 0


def is_locked(username: str) -> bool:
    return failures(username) >= settings.AXES_FAILURE_LIMIT


def unlock(username: str | None = None, address: str | None = None) -> int:
    """Forget the failed logins of an account (which also lowers the count of the addresses they came from),
    or of an address; returns how many records were removed."""
    from axes.utils import reset

    removed = 0
    if username:
        removed += reset(username=username)
    if address:
        removed += reset(ip=address)
    return removed
