"""Export of the (filtered) ledger to .xlsx in the clerks' layout.

Columns: 序号, 任务/问题, 牵头单位, 配合单位, 落实单位, 完成时限, 整改目标, 状态, 出处. When the report
package provides ``taizhang.report.ledger_xlsx.write_ledger_rows`` it writes the workbook (one layout for the
whole project); otherwise the same layout is written here with openpyxl.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

HEADERS = ["序号", "任务/问题", "牵头单位", "配合单位", "落实单位", "完成时限", "整改目标", "状态", "出处"]
WIDTHS = [8, 60, 22, 26, 22, 14, 30, 10, 40]
STATE_TEXT = {"draft": "待审核", "active": "推进中", "claimed": "申请销号", "closed": "已销号"}


def task_row(index: int, task, units: dict[str, list[str]], due_text: str, light_label: str) -> list[str]:
    state = STATE_TEXT.get(task.state, task.state)
    if light_label and task.state in ("active", "claimed"):
        state = f"{state}（{light_label}）"
    source = (task.document.title or task.document.original_name) if task.document_id else ""
    if task.number:
        source = f"{source} {task.number}".strip()
    return [
        str(index),
        task.text,
        "、".join(units.get("lead", [])),
        "、".join(units.get("support", [])),
        "、".join(units.get("territorial", [])),
        due_text,
        task.goal or "",
        state,
        source,
    ]


def write_workbook(rows: Iterable[list[str]], title: str = "台账") -> bytes:
    try:  # the project's shared writer, when the report package provides it
        from taizhang.report.ledger_xlsx import write_ledger_rows  # type: ignore[attr-defined]
    except ImportError:
        write_ledger_rows = None
    buf = io.BytesIO()
    rows = list(rows)
    if write_ledger_rows is not None:
        try:
            write_ledger_rows(buf, HEADERS, rows, title=title)
            return buf.getvalue()
        except TypeError:  # a different signature: fall back to the local writer
            buf = io.BytesIO()
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE3EA")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for row in rows:
        ws.append(row)
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = border
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = w
    ws.freeze_panes = "A2"
    wb.save(buf)
    return buf.getvalue()
