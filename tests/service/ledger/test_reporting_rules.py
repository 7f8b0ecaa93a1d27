"""Reporting rules: a report's period lies between the plan's publication month and this month; the task's
最近进度 is its latest period's report (not the last one submitted); only the lead unit applies for 销号 and
for a deadline change; every unit of a task — lead, supporting, implementing (落实) — reports on its own part,
each unit's progress kept apart and shown per unit on the task page."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from service_builders import month
from taizhang.service.ledger import services
from taizhang.service.ledger.errors import NotAllowed, ServiceError
from taizhang.service.ledger.models import Document, Organisation, Task, UserProfile

pytestmark = pytest.mark.django_db


def _liaison(org: Organisation, username: str):
    from django.contrib.auth.models import User

    user = User.objects.create_user(username, password="pw-" + username)
    UserProfile.objects.create(user=user, role="liaison", organisation=org)
    return user


def _published_months_ago(doc: Document, months: int) -> None:
    """The plan was published ``months`` months ago (its reports may go back to that month)."""
    Document.objects.filter(pk=doc.pk).update(published_at=timezone.now() - timedelta(days=31 * months))


@pytest.fixture
def town_plan(people, import_plan, make_ledger):
    """The test plan with a real town (东岭镇人民政府) implementing T3, published; its liaison."""
    led = copy.deepcopy(make_ledger())
    t3 = next(t for t in led["tasks"] if t["id"] == "T3")
    t3["implementing_units"] = [{"raw": "东岭镇", "name": "东岭镇人民政府"}]
    doc = import_plan(ledger=led)
    services.publish_document(doc, people["reviewer"])
    town = Organisation.objects.get(name="东岭镇人民政府")
    return doc, _liaison(town, "liaison_town")


def test_periods_from_the_publication_month_to_this_month(people, task1):
    la = people["liaison_a"]
    services.submit_progress(task1, la, period=month(), text="本月进展", percent=10)
    for period in (month(-1), month(1), "2018-03", "2030-01"):
        with pytest.raises(ServiceError, match=rf"报送期 {period} 不在可报送的月份.*{month()}"):
            services.submit_progress(task1, la, period=period, text="x", percent=20)
    _published_months_ago(task1.document, 3)
    services.submit_progress(task1, la, period=month(-3), text="补报", percent=5)
    assert services.report_periods(task1) == [month(), month(-1), month(-2), month(-3)]


def test_latest_progress_is_the_latest_periods_report(people, task1):
    _published_months_ago(task1.document, 2)
    la = people["liaison_a"]
    services.submit_progress(task1, la, period=month(), text="本月", percent=60)
    services.submit_progress(task1, la, period=month(-1), text="补报上月", percent=40)  # submitted later, older
    task1.refresh_from_db()
    assert (task1.last_period, task1.last_percent) == (month(), 60)
    services.submit_progress(task1, la, period=month(), text="本月更正", percent=65)  # same period: the later
    task1.refresh_from_db()
    assert (task1.last_period, task1.last_percent) == (month(), 65)


def test_only_the_lead_unit_claims_and_asks_for_a_deadline_change(people, published, evidence):
    t1 = published.tasks.get(key="T1")  # lead 桐溪县生态环境局 (liaison_a), support 桐溪县市场监督管理局
    support = _liaison(Organisation.objects.get(name="桐溪县市场监督管理局"), "liaison_support")
    services.submit_progress(t1, support, period=month(), text="配合单位完成检查", percent=50)  # it reports
    with pytest.raises(NotAllowed, match="仅牵头单位"):
        services.claim_completion(t1, support, text="已完成", files=[evidence])
    with pytest.raises(NotAllowed, match="仅牵头单位"):
        services.request_deadline_change(t1, support, new_date=t1.due_date + timedelta(days=30), reason="延后")
    services.request_deadline_change(t1, people["liaison_a"], new_date=t1.due_date + timedelta(days=30),
                                     reason="设备采购延迟")
    services.claim_completion(t1, people["liaison_a"], text="已全部淘汰", files=[evidence])
    assert Task.objects.get(pk=t1.pk).state == "claimed"


def test_an_implementing_unit_reports_its_own_part(people, town_plan, client):
    doc, town_liaison = town_plan
    t3 = doc.tasks.get(key="T3")
    lead = _liaison(Organisation.objects.get(name="桐溪县农业农村局"), "liaison_agri")
    services.submit_progress(t3, lead, period=month(), text="全县网格已划定", percent=50)
    services.submit_progress(t3, town_liaison, period=month(), text="东岭镇网格员已到岗", percent=80)
    t3.refresh_from_db()
    assert (t3.last_percent, t3.last_period) == (50, month())  # the task's progress is the lead unit's
    progress = services.unit_progress(t3)
    assert [(p.organisation.name, p.role, p.report.percent if p.report else None) for p in progress] == [
        ("桐溪县农业农村局", "lead", 50), ("东岭镇人民政府", "territorial", 80)]
    with pytest.raises(NotAllowed):
        services.claim_completion(t3, town_liaison, text="完成", files=[])
    client.force_login(town_liaison)
    html = client.get(reverse("web:task_detail", args=[t3.pk])).content.decode()
    section = html[html.index('id="unit-progress"'):]
    section = section[:section.index("</table>")]
    assert "东岭镇人民政府" in section and "80%" in section and "东岭镇网格员已到岗" in section
    assert "桐溪县农业农村局" in section and "50%" in section
    assert 'id="form-report"' in html and 'id="form-claim"' not in html


def test_the_report_form_offers_the_allowed_months(people, task1, client):
    _published_months_ago(task1.document, 2)
    client.force_login(people["liaison_a"])
    html = client.get(reverse("web:task_detail", args=[task1.pk])).content.decode()
    form = html[html.index('id="form-report"'):]
    options = [o for o in (month(), month(-1), month(-2)) if f'<option value="{o}"' in form]
    assert options == [month(), month(-1), month(-2)] and f'<option value="{month(-3)}"' not in form
