"""The ledger as an Excel workbook in the layout clerks use (opens cleanly in Excel and WPS).

Sheets: 台账 (one row per task: 序号, 任务/问题, 牵头单位, 配合单位, 落实单位, 完成时限, 整改目标, 状态, 出处 …),
目标指标, 文件信息 and 提示 (the extractor's warnings). Header row bold on a fill, frozen, with an
auto-filter; text wrapped; column widths and row heights sized for Chinese text.

``write_ledger_xlsx(ledger_or_ledgers, path)`` takes the ledger JSON (``Ledger.to_dict()``);
``write_ledger_rows(rows, path, …)`` takes display rows (see ``taizhang.report.common``) so the web service
can export a filtered view in the same layout.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from taizhang.fileio import atomic_write
from taizhang.report.common import ROW_COLUMNS, comparator_phrase, ledger_rows, number_text

MAX_CELL = 32767
_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_HEADER_FONT = Font(bold=True, color="1F2937")
_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")

# column widths (in Excel character units) of the 台账 sheet
LEDGER_WIDTHS = {"number": 8, "task": 48, "lead": 20, "support": 22, "implementing": 18, "deadline": 18,
                 "goal": 28, "status": 9, "source": 60, "section": 24, "id": 9, "file": 24}
TARGET_COLUMNS = [("indicator", "指标", 24), ("comparator", "比较", 12), ("value", "目标值", 10),
                  ("unit", "单位", 14), ("year", "目标年份", 10), ("baseline_year", "基准年", 10),
                  ("stretch_value", "力争值", 10), ("text", "原文", 60)]


def clean(value: Any) -> Any:
    """A value safe for a cell: no control characters, at most 32767 characters."""
    if isinstance(value, str):
        value = _ILLEGAL_RE.sub("", value)
        if len(value) > MAX_CELL:
            value = value[:MAX_CELL - 1] + "…"
    return value


def _set(ws, row: int, col: int, value: Any, align: Alignment = _WRAP):
    cell = ws.cell(row=row, column=col, value=clean(value))
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    cell.alignment = align
    cell.border = _BORDER
    return cell


def _display_width(text: str) -> int:
    # CJK characters take two character units
    return len(text) + sum(1 for ch in text if ord(ch) > 0x2E7F)


def _sheet(wb: Workbook, title: str, headers: list[tuple[str, int]], rows: list[list[Any]],
           centered: set[int] = frozenset()) -> None:
    ws = wb.create_sheet(title)
    for c, (header, width) in enumerate(headers, 1):
        cell = _set(ws, 1, c, header, _CENTER)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[1].height = 22
    for r, values in enumerate(rows, 2):
        lines = 1
        for c, value in enumerate(values, 1):
            _set(ws, r, c, value, _CENTER if c - 1 in centered else _WRAP)
            if isinstance(value, str) and value:
                width = max(headers[c - 1][1] - 1, 4)
                need = sum(max(1, math.ceil(_display_width(part) / width)) for part in value.split("\n"))
                lines = max(lines, need)
        ws.row_dimensions[r].height = min(409, 15 * lines + 3)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def write_ledger_rows(rows: list[dict[str, Any]], path: str | Path, *, targets: list[dict] | None = None,
                      documents: list[dict] | None = None, warnings: list[dict] | None = None,
                      with_file_column: bool = False) -> Path:
    """Write display rows (and optionally targets, document info, warnings) as the clerks' workbook.

    The file is written to a temporary name and moved into place, so nothing half-written is left behind.
    """
    wb = Workbook()
    wb.remove(wb.active)
    keys = [k for k, _ in ROW_COLUMNS]
    headers = [(h, LEDGER_WIDTHS.get(k, 16)) for k, h in ROW_COLUMNS]
    if with_file_column:
        keys = ["file", *keys]
        headers = [("来源文件", LEDGER_WIDTHS["file"]), *headers]
    data = []
    for row in rows:
        values = [row.get(k, "") for k in keys]
        # indent child rows a little in the task column so the tree reads at a glance
        depth = int(row.get("depth") or 0)
        if depth and "task" in keys:
            i = keys.index("task")
            values[i] = "　" * depth + (values[i] or "")
        data.append(values)
    centered = {keys.index(k) for k in ("number", "status", "id")}
    _sheet(wb, "台账", headers, data, centered)

    target_rows = []
    for t in targets or []:
        values = []
        for key, _, _ in TARGET_COLUMNS:
            v = t.get(key)
            if key == "comparator":
                v = comparator_phrase(v)
            elif key in ("value", "stretch_value", "year", "baseline_year"):
                v = v if isinstance(v, int | float) and not isinstance(v, bool) else number_text(v)
            values.append(v if v is not None else "")
        target_rows.append(([t.get("_file", "")] if with_file_column else []) + values)
    target_headers = [(h, w) for _, h, w in TARGET_COLUMNS]
    if with_file_column:
        target_headers = [("来源文件", LEDGER_WIDTHS["file"]), *target_headers]
    _sheet(wb, "目标指标", target_headers, target_rows)

    info_headers = [("标题", 40), ("文号", 24), ("发布单位", 24), ("发布日期", 12), ("地区", 14),
                    ("源文件", 28), ("SHA-256", 30), ("字符数", 10), ("任务数", 8), ("目标数", 8), ("提示数", 8)]
    info_rows = []
    for d in documents or []:
        src = d.get("source") or {}
        info_rows.append([d.get("title") or "", d.get("doc_number") or "", d.get("issuer") or "",
                          d.get("issue_date") or "", d.get("region") or "", src.get("name") or "",
                          src.get("sha256") or "", src.get("chars") if src.get("chars") is not None else "",
                          d.get("_tasks", ""), d.get("_targets", ""), d.get("_warnings", "")])
    _sheet(wb, "文件信息", info_headers, info_rows)

    warn_headers = [("序号", 8), ("提示", 60), ("位置（字符）", 16)]
    if with_file_column:
        warn_headers = [("来源文件", LEDGER_WIDTHS["file"]), *warn_headers]
    warn_rows = []
    for i, w in enumerate(warnings or [], 1):
        span = w.get("span") or []
        where = f"{span[0]}–{span[1]}" if len(span) == 2 else ""
        warn_rows.append(([w.get("_file", "")] if with_file_column else []) + [i, w.get("message") or "", where])
    _sheet(wb, "提示", warn_headers, warn_rows)
    wb.active = 0

    return atomic_write(path, lambda tmp: wb.save(tmp))


def write_ledger_xlsx(ledgers: dict | list[dict], path: str | Path) -> Path:
    """Write one ledger (or several, with a 来源文件 column) in the clerks' layout."""
    items = [ledgers] if isinstance(ledgers, dict) else list(ledgers)
    many = len(items) > 1
    rows: list[dict] = []
    targets: list[dict] = []
    documents: list[dict] = []
    warnings: list[dict] = []
    for ledger in items:
        doc = dict(ledger.get("document") or {})
        fname = (doc.get("source") or {}).get("name") or doc.get("title") or ""
        for row in ledger_rows(ledger):
            row["file"] = fname
            rows.append(row)
        targets.extend({**t, "_file": fname} for t in ledger.get("targets") or [])
        warnings.extend({**w, "_file": fname} for w in ledger.get("warnings") or [])
        doc.update(_tasks=len(ledger.get("tasks") or []), _targets=len(ledger.get("targets") or []),
                   _warnings=len(ledger.get("warnings") or []))
        documents.append(doc)
    return write_ledger_rows(rows, path, targets=targets, documents=documents, warnings=warnings,
                             with_file_column=many)
