"""``taizhang user add`` / ``user list``: the password printed once, clear errors with exit status 2."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate

from taizhang.cli.main import main


@pytest.mark.django_db
def test_user_add_prints_the_password_once_and_list_shows_the_user(people, capsys):
    assert main(["user", "add", "chen", "--role", "liaison", "--unit", "桐溪县生态环境局", "--name", "陈静"]) == 0
    out = capsys.readouterr().out
    password = re.search(r"密码：(\S+)", out).group(1)
    assert out.count(password) == 1
    user = authenticate(username="chen", password=password)
    assert user.profile.role == "liaison" and user.profile.organisation == people["org_a"]
    assert user.first_name == "陈静"
    assert main(["user", "add", "boss", "--role", "office"]) == 0
    capsys.readouterr()

    assert main(["user", "list"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["用户名", "姓名", "角色", "所属单位", "联系电话", "电子邮箱", "状态"]
    chen = next(line for line in lines if line.startswith("chen"))
    assert "陈静" in chen and "责任单位联络员" in chen and "桐溪县生态环境局" in chen
    assert "指挥部办公室管理员" in next(line for line in lines if line.startswith("boss"))
    assert password not in out
    # columns line up although the names are Chinese (display width, not characters)
    from wcwidth import wcswidth

    header_at = wcswidth(lines[0][:lines[0].index("角色")])
    assert wcswidth(chen[:chen.index("责任单位联络员")]) == header_at


@pytest.mark.django_db
@pytest.mark.parametrize("argv, message", [
    (["user", "add", "x1", "--role", "boss"], "未知的角色“boss”"),
    (["user", "add", "x2", "--role", "liaison", "--unit", "不存在局"], "单位“不存在局”不存在"),
    (["user", "add", "x3", "--role", "liaison"], "须指定所属单位"),
    (["user", "add", "liaison_a", "--role", "leader"], "已被使用"),
])
def test_user_add_errors_exit_2(people, capsys, argv, message):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "密码" not in captured.out


@pytest.mark.django_db
def test_user_add_refuses_a_collective_unit(published, capsys):
    assert main(["user", "add", "town", "--role", "liaison", "--unit", "各乡镇人民政府"]) == 2
    assert "集合称谓" in capsys.readouterr().err


@pytest.mark.django_db
def test_user_add_gives_a_password_the_rules_accept(people, capsys):
    from django.contrib.auth.models import User
    from django.contrib.auth.password_validation import validate_password

    for name in ("zhao", "qian", "sun"):
        assert main(["user", "add", name, "--role", "reviewer", "--name", "赵钱孙", "--email", f"{name}@example.invalid"]) == 0
        password = re.search(r"密码：(\S+)", capsys.readouterr().out).group(1)
        validate_password(password, User.objects.get(username=name))  # raises on a password the rules refuse


@pytest.mark.django_db
def test_user_unlock_lifts_a_login_lockout(people, capsys):
    from django.conf import settings
    from django.test import Client

    def attempt(password, address="10.3.3.3"):
        return Client(REMOTE_ADDR=address).post("/login/", {"username": "leader", "password": password}).status_code

    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(f"guess-{i}")
    assert attempt("pw-leader") == 429
    assert main(["user", "unlock", "leader"]) == 0
    assert "已解除用户“leader”的登录锁定" in capsys.readouterr().out
    assert attempt("pw-leader") == 302
    assert main(["user", "unlock", "leader"]) == 0
    assert "没有被锁定" in capsys.readouterr().out
    # an address locked by failures spread over accounts that do not exist
    for i in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="10.4.4.4").post("/login/", {"username": f"nobody{i}", "password": "x"})
    assert attempt("pw-leader", "10.4.4.4") == 429
    assert main(["user", "unlock", "--address", "10.4.4.4"]) == 0
    assert attempt("pw-leader", "10.4.4.4") == 302


def test_user_unlock_needs_a_name_or_an_address(capsys):
    assert main(["user", "unlock"]) == 2
    assert "请指定用户名或 --address" in capsys.readouterr().err
