"""Errors of the ledger service: all are the user's or the input's fault and carry a Chinese message."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from taizhang.errors import TaizhangError


class ServiceError(TaizhangError):
    """A request the service refuses (bad input or a transition not allowed in this state)."""


class NotAllowed(ServiceError, PermissionDenied):
    """The user's role does not allow this."""


class Conflict(ServiceError):
    """Someone else changed the object first (stale version): reload and edit again."""


class DuplicateDocument(ServiceError):
    """The same file (same sha256) was imported before."""

    def __init__(self, message: str, *, existing=None, path: str | None = None):
        self.existing = existing
        super().__init__(message, path=path)


class InvalidTransition(ServiceError):
    """The task is not in a state where this transition applies."""


class TooLarge(ServiceError):
    """An uploaded file over its bound (taizhang.limits): nothing is stored (the API answers 413)."""
