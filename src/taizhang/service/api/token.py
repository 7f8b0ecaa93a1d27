"""``POST /api/token/``: a username and password (form or JSON) for an API token.

Answer ``{"token": "…", "expiry": "2026-05-01T09:30:00+08:00"}``; send it as ``Authorization: Token …``. The
token is valid until ``expiry`` (``TAIZHANG_TOKEN_TTL_HOURS`` after issue, default 24 h) and ends earlier when
the user's password changes or the user is deactivated (taizhang.service.tokens); then ask for a new one.
A wrong username or password is 400; after too many failures (per account and per address, see
taizhang.service.logins) every attempt, the right one included, is 429 until the cool-off has passed.
"""

from __future__ import annotations

from django.contrib.auth import authenticate, user_logged_in
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from taizhang.service import logins


class Credentials(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


Detail = inline_serializer("TokenError", {
    "detail": serializers.CharField(),
    "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                    help_text="the fields missing or wrong, when the request lacked one"),
})
DESCRIPTION = (
    "A username and password (JSON or form) for an API token: `{\"token\": \"…\", \"expiry\": \"…\"}`. Send it as "
    "`Authorization: Token …`. It is valid until `expiry` (TAIZHANG_TOKEN_TTL_HOURS after issue, 24 h by default) "
    "and ends earlier when the user's password changes or the user is deactivated; then ask for a new one. "
    "A wrong username or password is 400; after too many failed logins (per account and per address) every "
    "attempt, the right one included, is 429 with a Retry-After header until the cool-off has passed.")


class ObtainToken(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        operation_id="token_create",
        request=Credentials,
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField(),
                                             "expiry": serializers.DateTimeField()}),
            400: OpenApiResponse(Detail, description="用户名或密码不正确，或缺少字段"),
            429: OpenApiResponse(Detail, description="登录失败次数过多，暂时锁定"),
        },
        examples=[OpenApiExample("token", response_only=True, status_codes=["200"],
                                 value={"token": "3f6c…", "expiry": "2026-05-01T09:30:00+08:00"})],
        description=DESCRIPTION,
    )
    def post(self, request):
        creds = Credentials(data=request.data)
        if not creds.is_valid():
            return Response({"detail": "请提供用户名（username）和密码（password）", "errors": creds.errors},
                            status=status.HTTP_400_BAD_REQUEST)
        user = authenticate(request=request, **creds.validated_data)
        if getattr(request, "axes_locked_out", False):
            return logins.lockout_response(request._request)
        if user is None or not user.is_active:
            return Response({"detail": "用户名或密码不正确"}, status=status.HTTP_400_BAD_REQUEST)
        instance, token = AuthToken.objects.create(user=user)
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        expiry = serializers.DateTimeField().to_representation(instance.expiry)
        return Response({"token": token, "expiry": expiry})
