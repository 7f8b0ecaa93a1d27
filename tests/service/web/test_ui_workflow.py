"""Action forms through the screens: progress with files, claim, close/reject, reopen, deadline changes,
with each role's refusals, and the ledger's filters, sorting and .xlsx export."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from service_builders import as_user, month
from taizhang.service.ledger.models import (
    AuditEvent,
    DeadlineChangeRequest,
    EvidenceFile,
    ProgressReport,
    Task,
)
from taizhang.service.web.export import EXPORT_KEYS

HEADERS = ["序号", "任务/问题", "牵头单位", "配合单位", "落实单位", "完成时限", "整改目标", "状态", "灯色", "最近进度", "最近报送",
           "逾期天数", "核查意见", "任务编号"]
assert len(HEADERS) == len(EXPORT_KEYS)

pytestmark = pytest.mark.django_db


def upload(name="进展照片.jpg", data=b"\xff\xd8\xff invented photo bytes"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def report(client, task, **extra):
    data = {"period": month(), "percent": "40", "text": "已完成12台锅炉淘汰", "files": [upload()], **extra}
    return client.post(reverse("web:task_report", args=[task.pk]), data)


def test_liaison_of_lead_unit_reports_progress_with_a_file(client, people, task1):
    resp = report(as_user(client, people["liaison_a"]), task1)
    assert resp.status_code == 302 and resp["Location"] == reverse("web:task_detail", args=[task1.pk])
    rep = ProgressReport.objects.get(task=task1)
    assert rep.percent == 40 and rep.organisation == people["org_a"]
    ev = EvidenceFile.objects.get(report=rep)
    assert ev.original_name == "进展照片.jpg"
    html = client.get(reverse("web:task_detail", args=[task1.pk])).content.decode()
    assert "已完成12台锅炉淘汰" in html and "进展照片.jpg" in html and "报送进展" in html
    dl = client.get(reverse("web:evidence_download", args=[ev.pk]))
    assert dl.status_code == 200 and b"".join(dl.streaming_content) == b"\xff\xd8\xff invented photo bytes"


def test_liaison_of_another_unit_and_leader_are_refused(client, people, task1):
    assert report(as_user(client, people["liaison_b"]), task1).status_code == 403
    html = client.get(reverse("web:task_detail", args=[task1.pk])).content.decode()
    assert 'id="form-report"' not in html  # no form offered either
    assert report(as_user(client, people["leader"]), task1).status_code == 403
    assert not ProgressReport.objects.filter(task=task1).exists()


def test_bad_percent_is_a_chinese_message_not_a_crash(client, people, task1):
    resp = report(as_user(client, people["liaison_a"]), task1, percent="140")
    assert resp.status_code == 302
    html = client.get(resp["Location"]).content.decode()
    assert "0–100" in html
    assert not ProgressReport.objects.filter(task=task1).exists()


def test_claim_needs_evidence_then_inspector_closes_and_reopens(client, people, task1):
    c = as_user(client, people["liaison_a"])
    url = reverse("web:task_claim", args=[task1.pk])
    c.post(url, {"text": "全部淘汰完毕"})
    task1.refresh_from_db()
    assert task1.state == "active"
    assert "申请销号必须上传佐证材料" in c.get(reverse("web:task_detail", args=[task1.pk])).content.decode()
    c.post(url, {"text": "全部淘汰完毕", "files": [upload("验收报告.pdf", b"%PDF invented")]})
    task1.refresh_from_db()
    assert task1.state == "claimed"
    # the queue shows the claim to inspectors only
    assert c.get(reverse("web:verify_queue")).status_code == 403
    c = as_user(client, people["inspector"])
    queue = c.get(reverse("web:verify_queue")).content.decode()
    assert "全部淘汰完毕" in queue and "验收报告.pdf" in queue
    resp = c.post(reverse("web:task_verify", args=[task1.pk]),
                  {"decision": "close", "note": "现场核查属实", "next": reverse("web:verify_queue")})
    assert resp["Location"] == reverse("web:verify_queue")
    task1.refresh_from_db()
    assert task1.state == "closed"
    c.post(reverse("web:task_reopen", args=[task1.pk]), {"reason": "反弹回潮：发现新增燃煤锅炉"})
    task1.refresh_from_db()
    assert task1.state == "active"
    actions = list(AuditEvent.objects.filter(task=task1).values_list("action", flat=True))
    assert {"task.claim", "task.close", "task.reopen"} <= set(actions)
    html = c.get(reverse("web:task_detail", args=[task1.pk])).content.decode()
    assert "重新打开（反弹回潮）：反弹回潮：发现新增燃煤锅炉" in html


def test_inspector_rejects_a_claim_and_liaison_cannot_close(client, people, task1, evidence):
    from taizhang.service.ledger import services

    services.claim_completion(task1, people["liaison_a"], text="完成", files=[evidence])
    assert as_user(client, people["liaison_a"]).post(
        reverse("web:task_verify", args=[task1.pk]), {"decision": "close", "note": "x"}).status_code == 403
    as_user(client, people["inspector"]).post(reverse("web:task_verify", args=[task1.pk]),
                                              {"decision": "reject", "note": "佐证材料不足"})
    task1.refresh_from_db()
    assert task1.state == "active"


def test_deadline_change_request_and_admin_decision(client, people, task1):
    c = as_user(client, people["liaison_a"])
    c.post(reverse("web:deadline_request", args=[task1.pk]), {"new_date": "2099-12-31", "reason": "设备采购延迟"})
    req = DeadlineChangeRequest.objects.get(task=task1)
    assert req.state == "pending"
    # only the admin decides
    assert c.post(reverse("web:deadline_decide", args=[req.pk]), {"decision": "approve"}).status_code == 403
    assert as_user(client, people["inspector"]).post(
        reverse("web:deadline_decide", args=[req.pk]), {"decision": "approve"}).status_code == 403
    as_user(client, people["admin"]).post(reverse("web:deadline_decide", args=[req.pk]),
                                          {"decision": "approve", "note": "同意"})
    req.refresh_from_db()
    task1.refresh_from_db()
    assert req.state == "approved" and str(task1.due_date) == "2099-12-31"
    html = client.get(reverse("web:task_detail", args=[task1.pk])).content.decode()
    assert "设备采购延迟" in html and "已批准" in html


def test_task_detail_highlights_the_source_sentence(client, people, task1):
    html = as_user(client, people["leader"]).get(reverse("web:task_detail", args=[task1.pk])).content.decode()
    assert f'<mark class="task" data-task="{task1.pk}">' in html
    assert '<mark class="unit">县环保局</mark>' in html
    assert 'class="deadline">' in html


# ---------------------------------------------------------------- ledger table and export


def test_ledger_filters_by_unit_role_light_state_and_text(client, people, published):
    c = as_user(client, people["leader"])
    url = reverse("web:ledger")

    def numbers(params):
        html = c.get(url, params).content.decode()
        return sorted(t.number for t in Task.objects.filter(document=published) if f'data-task="{t.pk}"' in html)

    assert numbers({}) == ["二.（一）", "二.（三）", "二.（二）"]
    assert numbers({"unit": people["org_a"].pk, "role": "lead"}) == ["二.（一）"]
    assert numbers({"unit": people["org_a"].pk, "role": "support"}) == []
    assert numbers({"q": "扬尘"}) == ["二.（二）"]
    assert numbers({"state": "closed"}) == []
    assert numbers({"role": "territorial"}) == ["二.（一）", "二.（三）"]
    assert numbers({"due_to": f"{published.tasks.get(key='T3').due_date}"}) == ["二.（三）"]
    green = numbers({"light": "green"})
    yellow = numbers({"light": "yellow"})
    assert sorted(green + yellow + numbers({"light": "red"})) == ["二.（一）", "二.（三）", "二.（二）"]


def test_ledger_sorting_by_deadline(client, people, published):
    html = as_user(client, people["leader"]).get(reverse("web:ledger"), {"sort": "due"}).content.decode()
    t1, t3 = published.tasks.get(key="T1"), published.tasks.get(key="T3")
    assert html.index(f'data-task="{t3.pk}"') < html.index(f'data-task="{t1.pk}"')  # June before September
    html = client.get(reverse("web:ledger"), {"sort": "-due"}).content.decode()
    assert html.index(f'data-task="{t1.pk}"') < html.index(f'data-task="{t3.pk}"')


def test_drafts_are_hidden_from_liaisons_but_shown_to_reviewers(client, people, draft):
    html = as_user(client, people["liaison_a"]).get(reverse("web:ledger")).content.decode()
    assert "没有符合条件的任务" in html
    html = as_user(client, people["reviewer"]).get(reverse("web:ledger")).content.decode()
    assert html.count("data-task=") == 3


def test_export_is_the_filtered_view_in_the_clerks_layout(client, people, published):
    c = as_user(client, people["leader"])
    resp = c.get(reverse("web:ledger_export"), {"role": "territorial", "sort": "due"})
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(resp.content))
    ws = wb.active
    rows = list(ws.iter_rows(min_row=3, values_only=True))  # below the title and the particulars
    assert list(rows[0]) == HEADERS
    body = rows[1:]
    assert len(body) == 2
    assert body[0][1].startswith("整治露天焚烧秸秆") and body[1][1].startswith("推进燃煤锅炉淘汰")
    assert body[1][2] == "桐溪县生态环境局" and body[1][3] == "桐溪县市场监督管理局"
    assert body[1][4] == "各乡镇人民政府"
    assert body[1][5].endswith("-09-30")
    assert body[1][7] == "推进中" and body[1][8] in ("绿灯", "黄灯")
    assert body[1][13] == "二.（一）"  # 任务编号: the number in the plan
    assert "角色：落实" in ws["A2"].value
    assert wb.sheetnames[:2] == ["台账", "目标指标"]
    assert [r[0] for r in wb["目标指标"].iter_rows(min_row=4, values_only=True)] == ["PM2.5浓度", "优良天数比率"]


def test_export_refused_to_anonymous(client, published):
    resp = client.get(reverse("web:ledger_export"))
    assert resp.status_code == 302


# ---------------------------------------------------------------- workspace and public


def test_workspace_shows_my_units_tasks_and_reports_from_there(client, people, task1):
    from taizhang.service.web.views.tasks import current_period

    c = as_user(client, people["liaison_a"])
    html = c.get(reverse("web:workspace")).content.decode()
    assert "桐溪县生态环境局" in html and f'data-task="{task1.pk}"' in html
    assert "推进燃煤锅炉淘汰" in html
    assert '<div class="num" id="to-report-count">1</div>' in html
    resp = report(c, task1, next=reverse("web:workspace"), period=current_period())
    assert resp["Location"] == reverse("web:workspace")
    assert ProgressReport.objects.filter(task=task1).count() == 1
    html = c.get(reverse("web:workspace")).content.decode()
    assert '<div class="num" id="to-report-count">0</div>' in html and "（本月已报）" in html
    other = as_user(client, people["liaison_b"]).get(reverse("web:workspace")).content.decode()
    assert f'data-task="{task1.pk}"' not in other
    assert as_user(client, people["leader"]).get(reverse("web:workspace")).status_code == 403


def test_public_pages_need_no_login_and_hide_internal_notes(client, people, task1, published):
    from taizhang.service.ledger import services

    services.submit_progress(task1, people["liaison_a"], period=month(), text="内部说明：联系人张三 13900000000",
                             percent=30)
    resp = client.get(reverse("web:public"))
    assert resp.status_code == 200 and "大气污染防治攻坚行动方案" in resp.content.decode()
    html = client.get(reverse("web:public_document", args=[published.pk])).content.decode()
    assert "推进燃煤锅炉淘汰" in html and "整改中（30%）" in html
    assert "内部说明" not in html and "liaison_a" not in html


def test_public_page_does_not_show_drafts(client, draft):
    assert client.get(reverse("web:public_document", args=[draft.pk])).status_code == 404
    assert "大气污染防治" not in client.get(reverse("web:public")).content.decode()


def test_targets_page_lists_targets_with_their_computation(client, people, published):
    html = as_user(client, people["leader"]).get(reverse("web:document_targets", args=[published.pk])).content.decode()
    assert "PM2.5浓度" in html and "优良天数比率达到85%以上" in html
    assert "无法计算" in html or "不可由监测数据计算" in html


def test_workspace_lists_what_is_due_this_month(client, people, task1):
    from taizhang.service.ledger.lights import today_local
    from taizhang.service.web.views.work import month_bounds

    c = as_user(client, people["liaison_a"])
    html = c.get(reverse("web:workspace")).content.decode()
    due = html[html.index('id="due-this-month"'):]
    assert "本月没有到期的任务" in due[:due.index("</table>")]
    Task.objects.filter(pk=task1.pk).update(due_date=month_bounds(today_local())[1])
    html = c.get(reverse("web:workspace")).content.decode()
    due = html[html.index('id="due-this-month"'):]
    assert "推进燃煤锅炉淘汰" in due[:due.index("</table>")]
    assert '<div class="num" id="due-count">1</div>' in html


def test_ledger_and_export_queries_do_not_grow_with_the_rows(client, people, published, import_plan, plan_text):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from taizhang.service.ledger import services

    c = as_user(client, people["leader"])

    def queries(url):
        with CaptureQueriesContext(connection) as q:
            assert c.get(url).status_code == 200
        return len(q.captured_queries)

    before = (queries(reverse("web:ledger")), queries(reverse("web:ledger_export")))
    second = import_plan(text=plan_text + "（第二批）\n", name="plan2.txt")
    services.publish_document(second, people["reviewer"])
    html = c.get(reverse("web:ledger")).content.decode()
    assert html.count('<tr data-task="') == 6
    assert (queries(reverse("web:ledger")), queries(reverse("web:ledger_export"))) == before


def test_ledger_count_is_capped_for_broad_filters(client, people, published, monkeypatch):
    from taizhang.service.web import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    c = as_user(client, people["leader"])
    html = c.get(reverse("web:ledger")).content.decode()
    assert '<strong id="ledger-total">2+</strong>' in html and "请增加筛选条件" in html
    html = c.get(reverse("web:ledger"), {"q": "扬尘"}).content.decode()
    assert '<strong id="ledger-total">1</strong>' in html
