"""The Django admin, kept for superusers: branded in Chinese, a user's role required; the assignable flag."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from taizhang.service.ledger.models import Organisation, UserProfile


@pytest.fixture
def admin_client(client, people):
    client.force_login(people["admin"])
    return client


def test_admin_is_branded_in_chinese(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "台账系统管理" in html
    assert "Django" not in html.split("<body", 1)[1]


def test_admin_add_user_requires_a_role(admin_client):
    page = admin_client.get("/admin/auth/user/add/").content.decode()
    assert "角色与所属单位" in page
    form = {"username": "newbie", "password1": "Xk3-long-enough-pw", "password2": "Xk3-long-enough-pw",
            "usable_password": "true",
            "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "0", "profile-MIN_NUM_FORMS": "1",
            "profile-MAX_NUM_FORMS": "1", "profile-0-role": "", "profile-0-organisation": ""}
    r = admin_client.post("/admin/auth/user/add/", form)
    assert r.status_code == 200  # the form again, with an error
    assert not User.objects.filter(username="newbie").exists()
    form["profile-0-role"] = "leader"
    r = admin_client.post("/admin/auth/user/add/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert UserProfile.objects.get(user__username="newbie").role == "leader"


def test_collective_names_are_not_assignable(published, people):
    collective = Organisation.objects.get(name="各乡镇人民政府")
    assert collective.assignable is False
    assert Organisation.objects.get(name="桐溪县生态环境局").assignable is True
    profile = UserProfile(user=User.objects.create_user("x"), role="liaison", organisation=collective)
    with pytest.raises(ValidationError) as err:
        profile.full_clean()
    assert "organisation" in err.value.message_dict


def test_a_user_without_a_role_gets_a_chinese_page_with_logout(client, db):
    User.objects.create_user("norole", password="pw-norole-123")
    client.login(username="norole", password="pw-norole-123")
    for url in ("/", "/ledger/", "/my/"):
        r = client.get(url)
        assert r.status_code == 403
        html = r.content.decode()
        assert "尚未分配角色" in html and "联系指挥部办公室" in html
        assert 'action="/logout/"' in html and "退出" in html
        assert "Forbidden" not in html
