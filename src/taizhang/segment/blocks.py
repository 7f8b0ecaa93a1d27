"""Field blocks of rectification lists and progress reports: a problem as stated, then its labelled fields.

Shapes (docs/dev/extraction.md, segment):

* a numbered item followed by field lines (责任单位： 整改时限： 整改目标： 整改措施： 整改进展：), the item's own text being
  the problem (the fields may also be written without colon at the head of a line inside the item:
  整改时限2017年9月30日前, or as a line of their own: 整改措施);
* a problem written as a field itself (问题编号5： / 问题描述： / 整改任务：), its value on the same line or the lines
  below, then its fields, numbered or not (二、整改目标 / 三、整改措施 as headings of their own), until the next
  problem, a heading of the problem's level or a line that belongs to no field.

A field whose label line holds no value (整改目标：) takes the lines below it; a measures or progress field takes
every line below it that is not a field (its numbered measures). Field names: ``taizhang/text/data/fields.yaml``.
This module finds the blocks only; what the fields say is read by :mod:`taizhang.extract.problems`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from taizhang.document import Table
from taizhang.segment.outline import Line, Node, Outline
from taizhang.text import fields as F

PROBLEM_KINDS = {"deadline", "goal", "measures", "progress", "unit", "lead", "support", "implementing"}
RECTIFICATION_KINDS = {"goal", "measures", "progress"}  # a problem has one of these (or an 整改… field)
OPEN_KINDS = {"measures", "progress"}  # fields that take the lines below them
_IGNORED = {"leader", "supervisor", "analysis", "other"}


@dataclass
class Field:
    kind: str
    name: str
    line: Line
    value_start: int
    value_end: int
    heading: bool = False  # written as a line of its own (二、整改目标 / 整改措施)
    lines: list[Line] = field(default_factory=list)  # the lines it covers, its label's line first

    @property
    def open(self) -> bool:
        """Whether the field takes the lines below its label."""
        return self.heading or self.kind in OPEN_KINDS or not self.value_start < self.value_end

    def extend(self, ln: Line) -> None:
        if self.value_start >= self.value_end:  # the label line held no value: it starts below
            self.value_start = ln.content_start if ln.heads is None else ln.start
        self.lines.append(ln)
        self.value_end = ln.end


@dataclass
class Block:
    start: int  # the problem as stated
    end: int
    fields: list[Field]
    node: Node | None = None  # the numbered item the block is (path, section)
    labelled: bool = False  # the problem is written as a field (问题编号5：)
    lines: list[Line] = field(default_factory=list)  # every line of the block
    nodes: list[Node] = field(default_factory=list)  # every numbered node inside the block

    def kinds(self) -> set[str]:
        return {f.kind for f in self.fields} - _IGNORED


def label_at(ol: Outline, ln: Line, *, loose: bool = False) -> tuple[str, str, int, bool] | None:
    """The field label heading a line: (kind, name, value start, written as a heading). ``loose``: also a label
    without its colon (inside a block)."""
    text = ol.text
    rx = F.field_regex()
    for at in dict.fromkeys((ln.start, ln.content_start)):
        m = rx.match(text, at, ln.end)
        if m:
            return F.field_kind(m.group("name")), m.group("name"), m.end(), False
    title = text[ln.content_start:ln.end].strip()
    kind = F.heading_field(title) if len(title) <= 12 else None
    if kind is not None:
        return kind, title.rstrip("：: "), ln.end, True
    if loose:
        m = F.colonless_regex().match(text, ln.content_start, ln.end)
        if m:
            return F.field_kind(m.group("name")), m.group("name"), m.end(), False
    return None


def _field(ol: Outline, ln: Line, tag: tuple[str, str, int, bool]) -> Field:
    kind, name, vs, heading = tag
    end = ln.end
    while end > vs and ol.text[end - 1] in " \t\u3000":
        end -= 1
    return Field(kind, name, ln, min(vs, end), end, heading, [ln])


def _is_problem(kinds: set[str], fields: list[Field]) -> bool:
    if not kinds & PROBLEM_KINDS:
        return False
    if not (kinds & RECTIFICATION_KINDS or any(f.name.startswith("整改") for f in fields)):
        return False  # units and a time limit under a plan item: its responsibility note (a measure)
    return len(kinds) >= 2 or kinds == {"progress"}


def find_blocks(ol: Outline, *, is_report: callable = None) -> list[Block]:
    """Every field block of the outline, in order. ``is_report(field)``: whether a lone progress field states a
    status (a numbered item with only 整改进展：已完成 under it is a problem of a progress report)."""
    blocks: list[Block] = []
    covered: set[int] = set()
    for node in ol.nodes:
        if id(node) in covered:
            continue
        b = _numbered_block(ol, node, is_report)
        if b is not None:
            blocks.append(b)
            covered |= {id(n) for n in b.nodes}
    used = {id(ln) for b in blocks for ln in b.lines}
    blocks += _labelled_blocks(ol, used, covered)
    blocks.sort(key=lambda b: b.start)
    return blocks


def _direct(node: Node) -> list[Line]:
    return [ln for ln in node.lines if ln.node is node and ln.heads is not node and not isinstance(ln.block, Table)]


def _numbered_block(ol: Outline, node: Node, is_report) -> Block | None:
    """A numbered item followed by its field lines."""
    direct = _direct(node)
    tags = [label_at(ol, ln) for ln in direct]
    if not any(t and not t[3] for t in tags):
        return None
    if node.heading_only and any(t and t[0] == "problem" for t in tags):
        return None  # 二、整改情况 / 问题描述：… — the problems are the labelled ones under the heading
    tags = [label_at(ol, ln, loose=True) for ln in direct]
    fields: list[Field] = []
    body: list[Line] = []
    for ln, tag in zip(direct, tags, strict=True):
        if tag is not None and not (tag[3] and tag[0] not in ("measures", "progress", "goal", "deadline")):
            fields.append(_field(ol, ln, tag))
        elif fields:
            if fields[-1].open:
                fields[-1].extend(ln)
        else:
            body.append(ln)
    kinds = {f.kind for f in fields} - _IGNORED
    if kinds == {"progress"} and not (is_report and any(is_report(f) for f in fields)):
        return None
    if not _is_problem(kinds, fields):
        return None
    start = node.content_start
    end = max((ln.end for ln in body), default=node.line_end)
    return Block(start, end, fields, node=node, lines=list(node.lines), nodes=[node, *_descendants(node)])


def _descendants(node: Node):
    for c in node.children:
        yield c
        yield from _descendants(c)


def _labelled_blocks(ol: Outline, used: set[int], covered: set[int]) -> list[Block]:
    """Problems written as a field (问题编号5：…, 问题描述：…, 整改任务：) with their fields below."""
    lines = [ln for ln in ol.lines if not isinstance(ln.block, Table) and id(ln) not in used
             and not (ln.node is not None and id(ln.node) in covered)]
    out: list[Block] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        tag = label_at(ol, ln)
        if tag is None or tag[0] != "problem" or tag[3]:
            i += 1
            continue
        own = ln.heads or ln.node
        level = own.level if own is not None else 0
        head = _field(ol, ln, tag)
        fields = [head]
        j = i + 1
        while j < len(lines):
            nxt = lines[j]
            g = label_at(ol, nxt, loose=True)
            if g is not None and g[0] == "problem" and not g[3]:
                break
            if g is not None:
                fields.append(_field(ol, nxt, g))
            elif nxt.heads is not None and level and nxt.heads.level <= level:
                break  # a heading of the problem's level that names no field: the block is over
            elif fields[-1].open:
                fields[-1].extend(nxt)
            else:
                break
            j += 1
        block_fields = fields[1:]
        kinds = {f.kind for f in block_fields} - _IGNORED
        if not kinds & PROBLEM_KINDS:
            i += 1
            continue
        block_lines = [x for f in fields for x in f.lines]
        nodes = [x.heads for x in block_lines if x.heads is not None]
        if ln.heads is not None:  # 问题编号5：… written as the heading of a numbered item
            nodes.append(ln.heads)
        out.append(Block(head.value_start, head.value_end, block_fields, node=ln.heads, labelled=True,
                         lines=block_lines, nodes=list({id(n): n for n in nodes}.values())))
        i = j
    return out
