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
