"""Who reads what a unit reported (docs/使用说明.md, 进展报送的查看范围): every liaison sees every task's row and
its summary (最近进度); the texts of its reports, its returned completion claims and its evidence files only the
office, leaders and the liaisons of the task's own units (lead, supporting, implementing) — through the API."""

from __future__ import annotations

import pytest

from service_builders import api_client, make_user, month
from taizhang.service.ledger import services
from taizhang.service.ledger.models import Organisation


@pytest.fixture
def reported(published, people, evidence):
    """T1 (unit A leads, 市场监督管理局 supports): a report with evidence, and a completion claim returned by
    the inspector; T2 (unit B leads): a report of unit B."""
    t1, t2 = published.tasks.get(key="T1"), published.tasks.get(key="T2")
    report = services.submit_progress(t1, people["liaison_a"], period=month(), text="甲单位的进展原文", percent=30,
                                      files=[evidence])
    services.claim_completion(t1, people["liaison_a"], text="甲单位的销号说明", files=[evidence])
    services.reject_claim(t1, people["inspector"], note="退回的理由原文")
    own = services.submit_progress(t2, people["liaison_b"], period=month(), text="乙单位的进展原文", percent=50)
    support = make_user("liaison_s", "liaison", Organisation.objects.get(name="桐溪县市场监督管理局"))
    return {"t1": t1, "t2": t2, "report": report, "evidence": report.files.get(), "own": own, "support": support}


SECRETS = ("甲单位的进展原文", "甲单位的销号说明", "退回的理由原文")


def test_a_unit_without_part_sees_the_row_and_summary_not_the_reports(reported, people):
    t1 = reported["t1"]
    b = api_client(people["liaison_b"])
    row = next(t for t in b.get("/api/tasks/").json()["results"] if t["id"] == t1.pk)
    detail = b.get(f"/api/tasks/{t1.pk}/").json()
    assert row["last_percent"] == detail["last_percent"] == 30 and detail["last_period"] == month()
    refused = [b.get(f"/api/reports/{reported['report'].pk}/"), b.get(f"/api/evidence/{reported['evidence'].pk}/"),
               b.get(f"/api/reports/?task={t1.pk}")]
    for resp in refused:
        assert resp.status_code == 403 and "仅该任务的牵头、配合、落实单位可查看" in resp.json()["detail"]
    listed = b.get("/api/reports/").json()["results"]
    assert [r["text"] for r in listed] == ["乙单位的进展原文"]  # its own task's report only
    history = b.get(f"/api/tasks/{t1.pk}/timeline/")
    assert history.status_code == 200
    actions = [e["action"] for e in history.json()]
    assert {"report.submit", "report.claim", "task.claim", "task.reject"} <= set(actions)  # what happened, and when
    text = history.content.decode()
    assert not [s for s in SECRETS if s in text]
    assert "验收报告.pdf" not in text


@pytest.mark.parametrize("who", ["liaison_a", "liaison_s", "admin", "reviewer", "leader", "inspector"])
def test_the_task_units_and_the_office_read_reports_returned_claims_and_evidence(reported, people, who):
    user = reported["support"] if who == "liaison_s" else people[who]
    c, t1 = api_client(user), reported["t1"]
    assert c.get(f"/api/reports/{reported['report'].pk}/").json()["text"] == "甲单位的进展原文"
    download = c.get(f"/api/evidence/{reported['evidence'].pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    texts = {r["text"] for r in c.get(f"/api/reports/?task={t1.pk}").json()["results"]}
    assert texts == {"甲单位的进展原文", "甲单位的销号说明"}
    history = c.get(f"/api/tasks/{t1.pk}/timeline/").content.decode()
    assert all(s in history for s in SECRETS)
    every = {r["text"] for r in c.get("/api/reports/").json()["results"]}
    assert ("乙单位的进展原文" in every) == (who not in ("liaison_a", "liaison_s"))
