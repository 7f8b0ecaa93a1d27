"""Error pages: Chinese, inside the layout (menu and 退出 for a logged-in user), with the service's reason or
what to do instead; JSON under /api/; no traceback logged for a refusal."""

from __future__ import annotations

import io
import logging

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from taizhang.service.logfilters import RefusalWithoutTraceback


def _boom(request):
    raise RuntimeError("an invented fault for the test")


def _ok(request):
    return HttpResponse("ok")


# a URL conf of the test: the service's own, plus a view that fails
urlpatterns = [
    path("boom/", _boom),
    path("api/", include("taizhang.service.api.urls")),
    path("", include("taizhang.service.web.urls")),
]
handler400 = "taizhang.service.web.views.errors.bad_request"
handler403 = "taizhang.service.web.views.errors.permission_denied"
handler404 = "taizhang.service.web.views.errors.page_not_found"
handler500 = "taizhang.service.web.views.errors.server_error"


def _in_layout(html: str, logged_in: bool = True):
    assert '<header class="top">' in html and "<nav" in html
    if logged_in:
        assert 'action="/logout/"' in html and "退出" in html
    for english in ("Forbidden", "Not Found", "Server Error", "Bad Request"):
        assert english not in html


@pytest.fixture
def console():
    """What the service's console log handler writes during the test."""
    handler = next(h for h in logging.getLogger().handlers
                   if any(isinstance(f, RefusalWithoutTraceback) for f in h.filters))
    buf = io.StringIO()
    old = handler.setStream(buf)
    yield buf
    handler.setStream(old)


def test_403_states_the_services_reason_in_the_layout_without_traceback(client, task1, people, console):
    client.force_login(people["liaison_b"])
    r = client.post(f"/tasks/{task1.pk}/report/", {"period": "2026-01", "text": "x", "percent": "10"})
    assert r.status_code == 403
    html = r.content.decode()
    _in_layout(html)
    assert "无权报送该任务的进展" in html and "联系指挥部办公室" in html
    log = console.getvalue()
    assert "Forbidden" in log and "Traceback" not in log


def test_403_of_a_role_shows_its_own_reason(client, task1, people):
    client.force_login(people["leader"])
    r = client.get("/verify/")
    assert r.status_code == 403 and "无权核查销号" in r.content.decode()


def test_404_in_chinese_for_users_and_visitors(client, people, console):
    r = client.get("/no/such/page/")
    assert r.status_code == 404
    html = r.content.decode()
    _in_layout(html, logged_in=False)
    assert "页面不存在" in html and "公开信息" in html and "登录" in html
    client.force_login(people["reviewer"])
    r = client.get("/tasks/999999/")
    html = r.content.decode()
    assert r.status_code == 404 and "页面不存在" in html and "No Task matches" not in html
    _in_layout(html)
    assert "Traceback" not in console.getvalue()


def test_404_keeps_a_chinese_reason(client, task1, people, evidence):
    from taizhang.service.ledger import services

    report = services.submit_progress(task1, people["liaison_a"], period=f"{task1.start_date:%Y-%m}", text="进展",
                                      percent=10, files=[evidence])
    ev = report.files.get()
    ev.file.storage.delete(ev.file.name)  # the stored file went missing
    client.force_login(people["reviewer"])
    r = client.get(f"/evidence/{ev.pk}/")
    assert r.status_code == 404 and "佐证材料文件缺失" in r.content.decode()


def test_api_errors_stay_json(client):
    r = client.get("/api/no-such-endpoint/")
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json")
    assert "detail" in r.json()


def test_400_for_a_refused_host(client, db):
    r = client.get("/", HTTP_HOST="evil.invalid")
    assert r.status_code == 400
    html = r.content.decode()
    assert "请求无法处理" in html and '<header class="top">' in html


def test_csrf_failure_is_explained(people):
    c = Client(enforce_csrf_checks=True)
    c.force_login(people["reviewer"])
    r = c.post("/logout/")
    assert r.status_code == 403
    assert "页面已过期" in r.content.decode()


@pytest.mark.urls(__name__)
def test_500_in_chinese(people, console):
    c = Client(raise_request_exception=False)
    c.force_login(people["reviewer"])
    r = c.get("/boom/")
    assert r.status_code == 500
    html = r.content.decode()
    _in_layout(html)
    assert "系统出错" in html and "联系系统管理员" in html
    assert "Traceback" in console.getvalue()  # a fault of the service keeps its traceback
