"""The server-rendered screens through Django's test client: every page renders for the roles that may see it,
refuses the others, and shows the ledger's real data."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_login_page_is_chinese_and_logs_in(client, people):
    resp = client.get(reverse("web:login"))
    assert resp.status_code == 200
    assert "用户登录" in resp.content.decode()
    resp = client.post(reverse("web:login"), {"username": "leader", "password": "pw-leader"})
    assert resp.status_code == 302
    resp = client.get(reverse("web:dashboard"))
    assert resp.status_code == 200 and "工作总览" in resp.content.decode()
    bad = client.post(reverse("web:login"), {"username": "leader", "password": "wrong"})
    assert "用户名或密码不正确" in bad.content.decode()


def test_logout_ends_the_session(client, people):
    login(client, people["leader"])
    resp = client.post(reverse("web:logout"))
    assert resp.status_code == 302
    resp = client.get(reverse("web:dashboard"))
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("web:login"))


def test_anonymous_is_sent_to_login_for_internal_pages(client, published):
    for name in ("web:dashboard", "web:ledger", "web:documents", "web:workspace", "web:verify_queue"):
        resp = client.get(reverse(name))
        assert resp.status_code == 302, name
        assert resp["Location"].startswith(reverse("web:login"))


def test_nav_depends_on_role(client, people):
    html = login(client, people["liaison_a"]).get(reverse("web:dashboard")).content.decode()
    assert "我的任务" in html and "待核查" not in html and "导入方案" not in html
    client.logout()
    html = login(client, people["inspector"]).get(reverse("web:dashboard")).content.decode()
    assert "待核查" in html and "我的任务" not in html
    client.logout()
    html = login(client, people["reviewer"]).get(reverse("web:dashboard")).content.decode()
    assert "导入方案" in html and "待核查" not in html


def test_dashboard_counts_states_and_lights(client, people, published):
    html = login(client, people["leader"]).get(reverse("web:dashboard")).content.decode()
    assert 'data-state="active"><div class="num">3</div>' in html
    assert "<svg" in html and "各牵头单位逾期任务数" in html and "近12个月报送与销号趋势" in html


def test_every_screen_renders_for_admin(client, people, published, task1):
    login(client, people["admin"])
    urls = [
        reverse("web:dashboard"), reverse("web:ledger"), reverse("web:documents"),
        reverse("web:document_upload"), reverse("web:document_detail", args=[published.pk]),
        reverse("web:document_targets", args=[published.pk]), reverse("web:task_detail", args=[task1.pk]),
        reverse("web:workspace"), reverse("web:verify_queue"), reverse("web:public"),
        reverse("web:public_document", args=[published.pk]),
    ]
    for url in urls:
        resp = client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        assert "污染防治任务台账" in resp.content.decode()


def test_dashboard_shows_overdue_by_unit_and_the_red_light(client, people, published):
    from datetime import timedelta

    from taizhang.service.ledger.lights import today_local
    from taizhang.service.ledger.models import Task

    Task.objects.filter(document=published, key="T1").update(due_date=today_local() - timedelta(days=3))
    html = login(client, people["leader"]).get(reverse("web:dashboard")).content.decode()
    assert 'data-light="red">1</a>' in html
    table = html[html.index('id="overdue-by-unit"'):]
    assert "桐溪县生态环境局" in table[:table.index("</table>")]
    assert 'data-label="桐溪县生态环境局" data-value="1"' in html  # the bar of the chart
    ledger = client.get(reverse("web:ledger"), {"light": "red"}).content.decode()
    assert ledger.count('data-task="') == 1 and "红灯" in ledger


def test_dashboard_trend_counts_reports_and_closures_of_this_month(client, people, published, evidence):
    from taizhang.service.ledger import services
    from taizhang.service.ledger.lights import today_local
    from taizhang.service.web.dashboard_stats import dashboard_stats

    t1, t2 = published.tasks.get(key="T1"), published.tasks.get(key="T2")
    month = f"{today_local():%Y-%m}"
    services.submit_progress(t1, people["liaison_a"], period=month, text="推进中", percent=20)
    services.claim_completion(t2, people["admin"], text="完成", files=[evidence])
    services.close_task(t2, people["inspector"], note="属实")
    stats = dashboard_stats()
    assert stats.months[-1] == month and len(stats.months) == 12
    assert stats.reports_per_month[-1] == 2 and sum(stats.reports_per_month) == 2  # the report and the claim
    assert stats.closures_per_month[-1] == 1 and sum(stats.closures_per_month) == 1
    assert stats.states["closed"] == 1 and stats.completion_rate == pytest.approx(1 / 3)
    assert stats.lights["red"] + stats.lights["yellow"] + stats.lights["green"] == 2
    html = login(client, people["leader"]).get(reverse("web:dashboard")).content.decode()
    assert f"<title>{month} 销号：1</title>" in html and f"<title>{month} 进展报送：2</title>" in html


def test_dashboard_cache_follows_every_change(client, people, published, evidence, django_assert_max_num_queries):
    """The dashboard is cached under the audit chain's head: a change through the services shows at once."""
    from taizhang.service.ledger import services
    from taizhang.service.web.dashboard_stats import cached_dashboard_stats

    c = login(client, people["leader"])
    first = c.get(reverse("web:dashboard")).content.decode()
    assert 'data-state="claimed"><div class="num">0</div>' in first
    with django_assert_max_num_queries(2):  # the chain's head and the warning window only
        assert cached_dashboard_stats().states["claimed"] == 0
    services.claim_completion(published.tasks.get(key="T1"), people["liaison_a"], text="完成", files=[evidence])
    second = c.get(reverse("web:dashboard")).content.decode()
    assert 'data-state="claimed"><div class="num">1</div>' in second
