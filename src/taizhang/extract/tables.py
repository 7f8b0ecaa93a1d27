"""Tables of responsibilities and key projects → ``table_row`` / ``project`` drafts (assemble stage).

The layout (header, columns, where each row's cells stand) is the segment stage's
(:mod:`taizhang.segment.tables`); the units of each unit cell are annotated (:mod:`taizhang.extract.annotate`).
Here a row becomes a task: its task cells are its text, its unit cells its units (an empty unit cell inherits the
row above's: a merged cell), its time cells and the period columns it plans for (2017年 … 一季度 …) its deadlines,
its progress cell its status. Rows with neither a task cell nor a unit are skipped.
"""

from __future__ import annotations

import re

from taizhang.extract import assign as A
from taizhang.extract.annotate import Annotations
from taizhang.extract.assign import strip_span as _strip
from taizhang.segment.tables import EMPTY_MARKS, NUMBER_CELL, Column, Layout, table_lexicon


def _is_plan(cell: str) -> bool:
    """Whether a period cell holds a plan for its period (not empty, not a dash, not a report of what is done)."""
    v = cell.strip()
    return bool(v) and v not in EMPTY_MARKS and not re.match(table_lexicon()["no_plan"], v)


def table_drafts(text: str, layouts: list[Layout], ann: Annotations, *, doc_date) -> list:
    from taizhang.extract.deadlines import period_end
    from taizhang.extract.tasks import Draft

    drafts = []
    for lay in layouts:
        cols, is_project = lay.cols, lay.is_project
        prev_units: dict[int, list[A.UnitRef]] = {}
        for row in lay.rows:
            units: list[A.UnitRef] = []
            row_units: dict[int, list[A.UnitRef]] = {}
            task_cells = []
            deadline_cells: list[tuple[int, int]] = []
            progress_cells: list[tuple[int, int]] = []
            periods = []
            placed = [(p.col, (p.value, p.start, p.end)) for p in row.placed]
            wrapped_end = 0
            for p in row.placed:
                ci = p.col
                col = cols[min(ci, len(cols) - 1)]
                v = p.value.strip()
                if not v or v in EMPTY_MARKS or col.kind in ("number", "money"):
                    continue
                parts = p.parts  # a cell wrapped onto the lines below its row
                wrapped_end = max(wrapped_end, parts[-1][1])
                if col.kind in ("lead", "support", "implementing"):
                    for a, b in parts:
                        row_units.setdefault(ci, []).extend(ann.cell_units.get((a, b), []))
                elif col.kind == "period":
                    if _is_plan(v):
                        periods.append(col)
                    deadline_cells += parts  # explicit dates written inside a plan cell count as well
                elif col.kind == "deadline":
                    deadline_cells += parts
                elif col.kind == "progress":
                    progress_cells += parts
                else:
                    task_cells += parts
            # responsibility cells merged from the row above: with no lead unit of its own, a row takes the
            # above row's units for every unit column it leaves empty (a lead given alone keeps an empty support)
            lead_cols = [i for i, c in enumerate(cols) if c.kind == "lead"]
            own_lead = any(row_units.get(i) for i in lead_cols) if lead_cols else bool(row_units)
            if not own_lead and prev_units:
                for ci, us in prev_units.items():
                    row_units.setdefault(ci, us)
            if row_units:
                prev_units = dict(row_units)
            for ci in sorted(row_units):
                units += row_units[ci]
            # a merged block of period columns (fewer cells than columns) holds a plan for every period it spans
            # a row with fewer cells than columns: merged plan cells cover the missing period columns — all of
            # them, or, where a dash marks periods without plan, each plan cell up to the next cell that is there
            period_cols = [ci for ci, c in enumerate(cols) if c.kind == "period"]
            if row.n_cells < len(cols) and period_cols and periods:
                present = {ci for ci, _ in placed}
                if all(ci in present for ci in period_cols):
                    pass
                elif any(cols[min(ci, len(cols) - 1)].kind == "period" and v.strip() in EMPTY_MARKS - {""}
                         for ci, (v, _s, _e) in placed):
                    spread: list[Column] = []
                    for ci, (val, _s, _e) in placed:
                        if cols[min(ci, len(cols) - 1)].kind != "period" or not _is_plan(val):
                            continue
                        j = ci + 1
                        while j in period_cols and j not in present:
                            spread.append(cols[j])
                            j += 1
                    periods += [c for c in spread if c not in periods]
                else:
                    periods = [cols[ci] for ci in period_cols]
                periods.sort(key=lambda c: cols.index(c))
            if not task_cells and not units:
                continue
            row_cells = [(s, e) for ci, (val, s, e) in placed
                         if val.strip() and val.strip() not in EMPTY_MARKS
                         and cols[min(ci, len(cols) - 1)].kind != "number" and not NUMBER_CELL.match(val)]
            if not row_cells:
                continue
            s0, e0 = _strip(text, row_cells[0][0], max(wrapped_end, *(e for _, e in row_cells)))
            kind = "project" if is_project else "table_row"
            title_cell = task_cells[0] if task_cells else row_cells[0]
            d = Draft(kind, s0, e0, number=None, title=_cell_title(text, *title_cell))
            d.units = units
            d.deadline_regions = [(s, e) for s, e in task_cells] + deadline_cells
            d.status = next((st for a, b in progress_cells if (st := ann.status_in(a, b))), None)
            d.flag_regions += progress_cells  # 已完成整改，长期坚持: the progress cell says it is kept up
            for col in periods:
                if period_end(col.label, doc_date=doc_date) is not None:
                    d.extra_deadlines.append((col.label, col.start, col.end, "by"))
            drafts.append(d)
    return drafts


def _cell_title(text: str, s: int, e: int) -> str:
    """A row's title: its first non-empty text cell after 序号, its paragraphs joined."""
    return "".join(line.strip() for line in text[s:e].splitlines() if line.strip())
