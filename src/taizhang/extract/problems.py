"""Problems of rectification lists and progress reports: a problem statement with its field block.

Two shapes (docs/dev/glossary.md, kind ``problem``):

* a numbered item followed by field lines (责任单位： 整改时限： 整改目标： 整改措施： 整改进展：);
* a problem written as a field itself (问题编号5： / 转办问题基本情况： / 存在问题：), its fields on the lines after it,
  numbered or not (一、问题基本情况：… 二、整改情况：… 三、验收情况：…), as inspection lists and 销号 notices print them.

A block is a problem when it has fields of at least two kinds, one of them a unit, deadline, goal, measures or
progress field. The problem's status is read from its progress fields (已完成整改 / 已停业 / 已拆除 → completed).
Field names live in ``data/roles.yaml`` (fields:).
"""

from __future__ import annotations

from dataclasses import dataclass

from taizhang.document import Table
from taizhang.extract import assign as A
from taizhang.extract.assign import strip_span as _strip
from taizhang.extract.status import find_status
from taizhang.extract.tasks import Draft, _descendants, _section
from taizhang.segment.outline import Line, Node, Outline

PROBLEM_KINDS = {"deadline", "goal", "measures", "progress", "unit"}
RECTIFICATION_KINDS = {"goal", "measures", "progress"}  # a problem has one of these (or an 整改… field)


@dataclass
class FieldLine:
    kind: str
    name: str
    line: Line
    value_start: int


def _fields(ol: Outline, node: Node) -> list[FieldLine]:
    rx = A.field_regex()
    out = []
    for ln in node.lines:
        if ln.node is not node or ln.heads is node or isinstance(ln.block, Table):
            continue
        m = rx.match(ol.text, ln.start, ln.end)
        if m:
            out.append(FieldLine(A.field_kind(m.group("name")), m.group("name"), ln, m.end()))
    return out


def find_problems(ol: Outline) -> tuple[list[Draft], set[int]]:
    """Problems: numbered nodes followed by a field block. Returns drafts and the node ids they cover."""
    text = ol.text
    drafts: list[Draft] = []
    covered: set[int] = set()
    for node in ol.nodes:
        if id(node) in covered:
            continue
        fl = _fields(ol, node)
        if not fl or not ({f.kind for f in fl} & PROBLEM_KINDS) or len({f.kind for f in fl}) < 2:
            continue
        if not any(f.kind in RECTIFICATION_KINDS or f.name.startswith("整改") for f in fl):
            continue  # units and a time limit under a plan item: its responsibility note (a measure)
        first_field = min(f.line.start for f in fl)
        body_lines = [ln for ln in node.lines if ln.start < first_field and ln.node is node]
        s = node.content_start
        e = max((ln.end for ln in body_lines), default=node.line_end)
        s, e = _strip(text, s, e)
        d = Draft("problem", s, e, number=node.path, title=node.title, section=_section(node))
        measures_line = None
        for f in fl:
            vs, ve = _strip(text, f.value_start, f.line.end)
            if f.kind in A.UNIT_FIELD_KINDS:
                d.units += A.parse_field_units(text, vs, ve, f.kind)
            elif f.kind == "deadline":
                d.deadline_regions.append((vs, ve))
            elif f.kind == "goal":
                d.goal = (vs, ve)
            elif f.kind == "measures":
                measures_line = f.line
            elif f.kind == "progress":
                d.status = d.status or find_status(text[vs:ve])
        kids = [c for c in node.children]
        if kids:
            d.measures = [_strip(text, c.content_start, c.end) for c in kids]
        else:
            after = measures_line.end if measures_line else max(f.line.end for f in fl)
            d.measures = [_strip(text, ln.content_start, ln.end) for ln in node.lines
                          if ln.start >= after and ln.node is node and not A.field_regex().match(text, ln.start, ln.end)]
        d.measures_count = len(d.measures)
        drafts.append(d)
        covered.add(id(node))
        for c in _descendants(node):
            covered.add(id(c))
    more, lines = find_labelled_problems(ol, covered)
    drafts += more
    covered |= lines
    drafts.sort(key=lambda d: d.start)
    return drafts, covered


def _field_at(ol: Outline, ln: Line):
    """The field label at the head of a line (after its numbering, if any): (kind, name, value start)."""
    rx = A.field_regex()
    for at in dict.fromkeys((ln.start, ln.content_start)):
        m = rx.match(ol.text, at, ln.end)
        if m:
            return A.field_kind(m.group("name")), m.group("name"), m.end()
    return None


def find_labelled_problems(ol: Outline, covered: set[int]) -> tuple[list[Draft], set[int]]:
    """Problems written as a field (问题编号5：…, 问题基本情况：…) with their fields on the following lines.
    Returns the drafts and the ids of the lines and nodes they cover."""
    text = ol.text
    out: list[Draft] = []
    used: set[int] = set()
    lines = [ln for ln in ol.lines if not isinstance(ln.block, Table)
             and not (ln.node is not None and id(ln.node) in covered)]
    i = 0
    while i < len(lines):
        ln = lines[i]
        f = _field_at(ol, ln)
        if f is None or f[0] != "problem":
            i += 1
            continue
        block = [(ln, f)]
        j = i + 1
        while j < len(lines):
            g = _field_at(ol, lines[j])
            if g is None or g[0] == "problem":
                break
            block.append((lines[j], g))
            j += 1
        kinds = {k for _ln, (k, _n, _v) in block[1:]}
        if not kinds & PROBLEM_KINDS:
            i += 1
            continue
        s, e = _strip(text, f[2], ln.end)
        owner = ln.heads or ln.node
        d = Draft("problem", s, e, number=owner.path if ln.heads is not None else None,
                  title=text[s:e].split("。", 1)[0][:60], section=_section(owner.parent if ln.heads else owner))
        for fl, (kind, _name, vs0) in block[1:]:
            vs, ve = _strip(text, vs0, fl.end)
            if kind in A.UNIT_FIELD_KINDS:
                d.units += A.parse_field_units(text, vs, ve, kind)
            elif kind == "deadline":
                d.deadline_regions.append((vs, ve))
            elif kind == "goal":
                d.goal = (vs, ve)
            elif kind == "measures":
                d.measures.append((vs, ve))
            elif kind == "progress":
                d.status = d.status or find_status(text[vs:ve])
        d.measures_count = len(d.measures) or None
        out.append(d)
        for fl, _f in block:
            used.add(id(fl))
            if fl.heads is not None:
                used.add(id(fl.heads))
        i = j
    return out, used


