"""Login throttling (django-axes, taizhang.service.logins) on the web login and POST /api/token/: after the
failure limit the right password is refused too (a Chinese page in the site's layout / a JSON 429), per account
and per address; the cool-off lifts it; the office unlocks it from the user page or the command line."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from taizhang.service.ledger.models import AuditEvent

pytestmark = pytest.mark.django_db
HOME, AWAY = "10.1.1.1", "10.2.2.2"


def web_login(username: str, password: str, address: str = HOME):
    return Client(REMOTE_ADDR=address).post(reverse("web:login"), {"username": username, "password": password})


def api_login(username: str, password: str, address: str = HOME):
    return Client(REMOTE_ADDR=address).post("/api/token/", {"username": username, "password": password},
                                            content_type="application/json")


def logged_in(resp) -> bool:
    return resp.status_code == 302 and resp.headers["Location"] == settings.LOGIN_REDIRECT_URL


def test_the_default_limit_and_cooloff():
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=30)
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_thirty_wrong_passwords_then_the_right_one_is_refused_on_the_web(people):
    assert logged_in(web_login("reviewer", "pw-reviewer"))  # the right password works to begin with
    answers = [web_login("reviewer", f"guess-{i}").status_code for i in range(30)]
    assert answers[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form again
    assert set(answers[settings.AXES_FAILURE_LIMIT - 1:]) == {429}
    resp = web_login("reviewer", "pw-reviewer")
    assert resp.status_code == 429 and "_auth_user_id" not in resp.client.session
    html = resp.content.decode()
    assert "暂时不能登录" in html and "分钟后再试" in html and "解除锁定" in html
    assert 'class="top"' in html and "site.css" in html  # inside the site's layout
    assert int(resp.headers["Retry-After"]) == 30 * 60


def test_thirty_wrong_passwords_then_the_right_one_is_refused_on_the_api(people):
    assert api_login("reviewer", "pw-reviewer").status_code == 200
    answers = [api_login("reviewer", f"guess-{i}").status_code for i in range(30)]
    assert answers[: settings.AXES_FAILURE_LIMIT - 1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(answers[settings.AXES_FAILURE_LIMIT - 1:]) == {429}
    resp = api_login("reviewer", "pw-reviewer")
    assert resp.status_code == 429 and resp["Content-Type"] == "application/json"
    assert "登录失败次数过多" in resp.json()["detail"] and "token" not in resp.json()
    # failures on the API lock the web login too: one count per account
    assert web_login("reviewer", "pw-reviewer").status_code == 429


def test_failures_spread_over_web_and_api_add_up(people):
    half = settings.AXES_FAILURE_LIMIT // 2
    for i in range(half):
        web_login("leader", f"web-{i}")
    for i in range(settings.AXES_FAILURE_LIMIT - half):
        api_login("leader", f"api-{i}")
    assert api_login("leader", "pw-leader").status_code == 429


def test_the_admin_site_login_is_throttled_too(people):
    client = Client(REMOTE_ADDR=HOME)
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "admin", "password": f"guess-{i}"})
    resp = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": "pw-admin"})
    assert resp.status_code == 429 and "暂时不能登录" in resp.content.decode()


def test_other_accounts_and_addresses_as_configured(people):
    for i in range(settings.AXES_FAILURE_LIMIT):
        web_login("reviewer", f"guess-{i}", address=HOME)
    # the account is locked from everywhere
    assert web_login("reviewer", "pw-reviewer", address=AWAY).status_code == 429
    # the address is locked for every account (someone there tried 30 passwords)
    assert web_login("leader", "pw-leader", address=HOME).status_code == 429
    # another account from another address is not touched
    assert logged_in(web_login("leader", "pw-leader", address=AWAY))
    assert api_login("inspector", "pw-inspector", address=AWAY).status_code == 200


def test_locking_by_account_only_leaves_a_shared_address_open(people, settings):
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]  # TAIZHANG_LOGIN_LOCK_BY=account (many users behind one NAT)
    for i in range(settings.AXES_FAILURE_LIMIT):
        web_login("reviewer", f"guess-{i}", address=HOME)
    assert web_login("reviewer", "pw-reviewer", address=HOME).status_code == 429
    assert logged_in(web_login("leader", "pw-leader", address=HOME))


def test_the_cooloff_lifts_the_lock(people):
    for i in range(settings.AXES_FAILURE_LIMIT):
        api_login("reviewer", f"guess-{i}")
    assert api_login("reviewer", "pw-reviewer").status_code == 429
    # 29 minutes after the last failure: still locked
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=29))
    assert api_login("reviewer", "pw-reviewer").status_code == 429  # (and that failure starts the wait again)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert api_login("reviewer", "pw-reviewer").status_code == 200
    assert logged_in(web_login("reviewer", "pw-reviewer"))


def test_the_office_unlocks_an_account_from_its_user_page(people):
    for i in range(settings.AXES_FAILURE_LIMIT):
        web_login("liaison_a", f"guess-{i}", address=AWAY)
    office = Client()
    office.force_login(people["admin"])
    page = office.get(reverse("web:office_user_edit", args=[people["liaison_a"].pk])).content.decode()
    assert "已锁定" in page and 'id="unlock"' in page
    resp = office.post(reverse("web:office_user_unlock", args=[people["liaison_a"].pk]), follow=True)
    assert "已解除用户“liaison_a”的登录锁定" in resp.content.decode()
    assert "无近期密码错误" in resp.content.decode()
    assert logged_in(web_login("liaison_a", "pw-liaison_a", address=AWAY))
    event = AuditEvent.objects.get(action="user.unlock")
    assert event.actor == people["admin"] and event.data["failures"] == settings.AXES_FAILURE_LIMIT


def test_only_the_office_unlocks(people):
    client = Client()
    client.force_login(people["reviewer"])
    assert client.post(reverse("web:office_user_unlock", args=[people["liaison_a"].pk])).status_code == 403
