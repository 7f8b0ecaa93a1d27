"""Helpers shared by the screens: running a service call and turning its errors into messages."""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied

from taizhang.service.ledger.errors import NotAllowed, ServiceError


class Failed(Exception):
    """Raised by :func:`service_call` after the error has been shown to the user."""


@contextmanager
def service_call(request, success: str | None = None):
    """Run a service call: refusals become 403, other service errors a Chinese error message."""
    try:
        yield
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
        raise Failed from exc
    if success:
        messages.success(request, success)


def files_of(request, name: str = "files") -> list:
    return [f for f in request.FILES.getlist(name) if f is not None and f.name]
