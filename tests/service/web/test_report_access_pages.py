"""Who reads what a unit reported, on the screens (docs/使用说明.md, 进展报送的查看范围): the task page shows every
liaison the task's fields and 最近进度; the reports' texts, the returned claim's reasons and the evidence links only
to the task's own units and the office; another unit's evidence download is refused (403)."""

from __future__ import annotations

from service_builders import api_client, make_user, month
from taizhang.service.ledger import services
from taizhang.service.ledger.models import Organisation

SECRETS = ("甲单位的进展原文", "甲单位的销号说明", "退回的理由原文")


def _reported(published, people, evidence):
    t1 = published.tasks.get(key="T1")
    report = services.submit_progress(t1, people["liaison_a"], period=month(), text="甲单位的进展原文", percent=30,
                                      files=[evidence])
    services.claim_completion(t1, people["liaison_a"], text="甲单位的销号说明", files=[evidence])
    services.reject_claim(t1, people["inspector"], note="退回的理由原文")
    return t1, report.files.get()


def test_task_page_of_another_units_task_shows_the_summary_only(published, people, evidence):
    t1, ev = _reported(published, people, evidence)
    b = api_client(people["liaison_b"])
    page = b.get(f"/tasks/{t1.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "推进燃煤锅炉淘汰" in html and f"30%（{month()}）" in html  # the row and its 最近进度
    assert not [s for s in SECRETS if s in html]
    assert f"/evidence/{ev.pk}/" not in html and "仅本任务的牵头、配合、落实单位和指挥部办公室可查看" in html
    download = b.get(f"/evidence/{ev.pk}/")
    assert download.status_code == 403 and "仅该任务的牵头、配合、落实单位可查看" in download.content.decode()


def test_task_page_of_its_own_task_shows_reports_returned_claims_and_evidence(published, people, evidence):
    t1, ev = _reported(published, people, evidence)
    support = make_user("liaison_s", "liaison", Organisation.objects.get(name="桐溪县市场监督管理局"))
    for user in (people["liaison_a"], support, people["leader"], people["inspector"]):
        c = api_client(user)
        html = c.get(f"/tasks/{t1.pk}/").content.decode()
        assert all(s in html for s in SECRETS), user.username
        assert f"/evidence/{ev.pk}/" in html
        download = c.get(f"/evidence/{ev.pk}/")
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_ledger_export_gives_other_units_the_summary_without_the_words(published, people, evidence):
    """The exported ledger is the shared ledger: another unit's task keeps its period, percent and verdict, but
    neither the report's words nor the verifier's reason for returning the claim."""
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    _reported(published, people, evidence)

    def cells(user) -> str:
        c = api_client(user)
        resp = c.get(reverse("web:ledger_export"))
        assert resp.status_code == 200
        ws = load_workbook(io.BytesIO(resp.content)).worksheets[0]
        return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)

    other = cells(people["liaison_b"])
    assert f"{month()}　100%" in other and "退回（" in other  # the latest report (the returned claim), its verdict
    assert not [s for s in SECRETS if s in other]
    own = cells(people["liaison_a"])
    assert "甲单位的进展原文" in own or "退回的理由原文" in own
    assert "退回的理由原文" in cells(people["leader"])
