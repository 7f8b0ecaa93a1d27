"""API tokens (django-rest-knox, taizhang.service.tokens): POST /api/token/ gives a token and its expiry; only a
digest is stored; the token ends at its expiry, and at once when the user's password changes (on any path) or
the user is deactivated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken

from taizhang.service.ledger import services

pytestmark = pytest.mark.django_db


def obtain(username: str, password: str) -> str:
    resp = Client().post("/api/token/", {"username": username, "password": password}, content_type="application/json")
    assert resp.status_code == 200, resp.content
    return resp.json()["token"]


def works(token: str) -> bool:
    resp = Client().get("/api/tasks/", HTTP_AUTHORIZATION=f"Token {token}")
    assert resp.status_code in (200, 401, 403), resp.status_code  # refused: 403 (the session scheme comes first)
    if resp.status_code != 200:
        assert resp.json()["detail"] in ("Invalid token.", "认证令牌无效。", "认证令牌无效"), resp.json()
    return resp.status_code == 200


def test_a_token_with_its_expiry_and_only_a_digest_stored(people):
    before = timezone.now()
    resp = Client().post("/api/token/", {"username": "leader", "password": "pw-leader"})  # a form post works too
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"token", "expiry"}
    expiry = parse_datetime(body["expiry"])
    assert before + timedelta(hours=24) <= expiry <= timezone.now() + timedelta(hours=24)
    assert settings.REST_KNOX["TOKEN_TTL"] == timedelta(hours=24)
    assert works(body["token"])
    row = AuthToken.objects.get(user=people["leader"])
    assert body["token"] not in (row.digest, row.token_key) and len(row.digest) == 128  # SHA-512, not the key
    people["leader"].refresh_from_db()
    assert people["leader"].last_login is not None


def test_a_wrong_password_or_a_missing_field_is_a_json_400(people):
    resp = Client().post("/api/token/", {"username": "leader", "password": "nope"}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["detail"] == "用户名或密码不正确"
    resp = Client().post("/api/token/", {"username": "leader"}, content_type="application/json")
    assert resp.status_code == 400 and "password" in resp.json()["errors"]
    assert not AuthToken.objects.exists()


def test_an_expired_token_is_refused_and_removed(people):
    token = obtain("leader", "pw-leader")
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    assert not works(token)
    assert not AuthToken.objects.exists()


def test_a_password_reset_by_the_office_ends_every_token(people):
    tokens = [obtain("liaison_a", "pw-liaison_a") for _ in range(2)]
    other = obtain("liaison_b", "pw-liaison_b")
    assert all(works(t) for t in tokens)
    services.reset_password(people["admin"], people["liaison_a"])
    assert not any(works(t) for t in tokens)
    assert works(other)  # someone else's token stays


def test_a_password_set_in_code_ends_every_token(people):
    token = obtain("leader", "pw-leader")
    user = people["leader"]
    user.set_password("Another-pass-2026")
    user.save()
    assert not works(token)
    assert works(obtain("leader", "Another-pass-2026"))


def test_logging_in_or_editing_the_user_keeps_the_token(people):
    token = obtain("leader", "pw-leader")
    assert Client().post(reverse("web:login"), {"username": "leader", "password": "pw-leader"}).status_code == 302
    services.update_user(people["admin"], people["leader"], role="leader", name="李明")
    assert works(token)


def test_changing_ones_own_password_on_the_web_ends_every_token(people):
    token = obtain("reviewer", "pw-reviewer")
    client = Client()
    client.force_login(people["reviewer"])
    resp = client.post(reverse("web:password_change"), {"old_password": "pw-reviewer",
                                                        "new_password1": "Qinghe-river-2026",
                                                        "new_password2": "Qinghe-river-2026"}, follow=True)
    assert "密码已修改" in resp.content.decode()
    assert client.get(reverse("web:dashboard")).status_code == 200  # this session stays
    assert not works(token)


def test_a_password_changed_in_the_admin_site_ends_every_token(people):
    token = obtain("leader", "pw-leader")
    admin = Client()
    admin.force_login(people["admin"])
    url = reverse("admin:auth_user_password_change", args=[people["leader"].pk])
    resp = admin.post(url, {"password1": "Tongxi-county-77", "password2": "Tongxi-county-77"})
    assert resp.status_code == 302
    assert not works(token)


def test_deactivation_ends_every_token_and_reactivation_does_not_bring_them_back(people):
    token = obtain("inspector", "pw-inspector")
    services.set_user_active(people["admin"], people["inspector"], False)
    assert not AuthToken.objects.filter(user=people["inspector"]).exists()
    services.set_user_active(people["admin"], people["inspector"], True)
    assert not works(token)
    assert works(obtain("inspector", "pw-inspector"))


def test_the_plain_text_token_table_is_gone():
    assert "authtoken_token" not in connection.introspection.table_names()


def test_the_schema_documents_the_token_answer():
    schema = Client().get("/api/schema/?format=json").json()
    post = schema["paths"]["/api/token/"]["post"]
    assert {"200", "400", "429"} <= set(post["responses"])
    token = schema["components"]["schemas"]["Token"]
    assert set(token["properties"]) == {"token", "expiry"}
