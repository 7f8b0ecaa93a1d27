"""Error pages (400, 403, 404, 500, and a refused CSRF check) in Chinese, inside the site's layout: the menu
and 退出 for a logged-in user, the reason the service gave (a Chinese ``PermissionDenied`` or ``Http404``
message such as 无权核查销号), and what the user may do instead.

Paths under /api/ answer JSON (``{"detail": …}``) as the API does elsewhere. A 500 page never depends on
the database: if the layout cannot be drawn (the menu asks for the user's role), a plain page is sent.
"""

from __future__ import annotations

import logging
import re

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)
CJK = re.compile(r"[\u4e00-\u9fff]")

TITLES = {400: "请求无法处理", 403: "无权访问", 404: "页面不存在", 500: "系统出错"}
DEFAULTS = {
    400: "提交的内容无法处理（格式不对、不完整或文件过大）。",
    403: "您的账号无权访问该页面或办理该事项。",
    404: "您访问的页面不存在：地址可能有误，或该内容已被删除、尚未发布。",
    500: "系统内部出错，这不是您的操作造成的，错误已记入服务器日志。",
}


def reason_of(exception) -> str:
    """The Chinese message the service gave (the first argument of the exception); nothing for Django's own
    English messages (``No Task matches the given query.``)."""
    args = getattr(exception, "args", None) or ()
    message = str(args[0]) if args else ""
    return message if CJK.search(message) else ""


def _back(request) -> str:
    """The page the user came from, when it is one of ours (nothing when the Host itself was refused)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost: the very error being shown
        return ""
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={host}) \
            and referer != request.build_absolute_uri():
        return referer
    return ""


def render_error(request, status: int, reason: str = "", *, csrf: bool = False):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": reason or DEFAULTS[status]}, status=status)
    ctx = {"status": status, "title": TITLES[status], "reason": reason, "default": DEFAULTS[status],
           "back": _back(request), "csrf": csrf}
    try:
        return render(request, f"web/errors/{status}.html", ctx, status=status)
    except Exception:  # the layout needs the database (the user's role): never fail the error page itself
        if status < 500:
            raise
        logger.exception("the 500 page could not be drawn in the layout")
        return HttpResponse(render_to_string("web/errors/plain.html", ctx), status=status)


def bad_request(request, exception=None):
    return render_error(request, 400, reason_of(exception))


def permission_denied(request, exception=None):
    return render_error(request, 403, reason_of(exception))


def page_not_found(request, exception=None):
    return render_error(request, 404, reason_of(exception))


def server_error(request):
    return render_error(request, 500)


def csrf_failure(request, reason: str = ""):
    """A form sent without a valid CSRF token: most often a page left open past the session, or cookies off."""
    return render_error(request, 403, "页面已过期或浏览器禁用了 Cookie，表单未能提交。", csrf=True)
