"""Problems of rectification lists and progress reports: a ``problem`` draft per field block.

The blocks are found by :mod:`taizhang.segment.blocks` (a numbered problem with its field lines, or a problem
written as a field: 问题编号5：…, 问题描述：…). Here their fields are read: units from the unit fields, deadlines
from the time-limit fields (a dated 整改目标 when the time limit names no date: 整改时限：立行立改), the planned
date of a progress field (计划9月底前完成), the status from the progress fields (已完成整改 / 已经完成 / 已停业 →
completed; 正在推进 → in_progress) and the numbered measures (counted; they are not tasks, and the dates inside
them are not the problem's). Dates in the problem as stated (2015年7月，某县同意…) are not deadlines either.
"""

from __future__ import annotations

import re

from taizhang.extract import assign as A
from taizhang.extract.annotate import Annotations
from taizhang.extract.assign import strip_span as _strip
from taizhang.extract.status import find_status
from taizhang.extract.tasks import Draft, _section
from taizhang.segment.blocks import Block, Field, find_blocks
from taizhang.segment.outline import Outline

# numbered measures written inline: 1、…；2、…  /  1.…。2.…  /  1）…；2）…
_INLINE_ITEM = re.compile(r"(?:^|(?<=[。；;，,：:\s]))(?P<n>[0-9０-９]{1,2})\s*[、.．)）](?![0-9０-９])")
_FW = str.maketrans("０１２３４５６７８９", "0123456789")


def problem_blocks(ol: Outline) -> tuple[list[Block], set[int]]:
    """The field blocks of the outline and the ids of the lines and nodes they cover (segment stage)."""
    text = ol.text

    def is_report(f: Field) -> bool:  # a numbered item with only 整改进展：已完成 under it
        return find_status(text[f.value_start:f.value_end]) is not None

    blocks = find_blocks(ol, is_report=is_report)
    covered = {id(ln) for b in blocks for ln in b.lines} | {id(n) for b in blocks for n in b.nodes}
    return blocks, covered


def find_problems(ol: Outline, blocks: list[Block], ann: Annotations) -> list[Draft]:
    """A problem draft per field block, its units and status from the annotations."""
    return [_draft(ol, b, ann) for b in blocks]


def _draft(ol: Outline, b: Block, ann: Annotations) -> Draft:
    text = ol.text
    s, e = _strip(text, b.start, b.end)
    s = _after_inline_label(text, s, e)
    node = b.node
    if b.labelled:
        owner = node or b.lines[0].node
        d = Draft("problem", s, e, number=node.path if node else None, title=text[s:e].split("。", 1)[0][:60],
                  section=_section(owner.parent if node is not None else owner))
    else:
        d = Draft("problem", s, e, number=node.path, title=node.title, section=_section(node))
    measures: list[tuple[int, int]] = []
    progress_items: list[tuple[int, int]] = []
    for f in b.fields:
        vs, ve = _strip(text, f.value_start, f.value_end)
        if f.kind in A.UNIT_FIELD_KINDS:
            d.units += ann.field_units.get(id(f), [])
        elif f.kind == "deadline":
            d.deadline_regions.append((vs, ve))
        elif f.kind == "goal":
            d.goal = d.goal or (vs, ve)
            d.fallback_regions.append((vs, ve))  # a dated goal, when the time limit names no date
        elif f.kind == "measures":
            measures += _measures(ol, f, vs, ve)
        elif f.kind == "progress":
            d.status = d.status or ann.status_in(vs, ve)
            d.plan_regions.append((vs, ve))
            d.flag_regions.append((vs, ve))  # …已经完成，长期坚持
            progress_items += _items(ol, f, vs, ve)
    if not b.labelled and node is not None and node.children:
        measures = [_strip(text, c.content_start, c.end) for c in node.children]
    elif not b.labelled and not measures:
        # the numbered item's lines below its fields (its measures written without a 整改措施 label)
        last = max(ln.end for f in b.fields for ln in f.lines)
        field_lines = {id(ln) for f in b.fields for ln in f.lines}
        measures = [_strip(text, ln.content_start, ln.end) for ln in node.lines
                    if ln.start >= last and ln.node is node and id(ln) not in field_lines]
    if not measures:
        measures = progress_items
    d.measures = measures
    d.measures_count = len(measures) or None
    return d


def _after_inline_label(text: str, s: int, e: int) -> int:
    """A problem run into its heading (一、认识不深（一）部分干部…): the problem starts after the numbering."""
    m = re.match(r"(?:[一二三四五六七八九十]{1,3}、[^，。；：\n]{0,15}?)?[（(][一二三四五六七八九十]{1,3}[)）]", text[s:e])
    return s + m.end() if m and m.end() < e - s else s


def _items(ol: Outline, f: Field, vs: int, ve: int) -> list[tuple[int, int]]:
    """Numbered items of a field's value: the numbered lines below it (the lowest ones), else items written
    inline (1、…；2、…)."""
    text = ol.text
    nodes = [ln.heads for ln in f.lines[1:] if ln.heads is not None]
    leaves = [n for n in nodes if not n.children]
    if leaves:
        return [_strip(text, n.content_start, n.end) for n in leaves]
    found = []
    expect = 1
    for m in _INLINE_ITEM.finditer(text, vs, ve):
        if int(m.group("n").translate(_FW)) == expect:
            found.append(m.start("n"))
            expect += 1
    if len(found) >= 2:
        return [_strip(text, a, b) for a, b in zip(found, [*found[1:], ve], strict=True)]
    return []


def _measures(ol: Outline, f: Field, vs: int, ve: int) -> list[tuple[int, int]]:
    """The measures of a 整改措施 field: its numbered items, else its lines, else its value."""
    items = _items(ol, f, vs, ve)
    if items:
        return items
    text = ol.text
    if len(f.lines) > 1:
        return [_strip(text, ln.content_start, ln.end) for ln in f.lines[1:] if text[ln.start:ln.end].strip()]
    return [(vs, ve)] if ve > vs else []
