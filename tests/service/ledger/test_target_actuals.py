"""Targets monitoring cannot compute (排放总量, 收集率): actual values entered by hand — value, date, source, who —
in the audit trail, judged against the target, and shown on the target view beside the computed ones."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from taizhang.service.ledger import services
from taizhang.service.ledger.errors import NotAllowed, ServiceError
from taizhang.service.ledger.models import AuditEvent, Target, TargetActual
from taizhang.service.ledger.services.targets import judge

pytestmark = pytest.mark.django_db


@pytest.fixture
def emissions(published):
    """A 比基准年下降 target and a 不低于 one no monitoring data gives."""
    cod = Target.objects.create(document=published, key="G3", indicator="化学需氧量排放总量", comparator="reduce_by",
                                value=3, unit="%", year=date.today().year, baseline_year=date.today().year - 1,
                                text="化学需氧量排放总量比上年下降3%")
    sewage = Target.objects.create(document=published, key="G4", indicator="城镇生活污水集中收集率",
                                   comparator=">=", value=75, unit="%", year=date.today().year,
                                   text="城镇生活污水集中收集率达到75%以上")
    return cod, sewage


def test_a_value_entered_by_hand_with_its_date_source_and_author_in_the_audit_trail(people, emissions):
    cod, _ = emissions
    day = date.today() - timedelta(days=10)
    a = services.record_target_actual(cod, people["reviewer"], value="3.4", as_of=day, source="县统计局统计公报",
                                      note="年度快报数")
    assert (a.value, a.as_of, a.source, a.entered_by) == (3.4, day, "县统计局统计公报", people["reviewer"])
    event = AuditEvent.objects.get(action="target.actual")
    assert event.actor == people["reviewer"]
    assert event.data == {"target": cod.pk, "document": cod.document_id, "indicator": "化学需氧量排放总量",
                          "value": 3.4, "unit": "%", "as_of": day.isoformat(), "source": "县统计局统计公报",
                          "note": "年度快报数", "judgement": "met"}


@pytest.mark.parametrize("kwargs, message", [
    ({"value": "三点四"}, "应为数字"),
    ({"value": "nan"}, "应为数字"),
    ({"as_of": None}, "截至日期"),
    ({"as_of": date.today() + timedelta(days=1)}, "晚于今天"),
    ({"source": " "}, "数据来源"),
])
def test_bad_entries_are_refused(people, emissions, kwargs, message):
    args = {"value": "80", "as_of": date.today(), "source": "县住建局报表", **kwargs}
    with pytest.raises(ServiceError, match=message):
        services.record_target_actual(emissions[1], people["admin"], **args)
    assert not TargetActual.objects.exists()


def test_only_the_office_enters_values(people, emissions):
    for who in ("liaison_a", "leader", "inspector"):
        with pytest.raises(NotAllowed, match="填报目标实际值"):
            services.record_target_actual(emissions[1], people[who], value=80, as_of=date.today(), source="x")


def test_judged_in_the_targets_own_terms(emissions):
    cod, sewage = emissions
    assert (judge(cod, 3.4), judge(cod, 2.5)) == ("met", "missed")  # 下降 at least 3 %
    assert (judge(sewage, 75), judge(sewage, 70)) == ("met", "missed")
    at_most = Target(comparator="<=", value=32)
    assert (judge(at_most, 30), judge(at_most, 33)) == ("met", "missed")


def test_the_target_view_shows_them_beside_the_computed_ones(client, people, emissions):
    cod, sewage = emissions
    services.record_target_actual(sewage, people["admin"], value=72, as_of=date.today() - timedelta(days=40),
                                  source="第一季度报表")
    client.force_login(people["reviewer"])
    url = reverse("web:target_actual", args=[sewage.document_id, sewage.pk])
    resp = client.post(url, {"value": "78.5", "as_of": date.today().isoformat(), "source": "县住建局报表"})
    assert resp.status_code == 302 and resp["Location"].endswith(f"#target-{sewage.pk}")
    html = client.get(reverse("web:document_targets", args=[sewage.document_id])).content.decode()
    row = html[html.index(f'id="target-{sewage.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "78.5%" in row and "达标" in row and "县住建局报表" in row and "reviewer 填报于" in row
    assert "以前填报 1 次" in row and "第一季度报表" in row
    assert "不可由监测数据计算" in row  # the computed column says so, the hand-entered one stands beside it
    cod_row = html[html.index(f'id="target-{cod.pk}"'):]
    assert "未填报" in cod_row[:cod_row.index("</tr>")] and "实际比" in cod_row[:cod_row.index("</tr>")]
    # a bad entry comes back as a message, nothing saved
    resp = client.post(url, {"value": "很高", "as_of": date.today().isoformat(), "source": "x"})
    assert "应为数字" in client.get(resp["Location"]).content.decode()
    assert TargetActual.objects.filter(target=sewage).count() == 2
    client.force_login(people["leader"])
    assert "actual-form" not in client.get(reverse("web:document_targets", args=[sewage.document_id])).content.decode()
    assert client.post(url, {"value": "90", "as_of": date.today().isoformat(), "source": "x"}).status_code == 403
