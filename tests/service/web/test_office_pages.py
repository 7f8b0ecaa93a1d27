"""The office's 用户与单位 pages: create a user (password shown once), edit, reset, deactivate; merge units and
mark collective names; all refused to other roles."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from taizhang.service.ledger.models import AuditEvent, Organisation


@pytest.fixture
def office(client, people):
    client.force_login(people["admin"])
    return client


def _password(html: str) -> str:
    return re.search(r'<code class="password" id="password">([^<]+)</code>', html).group(1)


def test_menu_links_the_office_pages_for_the_admin_only(client, people):
    client.force_login(people["admin"])
    assert "用户与单位" in client.get("/").content.decode()
    client.force_login(people["reviewer"])
    assert "用户与单位" not in client.get("/").content.decode()
    assert client.get("/office/users/").status_code == 403


def test_create_a_user_and_see_the_password_once(office, people):
    page = office.get("/office/users/new/").content.decode()
    for label in ("用户名", "姓名", "角色", "所属单位", "联系电话", "电子邮箱"):
        assert label in page
    r = office.post("/office/users/new/", {"username": "wangli", "name": "王丽", "role": "",
                                           "organisation": people["org_a"].pk})
    assert r.status_code == 200 and "请选择角色" in r.content.decode()
    r = office.post("/office/users/new/", {"username": "wangli", "name": "王丽", "role": "liaison",
                                           "organisation": people["org_a"].pk, "phone": "13900001111",
                                           "email": "wl@example.invalid"})
    html = r.content.decode()
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    password = _password(html)
    assert "只显示这一次" in html
    assert authenticate(username="wangli", password=password).profile.organisation == people["org_a"]
    listing = office.get("/office/users/").content.decode()
    assert "王丽" in listing and "13900001111" in listing and password not in listing
    r = office.post("/office/users/new/", {"username": "wangli", "role": "leader"})
    assert "已被使用" in r.content.decode()


def test_collective_units_are_not_offered(office, import_plan):
    import_plan()
    page = office.get("/office/users/new/").content.decode()
    assert ">桐溪县生态环境局</option>" in page and ">各乡镇人民政府</option>" not in page


def test_edit_reset_and_deactivate(office, people):
    target = people["liaison_b"]
    url = f"/office/users/{target.pk}/"
    assert "桐溪县住房和城乡建设局" in office.get(url).content.decode()
    r = office.post(url, {"name": "赵刚", "role": "leader", "organisation": "", "phone": "", "email": ""})
    assert r.status_code == 302
    target.refresh_from_db()
    assert target.first_name == "赵刚" and target.profile.role == "leader"

    r = office.post(url + "password/")
    password = _password(r.content.decode())
    assert authenticate(username="liaison_b", password=password)

    r = office.post(url + "active/", {"active": "0"}, follow=True)
    assert "已停用" in r.content.decode()
    assert authenticate(username="liaison_b", password=password) is None
    assert {"user.update", "user.password_reset", "user.deactivate"} <= set(
        AuditEvent.objects.values_list("action", flat=True))


def test_merge_units_from_the_list(office, published, people):
    j = published.jurisdiction
    dup = Organisation.objects.create(jurisdiction=j, name="桐溪县生态环境局人民政府")  # an invented wrong form
    keep = Organisation.objects.get(name="桐溪县生态环境局")
    listing = office.get("/office/units/").content.decode()
    assert 'form="merge-form"' in listing and "桐溪县生态环境局人民政府" in listing
    confirm = office.get("/office/units/merge/", {"ids": [keep.pk, dup.pk]}).content.decode()
    assert "请选择保留的单位" in confirm
    r = office.post("/office/units/merge/", {"ids": [keep.pk, dup.pk], "keep": keep.pk, "why": "写法不同"},
                    follow=True)
    assert "已将桐溪县生态环境局人民政府合并到“桐溪县生态环境局”" in r.content.decode()
    assert not Organisation.objects.filter(pk=dup.pk).exists()
    r = office.get("/office/units/merge/", {"ids": [keep.pk]}, follow=True)
    assert "至少两个" in r.content.decode()


def test_mark_a_collective_name(office, people):
    org = Organisation.objects.create(jurisdiction=people["org_a"].jurisdiction, name="县直各部门")
    listing = office.get("/office/units/").content.decode()
    assert "疑似集合称谓" in listing
    r = office.post(f"/office/units/{org.pk}/assignable/", {"assignable": "0"}, follow=True)
    assert "集合称谓" in r.content.decode()
    org.refresh_from_db()
    assert org.assignable is False
    r = office.post(f"/office/units/{people['org_a'].pk}/assignable/", {"assignable": "0"}, follow=True)
    assert "liaison_a" in r.content.decode()  # refused with the users named


def test_superusers_are_not_editable_by_a_role_admin(client, people):
    user = User.objects.create_user("office1", password="pw")
    from taizhang.service.ledger.models import UserProfile

    UserProfile.objects.create(user=user, role="admin")
    client.force_login(user)
    assert client.post(f"/office/users/{people['admin'].pk}/password/").status_code == 403
