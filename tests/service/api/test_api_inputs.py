"""The API's input serializers: a bad value gets 400 with the parsers' message (never a 500), and a user the
service would refuse gets 403 whatever was sent."""

from __future__ import annotations

import pytest

from service_builders import api_client
from taizhang.service.ledger.models import AuditEvent, Task


@pytest.mark.parametrize(("body", "message"), [
    ({"role": "lead", "units": "[{"}, "version 应为整数"),
    ({"version": "v1", "role": "lead", "units": []}, "version 应为整数，收到：'v1'"),
    ({"version": 1, "role": "lead", "units": "[{"}, "units 应为 JSON"),
])
def test_bad_units_input_is_a_400_with_the_parsers_message(draft, people, body, message):
    task = draft.tasks.get(key="T1")
    resp = api_client(people["reviewer"]).post(f"/api/tasks/{task.pk}/units/", body, content_type="application/json")
    assert resp.status_code == 400 and message in resp.json()["detail"]
    assert not AuditEvent.objects.filter(action="task.units").exists()


def test_a_refused_user_is_refused_whatever_the_input(draft, people):
    task = draft.tasks.get(key="T1")
    leader = api_client(people["leader"])
    for action, body in (("split", {"at": "x"}), ("merge", {"versions": "{"}), ("delete", {}),
                         ("units", {"units": "[{"})):
        resp = leader.post(f"/api/tasks/{task.pk}/{action}/", body, content_type="application/json")
        assert resp.status_code == 403 and resp.json()["detail"].startswith("无权"), action


def test_dates_are_parsed_by_the_one_parser(task1, people):
    la = api_client(people["liaison_a"])
    resp = la.post(f"/api/tasks/{task1.pk}/deadline-change/", {"new_date": "2099-02-30", "reason": "延期"})
    assert resp.status_code == 400 and resp.json()["detail"] == "new_date“2099-02-30”格式不对，应为 YYYY-MM-DD"
    bad_filter = la.get("/api/tasks/?due_from=明年")
    assert bad_filter.status_code == 400 and "due_from“明年”格式不对" in bad_filter.json()["detail"]
    assert la.get("/api/tasks/?due_from=&document=").status_code == 200  # empty parameters: not given
    ok = la.post(f"/api/tasks/{task1.pk}/deadline-change/", {"new_date": "2099-12-31", "reason": "延期"})
    assert ok.status_code == 201 and ok.json()["new_date"] == "2099-12-31"


def test_merge_versions_as_a_json_text(draft, people):
    t1, t2 = draft.tasks.get(key="T1"), draft.tasks.get(key="T2")
    resp = api_client(people["reviewer"]).post(
        f"/api/tasks/{t1.pk}/merge/", {"versions": f'{{"{t1.pk}": {t1.version}, "{t2.pk}": {t2.version}}}'})
    assert resp.status_code == 200, resp.content
    assert Task.objects.get(pk=t2.pk).state == "deleted"
