"""Print layout of the project's Excel sheets: a page a county office can hand to a leader.

Every sheet is set up for A4 landscape at 100 % scale (never shrunk to fit, so the text prints at its own
size): a title row and a line of particulars (plan, filters, time) above the header row, the header row
repeated on every printed page, "第 N 页 共 M 页" in the footer, 宋体 for titles and headers and 仿宋 for the
body at 10 pt. Column widths are fitted to the printable width of the page: each column asks for a
preferred width, columns that must not wrap (状态, 任务编号 …) get the width their longest value needs, empty
columns their minimum, and the text columns share what is left in proportion to what they asked for.

Widths are in Excel's character units (the width of a digit of the workbook's default font, Calibri 11:
7 pixels at 96 dpi in Excel, a little more in LibreOffice; a stored width includes the cell's 5 pixels of
padding); row heights are estimated from the text that wraps in each cell, because neither Excel nor WPS
re-measures rows it is given heights for.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

TITLE_FONT = Font(name="宋体", size=16, bold=True)
META_FONT = Font(name="仿宋", size=10)
HEADER_FONT = Font(name="宋体", size=10, bold=True)
BODY_FONT = Font(name="仿宋", size=10)
FOOTER = "第 &P 页 共 &N 页"
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

# A4 landscape, margins in inches (left/right narrow, room for the footer at the bottom)
PAGE_WIDTH_MM = 297.0
MARGIN_SIDE_IN = 0.3
MARGIN_TOP_IN = 0.5
MARGIN_BOTTOM_IN = 0.6
DPI = 96
DIGIT_PX = 7  # Calibri 11, the default font that defines Excel's width unit
PRINT_UNIT_PX = 7.45  # what a unit may take on paper (LibreOffice: 7.4 pixels, measured from its page breaks)
CELL_INSET_PX = 5 + 3  # what the text inside a cell cannot use: the padding, and a little room
LINE_FACTOR = 1.45  # line height / font size of the CJK fonts Excel, WPS and LibreOffice use
MAX_ROW_HEIGHT = 409  # Excel's limit, in points
PAGE_FILL = 0.99  # the share of the printable width the columns take
WRAP_SLACK = 1.04  # line breaks fall before punctuation that may not start a line: lines come out a little longer


@dataclass(frozen=True)
class Column:
    """One column of a printed table: ``width`` is preferred (character units); ``nowrap`` columns are as wide as
    their longest value needs (up to ``max_width``) and never wrap; ``center`` centres the values."""

    key: str
    header: str
    width: float
    nowrap: bool = False
    center: bool = False
    min_width: float = 6
    max_width: float = 30


def printable_width_px() -> float:
    return (PAGE_WIDTH_MM / 25.4 - 2 * MARGIN_SIDE_IN) * DPI


def units_to_px(width: float) -> float:
    """The width a column takes on paper (the larger measure, so that columns never spill off the page)."""
    return width * PRINT_UNIT_PX


def text_px(text: str, size: float = BODY_FONT.size) -> float:
    """The width a line of ``text`` takes at ``size`` points: CJK and full-width characters one em, others
    a little over half an em."""
    em = size * DPI / 72
    return sum(em if unicodedata.east_asian_width(ch) in "WF" else 0.6 * em for ch in text)


def needed_units(text: str, size: float = BODY_FONT.size) -> float:
    """The column width (character units) a value needs to stay on one line per paragraph."""
    widest = max((text_px(part, size) for part in str(text).split("\n")), default=0)
    return (widest * WRAP_SLACK + CELL_INSET_PX) / DIGIT_PX + 0.1


def lines_needed(text: str, width: float, size: float = BODY_FONT.size) -> int:
    """How many lines ``text`` wraps to in a column ``width`` character units wide."""
    usable = max(width * DIGIT_PX - CELL_INSET_PX, 1)
    return sum(max(1, math.ceil(text_px(part, size) * WRAP_SLACK / usable)) for part in str(text).split("\n"))


def fit_widths(columns: list[Column], rows: list[list[Any]]) -> list[float]:
    """Widths that fill the printable width of an A4 landscape page (see the module docstring)."""
    fixed: dict[int, float] = {}
    for i, col in enumerate(columns):
        if rows and not col.nowrap and all(r[i] in (None, "") for r in rows):
            fixed[i] = col.min_width  # nothing to show: room for the header only
        elif col.nowrap:
            longest = max((needed_units(str(r[i])) for r in rows if r[i] not in (None, "")), default=0)
            fixed[i] = min(max(longest, col.min_width, needed_units(col.header, HEADER_FONT.size) * 0.5),
                           col.max_width)
    # a little slack: spreadsheet programs round widths and margins their own ways
    available = printable_width_px() * PAGE_FILL - sum(units_to_px(w) for w in fixed.values())
    flexible = [i for i in range(len(columns)) if i not in fixed]
    widths = dict(fixed)
    # share the rest in proportion to the preferred widths; a column shrunk below its minimum keeps its
    # minimum and the others share what remains
    pool, share = list(flexible), available
    while pool:
        total = sum(columns[i].width for i in pool)
        scale = share / (PRINT_UNIT_PX * total) if total else 0
        small = [i for i in pool if columns[i].width * scale < columns[i].min_width]
        if not small:
            for i in pool:
                widths[i] = columns[i].width * scale
            break
        for i in small:
            widths[i] = columns[i].min_width
            share -= units_to_px(columns[i].min_width)
            pool.remove(i)
    return [round(widths[i], 1) for i in range(len(columns))]


def _cell(ws: Worksheet, row: int, col: int, value: Any, *, font: Font = BODY_FONT, center: bool = False,
          wrap: bool = True):
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    cell.font = font
    cell.alignment = Alignment(wrap_text=wrap, vertical="center" if center else "top",
                               horizontal="center" if center else None)
    cell.border = BORDER
    return cell


def print_table(ws: Worksheet, columns: list[Column], rows: list[list[Any]], *, title: str,
                particulars: str = "") -> None:
    """Lay ``rows`` out on ``ws`` for print: title, particulars, header row (frozen, filtered, repeated on every
    page), the rows with fitted widths and estimated heights, A4 landscape page setup with a page footer."""
    n = len(columns)
    last = get_column_letter(n)
    widths = fit_widths(columns, rows)
    for c, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.cell(row=1, column=1, value=title).font = TITLE_FONT
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    ws.cell(row=2, column=1, value=particulars).font = META_FONT
    ws.cell(row=2, column=1).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = _height(lines_needed(particulars, sum(widths) + n, META_FONT.size),
                                          META_FONT.size)
    head = 3
    header_lines = 1
    for c, col in enumerate(columns, 1):
        cell = _cell(ws, head, c, col.header, font=HEADER_FONT, center=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        header_lines = max(header_lines, lines_needed(col.header, widths[c - 1], HEADER_FONT.size))
    ws.row_dimensions[head].height = _height(header_lines, HEADER_FONT.size)
    for r, values in enumerate(rows, head + 1):
        lines = 1
        for c, (col, value) in enumerate(zip(columns, values, strict=True), 1):
            _cell(ws, r, c, value, center=col.center, wrap=not col.nowrap)
            if isinstance(value, str) and value and not col.nowrap:
                lines = max(lines, lines_needed(value, widths[c - 1]))
        ws.row_dimensions[r].height = _height(lines)
    ws.freeze_panes = f"A{head + 1}"
    if rows:
        ws.auto_filter.ref = f"A{head}:{last}{head + len(rows)}"
    ws.print_title_rows = f"{head}:{head}"
    setup_page(ws)


def _height(lines: int, size: float = BODY_FONT.size) -> float:
    return min(MAX_ROW_HEIGHT, round(lines * size * LINE_FACTOR + 4, 1))


def setup_page(ws: Worksheet) -> None:
    """A4 landscape at 100 %, narrow side margins, centred across the page, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.scale = 100
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE_IN
    ws.page_margins.top = MARGIN_TOP_IN
    ws.page_margins.bottom = MARGIN_BOTTOM_IN
    ws.page_margins.header = 0.2
    ws.page_margins.footer = 0.25
    ws.print_options.horizontalCentered = True
    for footer in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        footer.center.text = FOOTER
        footer.center.font = "仿宋,Regular"
        footer.center.size = 10
