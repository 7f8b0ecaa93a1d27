"""Ledger exports: the Excel workbook in the clerks' layout and the Markdown review view."""

from __future__ import annotations

import openpyxl
import pytest

from taizhang.ledger import Deadline, DocumentMeta, ExtractionWarning, Ledger, Target, Task, Unit
from taizhang.report import ledger_rows, render_markdown, write_ledger_rows, write_ledger_xlsx

HEADERS = ["序号", "任务/问题", "牵头单位", "配合单位", "落实单位", "完成时限", "整改目标", "状态", "出处"]


def sample_ledger() -> dict:
    u = Unit
    tasks = [
        Task(id="T1", parent_id=None, number="一", kind="problem", title="县城污水直排问题突出",
             text="县城污水直排问题突出。部分老旧小区雨污混接。", span=[100, 125],
             lead_units=[u("县住建局", "青禾县住房和城乡建设局")],
             support_units=[u("环保局", "青禾县生态环境局", renamed_from="环保局")],
             deadlines=[Deadline("2026年底前", "2026-12-31")], goal="消除生活污水直排",
             measures=["1．开展雨污混接排查。", "2．实施管网改造。"], measures_count=2,
             status="in_progress", section="二、整改任务"),
        Task(id="T2", parent_id="T1", number="1", kind="subtask", title="=SUM(A1)\x07危险内容", text="=SUM(A1)危险内容",
             span=[130, 140], implementing_units=[u("各乡镇人民政府", "各乡镇人民政府", generic=True)],
             immediate=True, section="二、整改任务"),
        Task(id="T3", parent_id=None, number="2", kind="measure", title="加强扬尘管控", text="加强扬尘管控，长期坚持。",
             span=[150, 162], ongoing=True, status="completed", section="三、重点措施",
             deadlines=[Deadline("2026年1月1日起", "2026-01-01", type="from")]),
        Task(id="T4", parent_id="T3", number=None, kind="subtask", title="", text="x" * 40000, span=[170, 40170]),
    ]
    targets = [Target(id="G1", indicator="PM2.5浓度", comparator="<=", value=32, unit="微克/立方米", year=2026,
                      baseline_year=None, stretch_value=30.0, text="PM2.5浓度控制在32微克/立方米以下，力争30",
                      span=[10, 30]),
               Target(id="G2", indicator="化学需氧量排放量", comparator="reduce_by", value=5.5, unit="%", year=2026,
                      baseline_year=2025, stretch_value=None, text="比2025年下降5.5%", span=[40, 50])]
    meta = DocumentMeta(title="青禾县水污染问题整改方案", doc_number="青政办发〔2026〕12号", issuer="青禾县人民政府办公室",
                        issue_date="2026-03-05", region="青禾县", source={"name": "plan.docx", "sha256": "ab" * 32,
                                                                          "chars": 40200})
    return Ledger(meta, targets, tasks, [ExtractionWarning("责任说明没有对应的任务", [900, 920])]).to_dict()


def test_rows_hierarchy_and_labels():
    rows = ledger_rows(sample_ledger())
    assert [r["number"] for r in rows] == ["1", "1.1", "2", "2.1"]
    first = rows[0]
    assert first["lead"] == "青禾县住房和城乡建设局"
    assert first["support"] == "青禾县生态环境局"
    assert first["deadline"] == "2026年底前（2026-12-31）"
    assert first["status"] == "推进中"
    assert "整改措施：\n1．开展雨污混接排查。" in first["task"]
    assert rows[1]["deadline"] == "立行立改" and rows[1]["implementing"] == "各乡镇人民政府"
    assert rows[2]["deadline"] == "2026年1月1日起（2026-01-01）；长期坚持"
    assert rows[2]["status"] == "已完成" and rows[3]["status"] == "待审核"


def test_xlsx_layout(tmp_path):
    path = write_ledger_xlsx(sample_ledger(), tmp_path / "out" / "ledger.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["台账", "目标指标", "文件信息", "提示"]
    ws = wb["台账"]  # title, particulars, then the header row
    assert [c.value for c in ws[3]][:9] == HEADERS
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:K7"
    assert ws["A3"].font.bold and ws["A3"].fill.fgColor.rgb.endswith("D9E2F3")
    assert ws["B4"].alignment.wrap_text and ws["I4"].alignment.wrap_text
    assert ws.column_dimensions["B"].width >= 20 and ws.column_dimensions["A"].width <= 10
    assert [ws.cell(r, 1).value for r in range(4, 8)] == ["1", "1.1", "2", "2.1"]
    assert ws["C4"].value == "青禾县住房和城乡建设局"
    assert ws["H4"].value == "推进中" and ws["H6"].value == "已完成" and ws["H7"].value == "待审核"
    assert ws["I4"].value == "县城污水直排问题突出。部分老旧小区雨污混接。"
    # no control characters, no formula, no cell over Excel's limit
    assert "\x07" not in ws["B5"].value and ws["B5"].data_type == "s" and ws["B5"].value.strip("　").startswith("=")
    assert len(ws["I7"].value) <= 32767
    targets = wb["目标指标"]
    assert [c.value for c in targets[3]] == ["指标", "比较", "目标值", "单位", "目标年份", "基准年", "力争值", "原文"]
    assert [c.value for c in targets[4]][:7] == ["PM2.5浓度", "不高于", 32, "微克/立方米", 2026, None, 30]
    assert targets["B5"].value == "比基准年下降" and targets["F5"].value == 2025
    info = {r[0]: r[1] for r in wb["文件信息"].iter_rows(min_row=4, values_only=True)}
    assert info["文号"] == "青政办发〔2026〕12号" and info["任务数"] == "4"
    assert wb["提示"]["B4"].value == "责任说明没有对应的任务"
    assert not list(tmp_path.joinpath("out").glob(".taizhang-*"))  # no temporary file left behind


def test_xlsx_many_ledgers_and_rows(tmp_path):
    a, b = sample_ledger(), sample_ledger()
    b["document"]["source"]["name"] = "other.docx"
    wb = openpyxl.load_workbook(write_ledger_xlsx([a, b], tmp_path / "two.xlsx"))
    ws = wb["台账"]
    assert ws["A1"].value == "2 份文件的任务台账"
    assert ws["A3"].value == "来源文件" and ws["B3"].value == "序号"
    assert {ws.cell(r, 1).value for r in range(4, ws.max_row + 1)} == {"plan.docx", "other.docx"}
    # the service's filtered view: rows only
    rows = [r for r in ledger_rows(a) if r["status"] == "已完成"]
    wb = openpyxl.load_workbook(write_ledger_rows(rows, tmp_path / "view.xlsx"))
    assert wb["台账"].max_row == 4 and wb["台账"]["B4"].value == "加强扬尘管控"


def test_markdown_view():
    md = render_markdown(sample_ledger())
    assert md.startswith("# 青禾县水污染问题整改方案\n")
    assert "| 文号 | 青政办发〔2026〕12号 |" in md
    assert "| PM2.5浓度 | 不高于 | 32 | 微克/立方米 | 2026 | — | 30 |" in md
    assert "### 二、整改任务" in md
    assert "- **1** 〔问题〕一 县城污水直排问题突出" in md
    assert "  - 牵头：青禾县住房和城乡建设局；配合：青禾县生态环境局；时限：2026年底前（2026-12-31）；状态：推进中" in md
    assert "  - **1.1** 〔子任务〕1 =SUM(A1)" in md
    assert "整改措施（2 项）：" in md
    assert "- 责任说明没有对应的任务（第 900–920 字）" in md


@pytest.mark.parametrize("ledger", [{"document": {}, "targets": [], "tasks": [], "warnings": []}])
def test_empty_ledger(tmp_path, ledger):
    assert "（未识别到任务）" in render_markdown(ledger)
    wb = openpyxl.load_workbook(write_ledger_xlsx(ledger, tmp_path / "empty.xlsx"))
    assert wb["台账"].max_row == 3 and wb["台账"]["A1"].value == "任务台账"
