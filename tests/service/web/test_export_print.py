"""The service's export of the filtered ledger, as a leader receives it: supervision columns, title rows with
the plan, the filters and the time, A4 landscape — read with openpyxl, and printed by LibreOffice."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from service_builders import month
from taizhang.service.ledger import services
from taizhang.service.ledger.models import Document, Task

pytestmark = pytest.mark.django_db


def _export(client, user, **params):
    client.force_login(user)
    resp = client.get(reverse("web:ledger_export"), params)
    assert resp.status_code == 200
    return resp.content


def _table(ws) -> list[dict]:
    header = [c.value for c in ws[3]]
    return [dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=4, values_only=True)]


@pytest.fixture
def supervised(published, people, evidence):
    """T1 reported twice (the later period submitted first), T3 overdue by 12 days, T2 claimed and rejected."""
    t1, t2, t3 = (published.tasks.get(key=k) for k in ("T1", "T2", "T3"))
    Document.objects.filter(pk=published.pk).update(published_at=timezone.now() - timedelta(days=40))
    services.submit_progress(t1, people["liaison_a"], period=month(), text="已淘汰锅炉8台", percent=60)
    services.submit_progress(t1, people["liaison_a"], period=month(-1), text="补报上月：已淘汰锅炉5台", percent=40)
    Task.objects.filter(pk=t3.pk).update(due_date=timezone.localdate() - timedelta(days=12))
    services.claim_completion(t2, people["admin"], text="扬尘管控已落实", files=[evidence])
    services.reject_claim(t2, people["inspector"], note="佐证材料不足，请补充工地照片")
    return t1, t2, t3


def test_export_has_the_supervision_columns_and_title_rows(client, people, supervised):
    t1, t2, t3 = supervised
    wb = load_workbook(io.BytesIO(_export(client, people["leader"], role="lead", sort="number")))
    ws = wb["台账"]
    assert ws["A1"].value.startswith("《桐溪县") and ws["A1"].value.endswith("任务台账")
    assert "筛选条件：角色：牵头" in ws["A2"].value and "共 3 项" in ws["A2"].value
    assert "导出时间：" in ws["A2"].value and "导出人：leader" in ws["A2"].value
    rows = {r["任务编号"]: r for r in _table(ws)}
    assert list(_table(ws)[0]) == ["序号", "任务/问题", "牵头单位", "配合单位", "落实单位", "完成时限", "整改目标", "状态",
                                   "灯色", "最近进度", "最近报送", "逾期天数", "核查意见", "任务编号"]
    one = rows[t1.number]
    # 最近进度 is the latest period's report, not the last one submitted
    assert one["最近进度"].startswith(month()) and "60%" in one["最近进度"] and "已淘汰锅炉8台" in one["最近进度"]
    assert one["最近报送"] == f"{timezone.localdate():%Y-%m-%d}"
    assert one["状态"] == "推进中" and one["灯色"] in ("绿灯", "黄灯") and one["逾期天数"] is None
    assert rows[t3.number]["灯色"] == "红灯" and rows[t3.number]["逾期天数"] == 12
    assert rows[t2.number]["核查意见"].startswith("核查不通过，退回：佐证材料不足")
    # the status on one line, the task number wide enough not to be cut
    status_col = list(_table(ws)[0]).index("状态") + 1
    assert not ws.cell(4, status_col).alignment.wrap_text
    assert wb.sheetnames == ["台账", "目标指标", "文件信息"]  # no empty sheet of extraction warnings
    info = {r[0]: r[1] for r in wb["文件信息"].iter_rows(min_row=4, values_only=True)}
    assert info["标题"].startswith("桐溪县") and info["状态"] == "已发布" and info["任务数"] == "3（本次导出）"
    setup = ws.page_setup
    assert int(setup.paperSize) == 9 and setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.oddFooter.left.text.startswith("审计链：")
    for footer in (ws.oddFooter, ws.evenFooter, ws.firstFooter):  # printed text: 宋体/仿宋, at least 9 pt
        for part in (footer.left, footer.center, footer.right):
            if part.text:
                assert part.font.split(",")[0] in ("宋体", "仿宋") and part.size >= 9, part.text


def test_export_of_several_plans_names_them_and_their_files(client, people, supervised, import_plan, plan_text):
    second = import_plan(text=plan_text + "（第二批）\n", name="plan2.txt")
    services.publish_document(second, people["reviewer"])
    ws = load_workbook(io.BytesIO(_export(client, people["leader"])))["台账"]
    assert ws["A1"].value == "2 份文件的任务台账" and "筛选条件：全部任务" in ws["A2"].value
    assert ws["A3"].value == "来源文件"


@pytest.mark.slow
def test_export_printed_by_libreoffice(client, people, supervised, tmp_path):
    from printing import render

    path = tmp_path / "export.xlsx"
    path.write_bytes(_export(client, people["leader"]))
    printed = render(path)
    assert (round(printed.width_pt), round(printed.height_pt)) == (842, 595)
    first = printed.pages[0]
    for header in ("序号", "牵头单位", "状态", "灯色", "最近进度", "最近报送", "逾期天", "核查意见", "任务编号"):
        assert header in first, header  # (a header may wrap inside its cell: 逾期天 / 数)
    assert re.search(rf"第\s*1\s*页\s*共\s*{len(printed.pages)}\s*页", first)
    for t in supervised:  # every task number printed whole
        assert t.number in first
    assert printed.median_word_height() >= 9
