"""The extract ledger as printed: page setup read with openpyxl (always), and the pages LibreOffice prints."""

from __future__ import annotations

import re

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from test_report_ledger import sample_ledger

from taizhang.report import write_ledger_xlsx
from taizhang.report.xlsx_layout import Column, fit_widths, lines_needed, printable_width_px, units_to_px

SHEETS = ["台账", "目标指标", "文件信息", "提示"]


def _ledger(n_tasks: int = 40) -> dict:
    """The sample ledger with ``n_tasks`` more tasks, enough for several printed pages."""
    led = sample_ledger()
    for i in range(n_tasks):
        led["tasks"].append({
            "id": f"X{i}", "parent_id": None, "number": f"（{i + 1}）", "kind": "measure",
            "title": f"整治第{i + 1}片区餐饮油烟", "text": f"整治第{i + 1}片区餐饮油烟，安装油烟净化设施并定期清洗。" * 2,
            "span": [0, 10], "section": "三、重点措施",
            "lead_units": [{"raw": "城管局", "name": "青禾县城市管理局"}],
            "support_units": [{"raw": "市场监管局", "name": "青禾县市场监督管理局"}],
            "implementing_units": [], "deadlines": [{"text": "2026年9月底前", "date": "2026-09-30", "type": "by"}],
            "immediate": False, "ongoing": False, "status": None, "goal": None, "measures": []})
    return led


def _widths(ws) -> list[float]:
    return [ws.column_dimensions[get_column_letter(c)].width for c in range(1, ws.max_column + 1)]


def test_every_sheet_is_set_up_for_a4_landscape_with_titles_and_page_numbers(tmp_path):
    wb = openpyxl.load_workbook(write_ledger_xlsx(sample_ledger(), tmp_path / "ledger.xlsx"))
    assert wb.sheetnames == SHEETS
    for ws in wb:
        setup = ws.page_setup
        assert int(setup.paperSize) == 9 and setup.orientation == "landscape", ws.title
        assert not ws.sheet_properties.pageSetUpPr.fitToPage and setup.scale == 100  # never shrunk to fit
        assert ws.print_title_rows == "$3:$3"  # the header row on every page
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        assert ws.freeze_panes == "A4"
        # the columns fit the printable width of the page
        assert sum(units_to_px(w) for w in _widths(ws)) <= printable_width_px()
        # title row: the plan; the line below: its particulars and the time
        assert ws["A1"].value.startswith("《青禾县水污染问题整改方案》") and ws["A1"].font.name == "宋体"
        assert "青政办发〔2026〕12号" in ws["A2"].value and "生成时间：" in ws["A2"].value
        assert {str(r).split(":")[0] for r in ws.merged_cells.ranges} == {"A1", "A2"}
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                if cell.value not in (None, ""):
                    assert cell.font.name in ("宋体", "仿宋") and cell.font.size >= 9, (ws.title, cell.coordinate)
    ws = wb["台账"]
    assert ws["A1"].value == "《青禾县水污染问题整改方案》任务台账" and ws["A1"].font.size >= 14
    assert "抽取结果，待审核" in ws["A2"].value


def test_status_of_an_extract_is_pending_review_unless_the_plan_reports_one(tmp_path):
    ws = openpyxl.load_workbook(write_ledger_xlsx(sample_ledger(), tmp_path / "ledger.xlsx"))["台账"]
    header = [c.value for c in ws[3]]
    status = [ws.cell(r, header.index("状态") + 1).value for r in range(4, ws.max_row + 1)]
    assert status == ["推进中", "待审核", "已完成", "待审核"]
    assert "—" not in status
    # one line: the status column is as wide as its longest value and does not wrap
    col = ws.cell(4, header.index("状态") + 1)
    assert not col.alignment.wrap_text


def test_document_information_is_filled(tmp_path):
    ws = openpyxl.load_workbook(write_ledger_xlsx(sample_ledger(), tmp_path / "ledger.xlsx"))["文件信息"]
    info = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(4, ws.max_row + 1)}
    assert info["标题"] == "青禾县水污染问题整改方案" and info["文号"] == "青政办发〔2026〕12号"
    assert info["源文件"] == "plan.docx" and info["任务数"] == "4" and info["目标数"] == "2" and info["提示数"] == "1"
    assert info["状态"] == "抽取结果，待审核"


def test_fitted_widths_fill_the_page_and_keep_short_codes_on_one_line():
    cols = [Column("n", "序号", 5, nowrap=True, min_width=5), Column("t", "任务", 30), Column("u", "单位", 12),
            Column("s", "状态", 8, nowrap=True, min_width=6)]
    rows = [["1", "文字" * 50, "青禾县生态环境局", "申请销号"], ["12.3.4", "", "", "待审核"]]
    widths = fit_widths(cols, rows)
    assert printable_width_px() * 0.97 <= sum(units_to_px(w) for w in widths) <= printable_width_px()
    assert lines_needed("申请销号", widths[3]) == 1 and lines_needed("12.3.4", widths[0]) == 1
    assert widths[1] > 2 * widths[2]  # the text columns keep their proportions
    # a column empty on every row is narrowed to its minimum, the others take the room
    empty = fit_widths(cols, [[r[0], r[1], "", r[3]] for r in rows])
    assert empty[2] == cols[2].min_width and empty[1] > widths[1]


@pytest.mark.slow
def test_printed_by_libreoffice_a4_landscape_every_column_on_every_page(tmp_path):
    from printing import render

    path = write_ledger_xlsx(_ledger(), tmp_path / "ledger.xlsx")
    printed = render(path)
    assert (round(printed.width_pt), round(printed.height_pt)) == (842, 595)  # A4 landscape
    ledger_pages = [p for p in printed.pages if "任务台账" in p or "牵头单位" in p]
    assert len(ledger_pages) >= 3
    total = len(printed.pages)
    for i, page in enumerate(printed.pages, 1):
        assert re.search(rf"第\s*{i}\s*页\s*共\s*{total}\s*页", page)
    for page in ledger_pages:  # the header row repeated, and no column pushed onto a page of its own
        for header in ("序号", "任务/问题", "牵头单位", "配合单位", "完成时限", "状态", "出处", "所在章节"):
            assert header in page, header
    assert "任务台账" in printed.pages[0] and "任务台账" not in printed.pages[1]  # the title once, on top
    # the body prints at its own size (10 pt), not shrunk to fit a page width
    assert printed.median_word_height() >= 9
