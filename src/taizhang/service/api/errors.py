"""Map the services' errors to HTTP: NotAllowed 403, Conflict/DuplicateDocument 409, TooLarge 413, others 400."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from taizhang.service.ledger.errors import (
    Conflict,
    DuplicateDocument,
    InvalidTransition,
    NotAllowed,
    ServiceError,
    TooLarge,
)


def exception_handler(exc, context):
    if isinstance(exc, NotAllowed):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DuplicateDocument):
        body = {"detail": str(exc)}
        if exc.existing is not None:
            body["existing_document"] = exc.existing.pk
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Conflict | InvalidTransition):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, TooLarge):
        return Response({"detail": str(exc)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, ServiceError):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    return drf_handler(exc, context)
