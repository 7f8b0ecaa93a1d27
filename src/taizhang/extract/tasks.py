"""Tasks of a plan document, following ../shared/gold/README.md.

Kinds: ``problem`` (a rectification or progress-report problem with its field block), ``measure`` (a paragraph or
item closed by a responsibility note; the lowest numbered items of a plan without notes), ``subtask`` (一是…二是…
parts of a task), ``table_row`` and ``project`` (see :mod:`taizhang.extract.tables`).

The extractor works on drafts (spans and unit references); :func:`finish` turns them into ledger tasks with
deadlines, flags and resolved units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from taizhang.document import Table
from taizhang.extract import notes as N
from taizhang.extract.notes import strip_span as _strip
from taizhang.ledger import Warning
from taizhang.segment.outline import Line, Node, Outline, inline_parts

SUB_STYLES = ("pnum", "circ")


@dataclass
class Draft:
    kind: str
    start: int
    end: int
    number: str | None = None
    title: str = ""
    units: list[N.UnitRef] = field(default_factory=list)
    deadline_regions: list[tuple[int, int]] = field(default_factory=list)
    extra_deadlines: list[tuple[str, int, int, str]] = field(default_factory=list)  # (label, s, e, type)
    status: str | None = None
    goal: tuple[int, int] | None = None
    measures: list[tuple[int, int]] = field(default_factory=list)
    measures_count: int | None = None
    parent: Draft | None = None
    section: str | None = None


@lru_cache(maxsize=1)
def sections_lexicon() -> dict:
    with resources.files("taizhang.extract").joinpath("data/sections.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def is_excluded_section(node: Node) -> bool:
    """Guiding ideology, principles, safeguards …: their unnoted items are not tasks."""
    words = sections_lexicon()["not_tasks"]
    for n in [node, *node.ancestors()]:
        t = n.title
        if len(t) <= 16 and any(w in t for w in words):
            return True
    return False


def is_goal_section(node: Node) -> bool:
    try:
        from taizhang.extract.targets import is_goal_heading
    except ImportError:  # the targets module is not there yet
        def is_goal_heading(h: str) -> bool:
            return len(h) <= 16 and any(w in h for w in sections_lexicon()["goals"])
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


def find_measures(ol: Outline, covered: set[int], warnings: list[Warning]) -> list[Draft]:
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
        note = N.find_note(text, ln.start, ln.end) or N.find_label_note(text, ln.start, ln.end)
        if note is None:
            continue
        if note.labelled and pending is ln and drafts and note.start == _strip(text, ln.start, ln.end)[0] \
                and not text[drafts[-1].end:ln.start].strip():
            # a field line right under a task's own labels or note (牵头单位：X / 配合单位：Y on lines of their own)
            d = drafts[-1]
            d.units += note.units
            d.deadline_regions.append((note.start, note.end))
            d.end = _strip(text, d.start, ln.end)[1]
            pending = None
            continue
        start_line = pending or ln
        s, e = _strip(text, start_line.content_start, ln.end)
        owner = start_line.heads or start_line.node
        d = Draft("measure", s, e, number=owner.path if owner else None,
                  title=_title_of(text, s, e), section=_section(owner))
        d.units = list(note.units)
        d.deadline_regions.append((s, note.start))
        if note.labelled:  # 完成时限：… among the labels
            d.deadline_regions.append((note.start, note.end))
        d._inherit = note.inherit  # type: ignore[attr-defined]
        drafts.append(d)
        for n in [ln.node, *(ln.node.ancestors() if ln.node else [])]:
            if n is not None:
                noted_nodes.add(id(n))
        pending = None
        if not note.units and note.inherit:
            pass

    # lowest numbered items without any note
    for node in ol.nodes:
        if node.children or id(node) in covered or id(node) in noted_nodes or node.style == "annex":
            continue
        if is_excluded_section(node) or is_goal_section(node):
            continue
        lines = [ln for ln in node.lines if not isinstance(ln.block, Table)]
        if not lines or (node.heading_only and len(lines) == 1 and (node.tables or node.level == 1)):
            continue
        s, e = _strip(text, node.content_start, max(ln.end for ln in lines))
        if e <= s:
            continue
        d = Draft("measure", s, e, number=node.path, title=node.title, section=_section(node))
        d.units = N.find_inline_lead(text, s, e)
        d.deadline_regions.append((s, e))
        drafts.append(d)
    drafts.sort(key=lambda d: d.start)
    return drafts


def _title_of(text: str, s: int, e: int) -> str:
    j = s
    while j < e and text[j] not in "。；;：:\n":
        j += 1
    return text[s:j].strip()


def add_subtasks(text: str, drafts: list[Draft], note_end: dict[int, int] | None = None) -> list[Draft]:
    """一是…二是… parts of a measure become its subtasks, carrying the parent's units."""
    out: list[Draft] = []
    for d in drafts:
        out.append(d)
        if d.kind != "measure":
            continue
        end = d.deadline_regions[0][1] if d.deadline_regions else d.end
        for _ms, cs, pe in inline_parts(text, d.start, end):
            s, e = _strip(text, cs, pe)
            if e <= s:
                continue
            sub = Draft("subtask", s, e, number=d.number, title=_title_of(text, s, e), parent=d, section=d.section)
            sub.units = list(d.units)
            sub.deadline_regions.append((s, e))
            out.append(sub)
    return out
