"""Tables of responsibilities and key projects: their header, columns and where each row's cells stand.

Header detection by column words (``data/tables.yaml``): 序号, 责任部门 / 牵头 / 责任单位 (lead), 参与 / 配合 /
协助 (support), 完成时限, year or quarter columns (2017年 … 一季度 …), 工程名称 / 总投资 (project). A two-row header
(年度计划 over 2017年 … 2020年) is merged. Rows of a flattened table may miss cells merged from the row above; they
are aligned from both ends (number first, unit columns last). Rows that only carry a section heading (一、总体目标)
or nothing are left out. What the cells say is read by the annotate stage (:mod:`taizhang.extract.annotate`) and
turned into tasks by :mod:`taizhang.extract.tables`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from taizhang.document import Table
from taizhang.text.basics import load_yaml

PERIOD = re.compile(r"^\s*(?:(?:19|20)\d{2}\s*年.{0,6}|(?:19|20)\d{2}|[一二三四1-4]\s*季度|第[一二三四]季度|上半年|下半年|全年)\s*$")
NUMBER_CELL = re.compile(r"^\s*[0-9０-９]{1,3}\s*[.．]?\s*$")
SECTION_CELL = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")
EMPTY_MARKS = {"", "—", "－", "-", "/", "——", "无", "／"}


@lru_cache(maxsize=1)
def table_lexicon() -> dict:
    return load_yaml("taizhang.segment", "data/tables.yaml")


@dataclass
class Column:
    index: int
    label: str
    kind: str  # number | lead | support | implementing | deadline | period | project | money | text
    start: int = 0
    end: int = 0


def _cell(text: str, t: Table, r: int, c: int) -> tuple[str, int, int]:
    row = t.rows[r]
    if c >= len(row):
        return "", 0, 0
    cell = row[c]
    return text[cell.start:cell.end], cell.start, cell.end


def _classify(label: str) -> str:
    lex = table_lexicon()["columns"]
    lab = re.sub(r"\s+", "", label)
    if not lab:
        return "text"
    if PERIOD.match(lab):
        return "period"
    for kind in ("number", "support", "project", "implementing", "lead", "deadline", "money", "area", "progress"):
        if any(w in lab for w in lex[kind]):
            return kind
    return "text"


def _caption_is_project(text: str, t: Table) -> bool:
    before = text[max(0, t.start - 120):t.start].strip().split("\n")
    caption = before[-1] if before else ""
    return bool(re.search(table_lexicon()["project_caption"], caption))


def _header(text: str, t: Table) -> tuple[list[Column], int] | None:
    """Columns and the index of the first data row, or None when the table has no recognisable header."""
    if not t.rows:
        return None
    rows = []
    for r in range(min(3, len(t.rows))):
        rows.append([_cell(text, t, r, c) for c in range(len(t.rows[r]))])
    first = rows[0]
    kinds = [_classify(c[0]) for c in first]
    if not any(k in ("lead", "project") for k in kinds) and not _caption_is_project(text, t):
        return None
    cols = [Column(i, c[0].strip(), k, c[1], c[2]) for i, (c, k) in enumerate(zip(first, kinds, strict=False))]
    data_start = 1
    # a sub-header row (年度计划 over 2017年 …): period labels under a merged cell, every other cell empty
    if len(rows) > 1:
        second = rows[1]
        sub = [i for i, c in enumerate(second) if c[0].strip()]
        if sub and all(PERIOD.match(re.sub(r"\s+", "", second[i][0])) for i in sub):
            a, b = sub[0], sub[-1]
            merged: list[Column] = []
            for i in range(len(second)):
                if a <= i <= b:
                    lab, s, e = second[i]
                    merged.append(Column(i, lab.strip(), _classify(lab) if lab.strip() else "text", s, e))
                else:
                    j = i if i < a else len(first) - (len(second) - i)
                    if 0 <= j < len(first):
                        c = cols[j]
                        merged.append(Column(i, c.label, c.kind, c.start, c.end))
                    else:
                        merged.append(Column(i, "", "text"))
            cols = merged
            data_start = 2
    # beside a 牵头 column (or a plain 责任 column), the 责任 / 主体责任 / 属地 column holds implementing units
    lex = table_lexicon()
    leads = [c for c in cols if c.kind == "lead"]
    named = [c for c in leads if "牵头" in c.label]
    if named:
        for c in leads:
            if "牵头" not in c.label and any(w in c.label for w in lex["implementing_when_lead_present"]):
                c.kind = "implementing"
    elif len(leads) > 1:
        impl = [c for c in leads if any(w in c.label for w in lex["implementing_beside_responsible"])]
        if impl and len(impl) < len(leads):
            for c in impl:
                c.kind = "implementing"
    return cols, data_start


def _widen(cols: list[Column], widths: list[int]) -> list[Column]:
    """Data rows regularly wider than the header: a text header spans several cells; repeat its column."""
    if not widths:
        return cols
    m = Counter(widths).most_common(1)[0][0]
    if m <= len(cols):
        return cols
    last_text = max((i for i, c in enumerate(cols) if c.kind in ("text", "project")), default=None)
    if last_text is None:
        return cols
    c = cols[last_text]
    extra = [Column(c.index, c.label, c.kind, c.start, c.end) for _ in range(m - len(cols))]
    return cols[:last_text + 1] + extra + cols[last_text + 1:]


def _align(n_cells: int, cols: list[Column], values: list[str] | None = None) -> list[int]:
    """Column index of each cell of a row with n_cells cells.

    Fewer cells than columns: cells merged from the row above are missing; the trailing unit columns keep their
    places from the right, the number and text columns from the left. More cells than columns: a text header
    spans several cells; the extra cells belong to the last text column before the period and unit columns.
    """
    from taizhang.extract.cells import (
        cell_names_units,  # whether a cell reads as a unit list (the role grammar)
    )

    n = len(cols)
    if n_cells == n:
        return list(range(n))
    if n_cells > n:
        extra = n_cells - n
        last_text = max((i for i, c in enumerate(cols) if c.kind in ("text", "project")), default=n - 1)
        return [i if i <= last_text else (last_text if i <= last_text + extra else i - extra)
                for i in range(n_cells)]
    tail = 0
    for c in reversed(cols):
        if c.kind in ("lead", "support", "implementing", "deadline"):
            tail += 1
        else:
            break
    tail = min(tail, n_cells - 1)
    if values is not None and tail and all(c.kind != "deadline" for c in cols[n - tail:]):
        # the row's trailing cells that name units (or are empty) fill the unit columns from their left;
        # unit cells missing at the row's end were merged or left out
        k = 0
        for v in reversed(values):
            if k >= tail or not (not v.strip() or v.strip() in EMPTY_MARKS or cell_names_units(v)):
                break
            k += 1
        while k and not values[n_cells - k].strip():  # leading empty cells of the run are not unit cells
            k -= 1
        if any(cell_names_units(v) for v in values[n_cells - k:]) and k < tail:
            head = n_cells - k
            return list(range(head)) + [n - tail + i for i in range(k)]
    head = n_cells - tail
    return list(range(head)) + [n - tail + i for i in range(tail)]



@dataclass
class Placed:
    """A cell of a data row under its column: ``k`` its index in the row, ``parts`` its text spans (the first
    line, then the lines it wraps onto)."""

    col: int
    k: int
    value: str
    start: int
    end: int
    parts: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Row:
    r: int
    n_cells: int
    placed: list[Placed]


@dataclass
class Layout:
    table: Table
    cols: list[Column]
    is_project: bool
    rows: list[Row]


def layout(text: str, t: Table) -> Layout | None:
    """The layout of a table, or None when it has no recognisable header (a responsibility or project table)."""
    hdr = _header(text, t)
    if hdr is None:
        return None
    cols, data_start = hdr
    cols = _widen(cols, [len(t.rows[r]) for r in range(data_start, len(t.rows))])
    is_project = any(c.kind == "project" for c in cols) or (
        not any(c.kind == "lead" for c in cols) and _caption_is_project(text, t))
    rows = []
    for r in range(data_start, len(t.rows)):
        cells = [_cell(text, t, r, c) for c in range(len(t.rows[r]))]
        nonempty = [c for c in cells if c[0].strip()]
        if not nonempty:
            continue
        distinct = {(cs, ce) for _v, cs, ce in nonempty}
        if len(distinct) == 1 and (SECTION_CELL.match(nonempty[0][0]) or len(cells) == 1
                                   or len(nonempty) == len(cells) > 1):
            continue  # a section heading row (一、大气污染防治), or one cell merged across the whole row
        cidx = _align(len(cells), cols, [c[0] for c in cells])
        placed = [Placed(ci, k, v, s, e, [(s, e), *t.rows[r][k].more])
                  for k, (ci, (v, s, e)) in enumerate(zip(cidx, cells, strict=False))]
        rows.append(Row(r, len(cells), placed))
    return Layout(t, cols, is_project, rows)
