"""Map the services' errors to HTTP: NotAllowed 403, Conflict/DuplicateDocument 409, TooLarge 413, others 400;
a request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` 413, another request Django finds suspicious 400. Every
error body is ``{"detail": "…"}`` (a DRF error with field messages keeps them under ``errors``)."""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
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
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": "请求内容超过上限，请减小上传文件或分批提交"},
                        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, SuspiciousOperation):
        return Response({"detail": "请求无法处理"}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_handler(exc, context)
    if response is not None and not (isinstance(response.data, dict) and "detail" in response.data):
        response.data = {"detail": _first_message(response.data), "errors": response.data}
    return response


def _first_message(data) -> str:
    while isinstance(data, dict | list) and data:
        data = next(iter(data.values())) if isinstance(data, dict) else data[0]
    return str(data) if data else "请求的内容有误"
