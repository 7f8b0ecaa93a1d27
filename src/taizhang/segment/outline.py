"""Outline of a plan document: numbered headings and items, their levels, titles and spans.

Numbering styles: 一、 （一） 1． 1. （1） 1) ① 第一章 第一条, full- or half-width digits and brackets. The level of a
style is given by the order in which styles first appear on the path from the root (a stack), not by a fixed
table, so a document that starts with （一） or with 1. gets the right tree. Inline enumerations (一是…二是…)
are found by :func:`inline_parts`. Tables stay attached to the node under which they stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from taizhang.document import Paragraph, SourceDocument, Table
from taizhang.text.basics import CN_DIGITS, DAY, LABEL_PATTERNS, MONTH, STYLE_RANK, YEAR, cn_int

# style name -> regex on the start of a line (after leading whitespace); group "n" is the number
_STYLES: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(p)) for name, p in LABEL_PATTERNS]
ANNEX = re.compile(r"[ \t\u3000]*附\s*[件表录]\s*[0-9０-９一二三四五六七八九十.．\-－—]*\s*[:：]?")
PLAN_TITLE = re.compile(r"[^。；，,]{4,60}(?:方案|计划|规划|办法|清单|意见|细则|要点|通知|要求)[）)]?")
INLINE_MARK = re.compile(rf"(?P<n>[{CN_DIGITS}]{{1,3}})是")
TITLE_END = "。；;：:！？"
_YEAR_AFTER = re.compile(r"(?:19|20)[0-9]{2}年")
# a line that is only a date (a signature's: 2020年6月18日, 二〇二〇年六月十八日, 2020年X月XX日): the body is over
DATE_LINE = re.compile(rf"[ \t\u3000]*(?:{YEAR}|[0-9０-９]{{2}}[Xx×]{{2}}|[Xx×]{{4}})\s*年\s*(?:{MONTH}|[Xx×]{{1,2}})\s*月"
                       rf"\s*(?:{DAY}|[Xx×]{{1,2}})\s*日[ \t\u3000]*")


def cn_number(s: str) -> int | None:
    """Value of a numbering label's number (一 … 九十九, 12, ①); None if not a number."""
    return cn_int(s)


# list punctuation closing a label (二、 1． 1. ①，): dropped when labels are joined into a path (二.（三）)
LABEL_PUNCT = "、．.，,"


@dataclass
class Line:
    """One paragraph (line) of the text, with its numbering if it starts a numbered node."""

    start: int
    end: int
    block: Paragraph | Table
    label: str | None = None  # the numbering as written ("（三）")
    style: str | None = None
    number: int | None = None
    content_start: int = 0  # first character after the numbering and blanks
    node: Node | None = None  # innermost node containing this line
    heads: Node | None = None  # the node this line is the heading of


@dataclass
class Node:
    label: str
    style: str
    number: int
    level: int
    start: int  # start of the heading line (at the label)
    content_start: int  # after the label
    title: str
    title_span: tuple[int, int]
    line_end: int  # end of the heading line
    end: int = 0  # end of the node's region (before the next node of the same or a higher level)
    heading_only: bool = False  # the heading line carries nothing but its title
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)  # every line in the region (including children)
    tables: list[Table] = field(default_factory=list)

    @property
    def path(self) -> str:
        parts = []
        n: Node | None = self
        while n is not None:
            parts.append(n.label.strip().rstrip(LABEL_PUNCT) or n.label.strip())
            n = n.parent
        return ".".join(reversed(parts))

    def ancestors(self):
        n = self.parent
        while n is not None:
            yield n
            n = n.parent


@dataclass
class Outline:
    text: str
    body_start: int
    lines: list[Line]  # every line from body_start on, in order (tables as one line each)
    roots: list[Node]
    nodes: list[Node]


def match_label(text: str, start: int, end: int) -> tuple[str, str, int, int] | None:
    """(label, style, number, content_start) when the line text[start:end] begins with a numbering."""
    i = start
    while i < end and text[i] in " \t\u3000\ufeff":
        i += 1
    line = text[i:end]
    for style, rx in _STYLES:
        m = rx.match(line)
        if not m:
            continue
        n = cn_number(m.group("n"))
        if n is None or n == 0:
            continue
        rest = line[m.end():]
        if not rest.strip() and style in ("num", "cn", "rnum"):
            continue  # a bare number: a table cell or page number, not a heading
        if style in ("num", "rnum") and rest[:1] in "0123456789０１２３４５６７８９%％年月日万亿个" \
                and not _YEAR_AFTER.match(rest):
            continue  # 2.5 / 3.5% / 1.10日: a number, not an item (but 2.2019年6月底前，… is item 2)
        if style == "cn" and rest[:1] in "级类是个":
            continue
        return m.group(0).strip(), style, n, i + m.end()
    return None


def _title(text: str, cs: int, end: int) -> tuple[str, tuple[int, int], bool]:
    j = cs
    while j < end and text[j] not in TITLE_END:
        j += 1
    t_end = j
    title = text[cs:t_end].strip()
    rest = text[min(j + 1, end):end].strip()
    heading_only = not rest
    return title, (cs, t_end), heading_only


def build_outline(doc: SourceDocument, body_start: int = 0) -> Outline:
    text = doc.text
    lines: list[Line] = []
    for b in doc.blocks:
        if b.end <= body_start:
            continue
        if isinstance(b, Table):
            lines.append(Line(b.start, b.end, b))
            continue
        s, e = max(b.start, body_start), b.end
        if not text[s:e].strip():
            continue
        ln = Line(s, e, b)
        m = match_label(text, s, e)
        am = ANNEX.match(text, s, e)
        if am and not m and (am.end() == e or len(text[am.end():e].strip()) < 80):
            ln.label, ln.style, ln.number, ln.content_start = text[s:am.end()].strip(), "annex", 1, am.end()
        elif not m and (PLAN_TITLE.fullmatch(text[s:e].strip()) or DATE_LINE.fullmatch(text, s, e)):
            ln.style = "plan"  # a (sub-)plan's title or a signature's date: closes every open node, opens none
            ln.content_start = s
        elif m:
            ln.label, ln.style, ln.number, ln.content_start = m
        else:
            k = s
            while k < e and text[k] in " \t\u3000\ufeff":
                k += 1
            ln.content_start = k
        lines.append(ln)

    roots: list[Node] = []
    nodes: list[Node] = []
    stack: list[Node] = []  # open nodes, outermost first
    last_number: dict[str, int] = {}
    for ln in lines:
        if ln.style == "plan":
            for closed in stack:
                closed.end = ln.start
            stack.clear()
            ln.style = None
            continue
        if ln.style == "annex":
            for closed in stack:
                closed.end = ln.start
            stack.clear()
        elif ln.style is not None:
            styles = [n.style for n in stack]
            if ln.style in styles:
                k = styles.index(ln.style)
                if not (ln.number == 1 or ln.number > stack[k].number):
                    ln.style = None  # out of sequence: plain text
                else:
                    for closed in stack[k:]:
                        closed.end = ln.start
                    del stack[k:]
            elif ln.number != 1 and stack and ln.number != last_number.get(ln.style, -9) + 1:
                rank = STYLE_RANK.get(ln.style, 9)
                if ln.style not in last_number and all(rank < STYLE_RANK.get(x, 9) for x in styles):
                    # a style above every open one, never seen before: the text began inside a list (a page cut
                    # from the middle of a plan: 3. 4. … 十七、): it climbs out to the top
                    for closed in stack:
                        closed.end = ln.start
                    stack.clear()
                else:
                    ln.style = None  # a new, deeper style starts at 1 (or continues its count across sections)
        if ln.style is not None:
            last_number[ln.style] = ln.number or 0
            title, tspan, heading_only = _title(text, ln.content_start, ln.end)
            node = Node(
                label=ln.label or "", style=ln.style, number=ln.number or 0, level=len(stack) + 1,
                start=ln.start, content_start=ln.content_start, title=title, title_span=tspan,
                line_end=ln.end, heading_only=heading_only, parent=stack[-1] if stack else None,
            )
            (stack[-1].children if stack else roots).append(node)
            nodes.append(node)
            stack.append(node)
            ln.heads = node
        else:
            ln.label = None
        if stack:
            ln.node = stack[-1]
            for n in stack:
                n.lines.append(ln)
                if isinstance(ln.block, Table):
                    n.tables.append(ln.block)
    for n in stack:
        n.end = len(text)
    for n in nodes:
        if n.end == 0:
            n.end = len(text)
        # a region ends with its last line (not with the blank lines before the next heading)
        if n.lines:
            n.end = min(n.end, max(x.end for x in n.lines))
    return Outline(text=text, body_start=body_start, lines=lines, roots=roots, nodes=nodes)


def inline_parts(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """Inline enumeration 一是…二是…三是… inside text[start:end]: [(marker_start, part_start, part_end)].

    Needs a run 一是, 二是 (at least two, in order); each part runs to the next marker.
    """
    found: list[tuple[int, int, int]] = []  # (number, marker_start, content_start)
    expect = 1
    for m in INLINE_MARK.finditer(text, start, end):
        n = cn_number(m.group("n"))
        if n != expect:
            continue
        prev = text[m.start() - 1] if m.start() > start else "。"
        if prev not in "。；;，,：:\n \t\u3000）)" and m.start() != start:
            continue
        found.append((n, m.start(), m.end()))
        expect += 1
    if len(found) < 2:
        return []
    out = []
    for i, (_, ms, cs) in enumerate(found):
        pe = found[i + 1][1] if i + 1 < len(found) else end
        out.append((ms, cs, pe))
    return out
