"""User accounts through the services: a role always, a real unit for a liaison, passwords shown once and never
audited, deactivation, and who may do it."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from taizhang.service.ledger import services
from taizhang.service.ledger.errors import NotAllowed, ServiceError
from taizhang.service.ledger.models import AuditEvent, Organisation, UserProfile


@pytest.fixture
def office(people):
    """An office admin by role (not a superuser), as the office would normally have."""
    user = User.objects.create_user("office1", password="pw-office1")
    UserProfile.objects.create(user=user, role="admin")
    return user


def test_create_user_with_role_unit_and_contacts(office, people):
    user, password = services.create_user(office, username="zhang", role="liaison", name="张敏",
                                          organisation=people["org_a"], phone="0513-8888 1234",
                                          email="zhang@example.invalid")
    assert len(password) >= 12
    assert authenticate(username="zhang", password=password) == user
    p = user.profile
    assert (p.role, p.organisation, p.phone, user.first_name, user.email) == (
        "liaison", people["org_a"], "0513-8888 1234", "张敏", "zhang@example.invalid")
    event = AuditEvent.objects.filter(action="user.create").get()
    assert event.actor == office and event.data["organisation"] == "桐溪县生态环境局"
    assert password not in str(event.data)


@pytest.mark.parametrize("kwargs, message", [
    ({"role": ""}, "未知的角色"),
    ({"role": "boss"}, "未知的角色"),
    ({"role": "liaison"}, "须指定所属单位"),
    ({"role": "leader", "phone": "call me"}, "联系电话"),
    ({"role": "leader", "email": "not-an-address"}, "电子邮箱"),
])
def test_create_user_refuses_bad_input(office, kwargs, message):
    with pytest.raises(ServiceError, match=message):
        services.create_user(office, username="newbie", **kwargs)
    assert not User.objects.filter(username="newbie").exists()


def test_a_username_is_taken_once_and_a_collective_name_is_no_users_unit(office, published):
    collective = Organisation.objects.get(name="各乡镇人民政府")
    with pytest.raises(ServiceError, match="集合称谓"):
        services.create_user(office, username="town", role="liaison", organisation=collective)
    with pytest.raises(ServiceError, match="已被使用"):
        services.create_user(office, username="LIAISON_A", role="leader")


def test_only_the_office_manages_users(people):
    for who in ("reviewer", "liaison_a", "leader", "inspector"):
        with pytest.raises(NotAllowed):
            services.create_user(people[who], username="x" + who, role="leader")
        with pytest.raises(NotAllowed):
            services.reset_password(people[who], people["leader"])


def test_command_line_acts_without_a_user(db):
    user, password = services.create_user(None, username="first", role="reviewer")
    assert AuditEvent.objects.get(action="user.create").actor_name == "系统"
    assert authenticate(username="first", password=password) == user


def test_update_reset_and_deactivate(office, people):
    target = people["liaison_b"]
    services.update_user(office, target, role="liaison", name="李强", organisation=people["org_a"], phone="13800000000")
    target.refresh_from_db()
    assert target.profile.organisation == people["org_a"] and target.first_name == "李强"
    changes = AuditEvent.objects.get(action="user.update").data["changes"]
    assert changes["organisation"] == ["桐溪县住房和城乡建设局", "桐溪县生态环境局"]

    password = services.reset_password(office, target)
    assert authenticate(username="liaison_b", password="pw-liaison_b") is None
    assert authenticate(username="liaison_b", password=password) == target

    services.set_user_active(office, target, False)
    assert authenticate(username="liaison_b", password=password) is None
    assert AuditEvent.objects.filter(action="user.deactivate").count() == 1
    services.set_user_active(office, target, True)
    assert authenticate(username="liaison_b", password=password) == target
    with pytest.raises(ServiceError, match="不能停用自己"):
        services.set_user_active(office, office, False)


def test_the_office_does_not_change_a_superuser(office, people):
    with pytest.raises(NotAllowed, match="超级管理员"):
        services.reset_password(office, people["admin"])
    assert services.reset_password(people["admin"], office)  # a superuser may
