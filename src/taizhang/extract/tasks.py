"""Tasks of a plan document (the kinds: docs/dev/glossary.md, tasks).

Kinds: ``problem`` (a rectification or progress-report problem with its field block), ``measure`` (a paragraph or
item closed by a responsibility note; the lowest numbered items of a plan without notes), ``subtask`` (一是…二是…
parts of a task), ``table_row`` and ``project`` (see :mod:`taizhang.extract.tables`).

The extractor works on drafts (spans and unit references); :func:`finish` turns them into ledger tasks with
deadlines, flags and resolved units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from taizhang.document import Table
from taizhang.extract import assign as A
from taizhang.extract.annotate import Annotations
from taizhang.extract.assign import strip_span as _strip
from taizhang.ledger import ExtractionWarning
from taizhang.segment.outline import Line, Node, Outline, inline_parts
from taizhang.text.basics import load_yaml

SUB_STYLES = ("pnum", "circ")


@dataclass
class Draft:
    kind: str
    start: int
    end: int
    number: str | None = None
    title: str = ""
    units: list[A.UnitRef] = field(default_factory=list)
    deadline_regions: list[tuple[int, int]] = field(default_factory=list)
    body_end: int | None = None  # where the task's own text ends before the note closing it
    # read only when the deadline regions give no dated deadline (a problem's dated 整改目标)
    fallback_regions: list[tuple[int, int]] = field(default_factory=list)
    # regions where only the flags are read (a progress field: …已经完成，长期坚持)
    flag_regions: list[tuple[int, int]] = field(default_factory=list)
    # regions where only a planned date counts (a progress field: …正在推进，计划9月底前完成)
    plan_regions: list[tuple[int, int]] = field(default_factory=list)
    extra_deadlines: list[tuple[str, int, int, str]] = field(default_factory=list)  # (label, s, e, type)
    status: str | None = None
    goal: tuple[int, int] | None = None
    measures: list[tuple[int, int]] = field(default_factory=list)
    measures_count: int | None = None
    parent: Draft | None = None
    section: str | None = None
    inherit: list[A.UnitRef] = field(default_factory=list)  # implementing units for this and every later task


@lru_cache(maxsize=1)
def sections_lexicon() -> dict:
    return load_yaml("taizhang.extract", "data/sections.yaml")


def is_excluded_section(node: Node) -> bool:
    """Guiding ideology, principles, safeguards …: their unnoted items are not tasks."""
    words = sections_lexicon()["not_tasks"]
    for n in [node, *node.ancestors()]:
        t = n.title
        if len(t) <= 16 and any(w in t for w in words):
            return True
    return False


def is_goal_section(node: Node) -> bool:
    from taizhang.extract.targets import is_goal_heading

    return any(is_goal_heading(n.title) for n in [node, *node.ancestors()])


def _descendants(node: Node):
    for c in node.children:
        yield c
        yield from _descendants(c)


def _section(node: Node | None) -> str | None:
    if node is None:
        return None
    return " / ".join(n.title for n in reversed([node, *node.ancestors()]) if n.title)


# ---------------------------------------------------------------------------------------------- measures
def _is_sub(node: Node) -> bool:
    return node.style in SUB_STYLES and any(a.style in ("num", "pcn") for a in node.ancestors())


def find_measures(ol: Outline, covered: set[int], ann: Annotations, warnings: list[ExtractionWarning], *,
                  report: bool = False) -> list[Draft]:
    """Measures of a plan, their units from the notes annotated on their lines (``ann``). In a progress report
    (``report``) only the items of its next steps (下步计划)."""
    drafts = _find_measures(ol, covered, ann, warnings)
    if report:
        words = sections_lexicon()["next_steps"]
        drafts = [d for d in drafts if d.section and any(w in d.section for w in words)]
    return drafts


def _find_measures(ol: Outline, covered: set[int], ann: Annotations, warnings: list[ExtractionWarning]
                   ) -> list[Draft]:
    text = ol.text
    drafts: list[Draft] = []
    pending: Line | None = None
    noted_nodes: set[int] = set()

    def in_problem(ln: Line) -> bool:
        return id(ln) in covered or (ln.node is not None and id(ln.node) in covered)

    for ln in ol.lines:
        if isinstance(ln.block, Table):
            pending = None
            continue
        if in_problem(ln):
            pending = None
            continue
        node = ln.heads
        if node is not None:
            if node.style == "annex" or (node.level == 1 and node.heading_only):
                pending = None
            elif (pending is not None and pending.heads is not None and pending.heads.heading_only
                  and pending.heads.level > 1 and _is_sub(node) and pending.heads in node.ancestors()):
                pass  # 3.加强城区河道整治工程 / （1）…: the heading joins its first sub-item
            else:
                pending = ln
        elif pending is None:
            pending = ln
        notes = ann.notes.get(ln.start, [])
        if not notes:
            fm = A.field_regex().match(text, ln.start, ln.end)
            if fm and A.field_kind(fm.group("name")) == "deadline" and pending is ln and drafts \
                    and not text[drafts[-1].end:ln.start].strip():
                # 完成时限：… on a line of its own under a task's label lines
                d = drafts[-1]
                d.deadline_regions.append((fm.end(), ln.end))
                d.end = _strip(text, d.start, ln.end)[1]
                pending = None
            continue
        note = notes[0]
        if len(notes) == 1 and note.labelled and pending is ln and drafts \
                and note.start == _strip(text, ln.start, ln.end)[0] and not text[drafts[-1].end:ln.start].strip():
            # a field line right under a task's own labels or note (牵头单位：X / 配合单位：Y on lines of their own)
            d = drafts[-1]
            d.units += note.units
            d.deadline_regions.append((note.start, note.end))
            d.end = _strip(text, d.start, ln.end)[1]
            pending = None
            continue
        start_line = pending or ln
        owner = start_line.heads or start_line.node
        seg_start = start_line.content_start
        for k, note in enumerate(notes):
            # each note closes the text since the note before it; text after the last note stays with the last
            last = k == len(notes) - 1
            s, e = _strip(text, seg_start, ln.end if last else max(note.closes, note.end))
            if e <= s:
                continue
            d = Draft("measure", s, e, number=owner.path if owner else None,
                      title=_title_of(text, s, e), section=_section(owner))
            d.units = list(note.units)
            # a deadline anywhere in the task's own text is the task's, its note included (…，2024年底前完成）)
            d.deadline_regions.append((s, e))
            d.body_end = note.start
            d.inherit = note.inherit
            _handling_result(text, d, s, e, ann)
            drafts.append(d)
            seg_start = max(note.closes, note.end)
        for n in [ln.node, *(ln.node.ancestors() if ln.node else [])]:
            if n is not None:
                noted_nodes.add(id(n))
        pending = None

    # lowest numbered items without any note
    for node in ol.nodes:
        if node.children or id(node) in covered or id(node) in noted_nodes or node.style == "annex":
            continue
        if is_excluded_section(node) or is_goal_section(node):
            continue
        lines = [ln for ln in node.lines if not isinstance(ln.block, Table)]
        if not lines or (node.heading_only and (node.level == 1 or (len(lines) == 1 and node.tables))):
            continue  # a section (一、重点工作 with prose under it) or a table's caption, not a work item
        s, e = _strip(text, node.content_start, max(ln.end for ln in lines))
        if e <= s:
            continue
        d = Draft("measure", s, e, number=node.path, title=node.title, section=_section(node))
        d.units = next((list(ann.inline_lead[x.start]) for x in lines if x.start in ann.inline_lead), None) \
            or next((list(ann.heading_units[id(n)]) for n in node.ancestors() if id(n) in ann.heading_units), [])
        d.deadline_regions.append((s, e))
        _reported_status(text, d, s, e, ann)
        drafts.append(d)
    drafts.sort(key=lambda d: d.start)
    return drafts


def _handling_result(text: str, d: Draft, s: int, e: int, ann: Annotations) -> None:
    """An item stating a problem and its handling result (…。责任单位：X。处理情况：已停业。) is a problem with a
    status: the first progress field of the item decides."""
    rx = A.field_regex()
    for m in re.finditer(r"(?:^|(?<=[。；;，,\s]))", text[s:e]):
        fm = rx.match(text, s + m.start(), e)
        if fm and A.field_kind(fm.group("name")) == "progress":
            nxt = _NEXT_FIELD.search(text, fm.end(), e)
            status = ann.status_in(fm.end(), nxt.start() if nxt else e)
            if status:
                d.kind, d.status = "problem", status
            return


def _reported_status(text: str, d: Draft, s: int, e: int, ann: Annotations) -> None:
    """An item of a rectification report that states its problem, then says how far it is (…未完成。该问题已完成
    整改。一是…二是…): a problem with that status, its 一是…二是… parts its measures."""
    m = ann.report_in(s, e) or _handling_sentence(text, s, e, ann)
    if m is None:
        return
    status = ann.status_in(m[0], m[1])
    if status:
        d.kind, d.status = "problem", status
        d.deadline_regions = [(s, m[0])] if m[0] > s else []
        d.plan_regions.append((m[0], e))
        parts = inline_parts(text, m[1], e)
        d.measures = [_strip(text, cs, pe) for _ms, cs, pe in parts]
        d.measures_count = len(d.measures) or None


def _handling_sentence(text: str, s: int, e: int, ann: Annotations) -> tuple[int, int] | None:
    """In an item that names a problem in its first sentence (东关村养殖场粪污直排问题。砂场已拆除，场地已复绿。),
    the rest when it reports a handling result: a status phrase of something already done (已…) or under way."""
    k = s
    while k < e and text[k] not in "。；;\n":
        k += 1
    if k >= e or not text[s:k].rstrip().endswith("问题"):
        return None
    rest = (k + 1, e)
    hits = [w for a, b, w in ann.statuses if rest[0] <= a and b <= rest[1]]
    if not hits or not (hits[0].startswith("已") or ann.status_in(*rest) == "in_progress"):
        return None
    return rest


_NEXT_FIELD = re.compile(r"[。；;，,](?=[\u4e00-\u9fff]{2,8}[：:])")


def _title_of(text: str, s: int, e: int) -> str:
    j = s
    while j < e and text[j] not in "。；;：:\n":
        j += 1
    return text[s:j].strip()


def add_subtasks(text: str, drafts: list[Draft]) -> list[Draft]:
    """一是…二是… parts of a measure become its subtasks, carrying the parent's units. A deadline or flag written
    inside a part is the part's; the parent holds every deadline and flag of its whole text, its parts' included
    (as the dev gold does for deadlines)."""
    out: list[Draft] = []
    for d in drafts:
        out.append(d)
        if d.kind != "measure":
            continue
        end = d.body_end if d.body_end is not None else d.end
        parts = inline_parts(text, d.start, end)
        subs = []
        for _ms, cs, pe in parts:
            s, e = _strip(text, cs, pe)
            if e <= s:
                continue
            sub = Draft("subtask", s, e, number=d.number, title=_title_of(text, s, e), parent=d, section=d.section)
            sub.units = list(d.units)
            sub.deadline_regions.append((s, e))
            subs.append(sub)
        out += subs
    return out
