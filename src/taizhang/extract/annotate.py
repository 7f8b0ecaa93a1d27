"""The annotate stage: everything the data-driven grammars find in a segmented document, as spans, in one pass.

Input: the normal text, its outline, field blocks and table layouts (:mod:`taizhang.segment`). Output:
:class:`Annotations` — every responsibility note (units with their roles), every unit field of a block and unit
cell of a table, the bodies named by section headings, the inheritance sentences, every date, flag word, status
phrase and report sentence, and the targets of the goal sections. Nothing here decides what a task is: the
assemblers (:mod:`taizhang.extract.tasks`, :mod:`~taizhang.extract.problems`, :mod:`~taizhang.extract.tables`)
attach these spans to tasks by scope, and the resolve stage resolves the units and the year-less dates.
"""

from __future__ import annotations

import bisect
import datetime
import re
from dataclasses import dataclass, field

from taizhang.document import Table
from taizhang.extract import assign as A
from taizhang.extract import cells as C
from taizhang.extract import notes as N
from taizhang.extract.deadlines import find_deadlines, is_planned
from taizhang.extract.flags import FlagHit, flag_hits, flags_of
from taizhang.extract.status import field_hits, report_sentences, status_hits, status_of
from taizhang.ledger import Deadline, Target
from taizhang.segment.blocks import Block
from taizhang.segment.outline import Node, Outline
from taizhang.segment.tables import Layout

_YEAR_RX = re.compile(r"((?:19|20)\d{2})\s*年")
UNIT_COLUMNS = {"lead": "lead_strict", "support": A.SUPPORT, "implementing": A.IMPL}


@dataclass
class DateSpan:
    deadline: Deadline  # its date is None when the phrase names no year and the document has no date
    explicit_year: bool  # the phrase writes its year (2019年…)
    planned: bool  # a plan word announces it in its clause (…正在推进，计划9月底前完成)


@dataclass
class Annotations:
    text: str
    notes: dict[int, list[N.Note]] = field(default_factory=dict)  # line start → its notes, in order
    inline_lead: dict[int, list[A.UnitRef]] = field(default_factory=dict)  # line start → 由X牵头负责
    heading_units: dict[int, list[A.UnitRef]] = field(default_factory=dict)  # id(node) → bodies its title names
    inherit: list[tuple[int, list[A.UnitRef]]] = field(default_factory=list)  # 以下均需…不再列出 outside notes
    field_units: dict[int, list[A.UnitRef]] = field(default_factory=dict)  # id(field) → units of its value
    cell_units: dict[tuple[int, int], list[A.UnitRef]] = field(default_factory=dict)  # cell part → units
    dates: list[DateSpan] = field(default_factory=list)
    flags: list[FlagHit] = field(default_factory=list)
    statuses: list[tuple[int, int, str]] = field(default_factory=list)
    status_labels: list[int] = field(default_factory=list)
    reports: list[tuple[int, int]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    _date_starts: list[int] = field(default_factory=list)
    _flag_starts: list[int] = field(default_factory=list)

    def dates_in(self, start: int, end: int) -> list[DateSpan]:
        """The dates written inside text[start:end]."""
        k = bisect.bisect_left(self._date_starts, start)
        out = []
        while k < len(self.dates) and self.dates[k].deadline.span[0] < end:
            if self.dates[k].deadline.span[1] <= end:
                out.append(self.dates[k])
            k += 1
        return out

    def flags_in(self, start: int, end: int) -> tuple[bool, bool]:
        if len(self._flag_starts) != len(self.flags):
            self._flag_starts = [f.start for f in self.flags]
        # the hits from the segment holding ``start`` (it may begin before it) to ``end``
        a = max(0, bisect.bisect_right(self._flag_starts, start) - 1)
        while a > 0 and self.flags[a].kind != "segment":
            a -= 1
        return flags_of(self.flags[a:bisect.bisect_left(self._flag_starts, end)], start, end)

    def status_in(self, start: int, end: int) -> str | None:
        """The status the report text[start:end] states (see :func:`taizhang.extract.status.find_status`)."""
        return status_of(self.statuses, self.status_labels, start, end)

    def report_in(self, start: int, end: int) -> tuple[int, int] | None:
        """The first sentence inside text[start:end] that says how far its problem is (该问题已完成整改。)."""
        return next(((a, b) for a, b in self.reports if start <= a < end), None)


def annotate(ol: Outline, blocks: list[Block], layouts: list[Layout], covered: set[int], *,
             doc_date: datetime.date | None, plan_year: int | None) -> Annotations:
    """Every annotation of a segmented document (``covered``: ids of the lines and nodes of field blocks)."""
    text = ol.text
    ann = Annotations(text)
    layouts_tables = [ln.block for ln in ol.lines if isinstance(ln.block, Table)]
    order = A.OrderState()  # an order convention (排在第一位的为牵头单位，下同) carried through the document
    containers: list[tuple[int, int]] = []  # the runs of lines between tables, and the table cells
    for ln in ol.lines:
        if isinstance(ln.block, Table):
            continue
        if containers and not any(t.start < ln.start and t.end > containers[-1][0] for t in layouts_tables):
            containers[-1] = (containers[-1][0], ln.end)
        else:
            containers.append((ln.start, ln.end))
        units = N.standalone_inherit(text, ln.start, ln.end)
        if units:
            ann.inherit.append((ln.start, units))
        if id(ln) in covered or (ln.node is not None and id(ln.node) in covered):
            continue
        ann.notes[ln.start] = N.find_notes(text, ln.start, ln.end, order=order)
        lead = N.find_inline_lead(text, ln.start, ln.end)
        if lead:
            ann.inline_lead[ln.start] = lead
    for node in ol.nodes:
        units = _heading_units(text, node)
        if units:
            ann.heading_units[id(node)] = units
    for b in blocks:
        # 牵头部门：X / 责任部门：Y in one block: Y supports (a department) or carries it out (a territorial body)
        labelled_lead = any(f.kind == "lead" for f in b.fields)
        for f in b.fields:
            if f.kind in A.UNIT_FIELD_KINDS:
                vs, ve = A.strip_span(text, f.value_start, f.value_end)
                ann.field_units[id(f)] = A.parse_field_units(text, vs, ve, f.kind, beside_lead=labelled_lead)
    for lay in layouts:
        for row in lay.rows:
            for p in row.placed:
                if not p.value.strip():
                    continue
                containers += p.parts
                kind = lay.cols[min(p.col, len(lay.cols) - 1)].kind
                if kind in UNIT_COLUMNS:
                    for a, b in p.parts:
                        ann.cell_units[(a, b)] = C.units_in_cell(text, a, b, UNIT_COLUMNS[kind])
    _dates(ann, sorted(set(containers)), doc_date)
    for a, b in sorted(set(containers)):
        ann.flags += flag_hits(text[a:b], a)
    ann.flags.sort(key=lambda f: (f.start, f.kind != "segment"))
    ann.statuses = status_hits(text)
    ann.status_labels = list(field_hits(text))
    ann.reports = report_sentences(text)
    ann.targets = _targets(ol, blocks, doc_date, plan_year)
    return ann


def _dates(ann: Annotations, containers: list[tuple[int, int]], doc_date) -> None:
    text = ann.text
    seen: set[tuple[int, int]] = set()
    for a, b in containers:
        for dl in find_deadlines(text[a:b], doc_date=doc_date, offset=a, unique=False):
            key = (dl.span[0], dl.span[1])
            if key in seen:
                continue
            seen.add(key)
            ann.dates.append(DateSpan(dl, bool(_YEAR_RX.search(dl.text)), is_planned(text[a:b], dl.span[0] - a)))
    ann.dates.sort(key=lambda d: d.deadline.span[0])
    ann._date_starts = [d.deadline.span[0] for d in ann.dates]


def _heading_units(text: str, node: Node) -> list[A.UnitRef]:
    """The body a heading names when its whole title is one (（三）甲县政府)."""
    from taizhang.resolve import looks_like_unit

    a, b = A.strip_span(text, *node.title_span)
    title = text[a:b]
    if not node.heading_only or not title or len(title) > 20 or not looks_like_unit(title):
        return []
    units = A._units_in(text, a, b, "lead_or_implementing")
    return units if units and all(looks_like_unit(u.raw) for u in units) else []


def _targets(ol: Outline, blocks: list[Block], doc_date, plan_year: int | None) -> list[Target]:
    """Targets of the goal sections (found by their headings, tables excluded) and of 整改目标 fields."""
    from taizhang.extract.targets import extract_targets, goal_section_spans

    text = ol.text
    spans = goal_section_spans(text)
    for b in blocks:
        goal = next((f for f in b.fields if f.kind == "goal"), None)
        if goal is not None:
            spans.append(A.strip_span(text, goal.value_start, goal.value_end))
    return list(extract_targets(text, spans, doc_year=doc_date.year if doc_date else None, plan_year=plan_year))
