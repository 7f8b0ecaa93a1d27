"""The ledger as an Excel workbook in the layout clerks use (opens cleanly in Excel and WPS), ready to print.

Sheets: 台账 (one row per task: 序号, 任务/问题, 牵头单位, 配合单位, 落实单位, 完成时限, 整改目标, 状态, 出处 …),
目标指标, 文件信息 and 提示 (the extractor's warnings). Each sheet has a title row and a line of particulars
(the plan, the filters, the time), then the header row — frozen, filtered, repeated on every printed page —
and prints on A4 landscape with page numbers (the print layout: :mod:`taizhang.report.xlsx_layout`).

``write_ledger_xlsx(ledger_or_ledgers, path)`` takes the ledger JSON (``Ledger.to_dict()``);
``write_ledger_rows(rows, path, …)`` takes display rows (see ``taizhang.report.common``) so the web service
can export a filtered view in the same layout, with its own columns (``keys``: the supervision columns).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from taizhang.fileio import atomic_write
from taizhang.report.common import ROW_COLUMNS, comparator_phrase, ledger_rows, number_text
from taizhang.report.xlsx_layout import Column, print_table

MAX_CELL = 32767
_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

_HEADERS = dict(ROW_COLUMNS) | {"file": "来源文件", "light": "灯色", "latest": "最近进度", "reported": "最近报送",
                                "overdue": "逾期天数", "verification": "核查意见"}
# every column a ledger sheet may have: preferred width, and whether it keeps to one line
_SPECS: dict[str, dict[str, Any]] = {
    "file": {"width": 14, "min_width": 10},
    "number": {"width": 5, "nowrap": True, "center": True, "min_width": 5, "max_width": 12},
    "task": {"width": 26, "min_width": 14},
    "lead": {"width": 13, "min_width": 8},
    "support": {"width": 13, "min_width": 8},
    "implementing": {"width": 11, "min_width": 8},
    "deadline": {"width": 12, "min_width": 12},
    "goal": {"width": 14, "min_width": 8},
    "status": {"width": 8, "nowrap": True, "center": True, "min_width": 7},
    "light": {"width": 6, "nowrap": True, "center": True, "min_width": 6},
    "latest": {"width": 20, "min_width": 10},
    "reported": {"width": 11, "nowrap": True, "center": True, "min_width": 8},
    "overdue": {"width": 6, "nowrap": True, "center": True, "min_width": 7},
    "verification": {"width": 16, "min_width": 10},
    "source": {"width": 30, "min_width": 12},
    "section": {"width": 10, "min_width": 8},
    "id": {"width": 6, "nowrap": True, "center": True, "min_width": 6, "max_width": 20},
}
LEDGER_KEYS = [k for k, _ in ROW_COLUMNS]
TARGET_COLUMNS = [Column("indicator", "指标", 18), Column("comparator", "比较", 8, nowrap=True),
                  Column("value", "目标值", 7, nowrap=True, center=True),
                  Column("unit", "单位", 10), Column("year", "目标年份", 7, nowrap=True, center=True),
                  Column("baseline_year", "基准年", 7, nowrap=True, center=True),
                  Column("stretch_value", "力争值", 7, nowrap=True, center=True), Column("text", "原文", 50)]
INFO_COLUMNS = [Column("field", "项目", 10, nowrap=True), Column("value", "内容", 100)]
WARNING_COLUMNS = [Column("number", "序号", 5, nowrap=True, center=True), Column("message", "提示", 60),
                   Column("where", "位置（字符）", 12, nowrap=True, center=True)]


def column(key: str) -> Column:
    return Column(key, _HEADERS.get(key, key), **_SPECS.get(key, {"width": 12}))


def clean(value: Any) -> Any:
    """A value safe for a cell: no control characters, at most 32767 characters."""
    if isinstance(value, str):
        value = _ILLEGAL_RE.sub("", value)
        if len(value) > MAX_CELL:
            value = value[:MAX_CELL - 1] + "…"
    return value


def now_text() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M")


def _table(wb: Workbook, name: str, columns: list[Column], rows: list[list[Any]], title: str,
           particulars: str) -> None:
    print_table(wb.create_sheet(name), columns, [[clean(v) for v in r] for r in rows], title=title,
                particulars=particulars)


def write_ledger_rows(rows: list[dict[str, Any]], path: str | Path, *, keys: list[str] | None = None,
                      plan: str = "", particulars: str = "", targets: list[dict] | None = None,
                      documents: list[dict] | None = None, warnings: list[dict] | None = None,
                      with_file_column: bool = False, footer: str | None = None) -> Path:
    """Write display rows (and optionally targets, document info, warnings) as the clerks' workbook. The 提示
    sheet (the extractor's warnings) is written when ``warnings`` is a list, even an empty one.

    ``keys``: the 台账 sheet's columns (default: the ledger's, :data:`LEDGER_KEYS`); ``plan``: what the titles
    start with (《a plan's title》, or "3 份文件的"); ``particulars``: the line below the title (filters, time).
    ``footer``: a line printed at the foot of every page of the ledger sheet (left of the page numbers) and kept
    in the workbook's description.
    The file is written to a temporary name and moved into place, so nothing half-written is left behind.
    """
    wb = Workbook()
    wb.remove(wb.active)
    keys = list(keys or LEDGER_KEYS)
    if with_file_column:
        keys = ["file", *keys]
    data = []
    for row in rows:
        values = [row.get(k, "") for k in keys]
        # indent child rows a little in the task column so the tree reads at a glance
        depth = int(row.get("depth") or 0)
        if depth and "task" in keys:
            i = keys.index("task")
            values[i] = "　" * depth + (values[i] or "")
        data.append(values)
    particulars = particulars or f"生成时间：{now_text()}"
    _table(wb, "台账", [column(k) for k in keys], data, f"{plan}任务台账", particulars)
    if footer:
        for part in (wb["台账"].oddFooter.left, wb["台账"].evenFooter.left, wb["台账"].firstFooter.left):
            part.text = footer
            part.font = "仿宋,Regular"  # the print rule: 宋体/仿宋, never below 9 pt
            part.size = 9
        wb.properties.description = footer

    target_rows = []
    for t in targets or []:
        values = []
        for col in TARGET_COLUMNS:
            v = t.get(col.key)
            if col.key == "comparator":
                v = comparator_phrase(v)
            elif col.key in ("value", "stretch_value", "year", "baseline_year"):
                v = v if isinstance(v, int | float) and not isinstance(v, bool) else number_text(v)
            values.append(v if v is not None else "")
        target_rows.append(([t.get("_file", "")] if with_file_column else []) + values)
    target_columns = ([column("file")] if with_file_column else []) + TARGET_COLUMNS
    _table(wb, "目标指标", target_columns, target_rows, f"{plan}目标指标", particulars)

    _table(wb, "文件信息", INFO_COLUMNS, _info_rows(documents or []), f"{plan}文件信息", particulars)

    if warnings is not None:  # an extraction's: what it could not place (the service's export has none)
        warn_rows = []
        for i, w in enumerate(warnings, 1):
            span = w.get("span") or []
            where = f"{span[0]}–{span[1]}" if len(span) == 2 else ""
            warn_rows.append(([w.get("_file", "")] if with_file_column else []) + [i, w.get("message") or "", where])
        warn_columns = ([column("file")] if with_file_column else []) + WARNING_COLUMNS
        _table(wb, "提示", warn_columns, warn_rows, f"{plan}抽取提示", particulars)
    wb.active = 0

    return atomic_write(path, lambda tmp: wb.save(tmp))


INFO_FIELDS = [("title", "标题"), ("doc_number", "文号"), ("issuer", "发文单位"), ("issue_date", "印发日期"),
               ("region", "地区"), ("state", "状态"), ("published_at", "发布时间"), ("source_name", "源文件"),
               ("sha256", "SHA-256"), ("chars", "字符数"), ("_tasks", "任务数"), ("_targets", "目标数"),
               ("_warnings", "提示数")]


def _info_rows(documents: list[dict]) -> list[list[Any]]:
    """文件信息: one block of 项目 / 内容 rows per document (a blank row between documents)."""
    rows: list[list[Any]] = []
    for d in documents:
        src = d.get("source") or {}
        values = {**d, "source_name": src.get("name"), "sha256": src.get("sha256"), "chars": src.get("chars")}
        if rows:
            rows.append(["", ""])
        for key, label in INFO_FIELDS:
            v = values.get(key)
            if v not in (None, ""):
                rows.append([label, str(v)])
    return rows


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
                   _warnings=len(ledger.get("warnings") or []), state="抽取结果，待审核")
        documents.append(doc)
    if many:
        plan = f"{len(items)} 份文件的"
        particulars = f"抽取结果，待审核　生成时间：{now_text()}"
    else:
        meta = documents[0] if documents else {}
        name = meta.get("title") or (meta.get("source") or {}).get("name") or ""
        plan = f"《{name}》" if name else ""
        parts = [f"{label}：{meta[k]}" for k, label in (("doc_number", "文号"), ("issuer", "发文单位"),
                                                        ("issue_date", "印发日期")) if meta.get(k)]
        particulars = "　".join([*parts, "抽取结果，待审核", f"生成时间：{now_text()}"])
    return write_ledger_rows(rows, path, plan=plan, particulars=particulars, targets=targets,
                             documents=documents, warnings=warnings, with_file_column=many)
