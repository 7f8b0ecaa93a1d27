"""Template helpers: navigation, role label, lights and state badges."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from taizhang.service.ledger import permissions as perms
from taizhang.service.ledger.models import UserProfile

from ..access import nav_items
from ..markup import badge_html, light_html

register = template.Library()



@register.inclusion_tag("web/nav.html", takes_context=True)
def main_nav(context):
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = f"web:{match.url_name}" if match and match.url_name else ""
    # request.user is missing when a middleware before authentication refused the request (a 400 page)
    return {"items": nav_items(getattr(request, "user", None), current) if request else []}


@register.simple_tag
def role_label(user):
    role = perms.role_of(user)
    return UserProfile.Role(role).short_label if role else ""


@register.simple_tag
def light_dot(value):
    """A coloured dot plus its Chinese name; a dash for tasks outside supervision (:func:`..markup.light_html`)."""
    return mark_safe(light_html(value))


@register.simple_tag
def state_badge(state):
    return mark_safe(badge_html(state))


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """The current query string with some parameters replaced (for sorting and paging links)."""
    params = context["request"].GET.copy()
    for k, v in kwargs.items():
        if v is None or v == "":
            params.pop(k, None)
        else:
            params[k] = v
    return "?" + params.urlencode() if params else "?"


@register.filter
def pct(value) -> str:
    """A rate (0–1) as a percent with one decimal; a dash for none."""
    from ..views.common import pct_label

    return pct_label(value)


@register.filter
def number(value) -> str:
    """A number as written in a report: 78.5, 72, 0.05 (no trailing zeros); a dash for none."""
    from taizhang.report.common import number_text

    if value is None:
        return "—"
    return number_text(round(value, 6) if isinstance(value, float) else value)
