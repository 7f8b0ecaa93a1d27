"""Helpers shared by the screens: running a service call and turning its errors into messages."""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied

from taizhang.service.ledger.errors import NotAllowed, ServiceError


@contextmanager
def service_call(request, success: str | None = None):
    """Run a service call in a screen that answers with a redirect and a message.

    A refusal (:class:`NotAllowed`) becomes 403. Any other service error ends the block: it is shown as a Chinese
    error message and goes no further, and the view carries on after the block (typically redirecting back).
    When the block completes, ``success`` (if given) is shown. Other exceptions pass through."""
    try:
        yield
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
        return
    if success:
        messages.success(request, success)


def pct_label(rate: float | None) -> str:
    """A rate (0–1) as the dashboard writes it: one decimal and %, a dash for none."""
    return "—" if rate is None else f"{rate * 100:.1f}%"
