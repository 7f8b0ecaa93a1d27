"""修改密码 and the password rules: Django's four validators, each refusal shown on the form in Chinese, and the
initial passwords the service makes always pass them."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.test import Client
from django.urls import reverse

from taizhang.service.ledger import services

pytestmark = pytest.mark.django_db


def change(user, new: str, old: str | None = None):
    client = Client()
    client.force_login(user)
    return client.post(reverse("web:password_change"), {"old_password": old or f"pw-{user.username}",
                                                        "new_password1": new, "new_password2": new})


@pytest.mark.parametrize("new, message", [
    ("Ab3$x", "密码太短，至少需要 8 个字符。"),
    ("password123", "这个密码太常见，容易被猜中，请换一个。"),
    ("20260315987", "密码不能全是数字。"),
    ("liaison_a1", "密码与用户名太相似，请换一个。"),
], ids=["short", "common", "numeric", "like-the-username"])
def test_each_rule_refuses_with_its_chinese_message(people, new, message):
    resp = change(people["liaison_a"], new)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert message in html and 'class="errorlist"' in html
    assert authenticate(username="liaison_a", password="pw-liaison_a")  # unchanged


def test_similar_to_the_name_or_email_is_named_so(people):
    user = people["leader"]
    user.email = "wangjianguo@example.invalid"
    user.save()
    html = change(user, "wangjianguo@example").content.decode()
    assert "密码与电子邮箱太相似" in html


def test_the_form_lists_the_rules_and_a_good_password_is_taken(people):
    client = Client()
    client.force_login(people["inspector"])
    page = client.get(reverse("web:password_change")).content.decode()
    for rule in ("密码至少 8 个字符", "不能使用常见密码", "密码不能全是数字", "密码不能与用户名、姓名、电子邮箱太相似"):
        assert rule in page
    resp = change(people["inspector"], "Heshui-station-7")
    assert resp.status_code == 302
    assert authenticate(username="inspector", password="Heshui-station-7") == people["inspector"]


def test_a_wrong_old_password_is_refused(people):
    html = change(people["inspector"], "Heshui-station-7", old="not-it").content.decode()
    assert "旧密码不正确" in html


def test_anonymous_is_sent_to_the_login(db):
    resp = Client().get(reverse("web:password_change"))
    assert resp.status_code == 302 and "/login/" in resp.headers["Location"]


def test_passwords_made_by_the_office_pass_the_rules(people):
    for i in range(20):
        user, password = services.create_user(people["admin"], username=f"user{i}", role="leader", name="测试")
        validate_password(password, user)
        validate_password(services.reset_password(people["admin"], user), user)
