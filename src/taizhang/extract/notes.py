"""Responsibility notes: where a paragraph says who does its task.

A note is a bracketed group — （生态环境局牵头，发改委参与）, 〔…〕 — with role words or field labels, or field labels
closing a paragraph outside brackets (…。牵头单位：X；配合单位：Y。). A note closes the text before it: several notes in
one paragraph close one task each. "以下均需…落实，不再列出" gives implementing units to every later task. The units
of a note are read by :mod:`taizhang.extract.assign`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from taizhang.extract.assign import (
    IMPL,
    UNIT_FIELD_KINDS,
    OrderState,
    UnitRef,
    _depth,
    _units_in,
    field_kind,
    field_regex,
    lexicon,
    parse_assignment,
)
from taizhang.resolve import looks_like_unit, split_units


@dataclass
class Note:
    start: int  # span of the whole note including its brackets
    end: int
    units: list[UnitRef]
    inherit: list[UnitRef]  # units of a "以下均需…落实，不再列出" clause (implementing for every later task)
    labelled: bool = False  # field labels outside brackets (…。牵头单位：X；配合单位：Y。), not a bracketed note
    closes: int = -1  # where the task the note closes ends: the note's end, or the end of the sentence it stands in
    dated: bool = False  # the note holds a time-limit field of its own (…；完成时限：2022年11月底前）

    def __post_init__(self) -> None:
        if self.closes < 0:
            self.closes = self.end


def inherit_units(text: str, start: int, end: int) -> list[UnitRef]:
    for rx in lexicon()["_inherit"]:
        m = rx.search(text, start, end)
        if m:
            return [UnitRef(u.raw, u.start, u.end, IMPL)
                    for u in _units_in(text, m.start("units"), m.end("units"), IMPL)]
    return []


def standalone_inherit(text: str, start: int, end: int) -> list[UnitRef]:
    """Units of an inheritance sentence written outside any bracket (以下各项任务均需各乡镇人民政府落实，不再一一列出。):
    implementing for every later task."""
    for rx in lexicon()["_inherit"]:
        for m in rx.finditer(text, start, end):
            if _depth(text, start, m.start()) == 0:
                return [UnitRef(u.raw, u.start, u.end, IMPL)
                        for u in _units_in(text, m.start("units"), m.end("units"), IMPL)]
    return []


def find_note(text: str, start: int, end: int, *, require_role: bool = False) -> Note | None:
    """The responsibility note closing the paragraph text[start:end], if any (with require_role: only a note
    with role words, so that 发改委（市化治办） stays one name)."""
    e = end
    while e > start and text[e - 1] in " \t\u3000。.；;，,":
        e -= 1
    if e <= start or text[e - 1] not in "）)":
        return None
    depth = 0
    i = e - 1
    while i >= start:
        ch = text[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            depth -= 1
            if depth == 0:
                break
        i -= 1
    if i < start or e - i > 400:
        return None
    units = parse_assignment(text, i + 1, e - 1, require_role=require_role)
    inh = inherit_units(text, i + 1, e - 1)
    if not units and not inh:
        return None
    return Note(i, e, units or [], inh)


SENTENCE_SEP = re.compile(r"[。；;\n]")
_OPEN, _CLOSE = "（(〔[［", "）)〕]］"
_PAIR = {"）": "（(", ")": "（(", "〕": "〔", "]": "[［", "］": "[［"}
_TRAIL = " \t\u3000。.；;，,"
_SENTENCE_END = tuple("。；;！？")


def _groups(text: str, start: int, end: int):
    """Top-level bracketed groups [i, j, closed) of text[start:end] (j after the closing bracket). A closing bracket
    that matches no open one ([…不再列出）] typed with a stray bracket) is ignored; a group left open runs to the end
    (closed False)."""
    stack: list[str] = []
    open_at = -1
    for k in range(start, end):
        ch = text[k]
        if ch in _OPEN:
            if not stack:
                open_at = k
            stack.append(ch)
        elif ch in _CLOSE and stack:
            if stack[-1] not in _PAIR[ch]:
                if not any(o in _PAIR[ch] for o in stack):
                    continue  # a stray closing bracket
                while stack and stack[-1] not in _PAIR[ch]:
                    stack.pop()
            stack.pop()
            if not stack:
                yield open_at, k + 1, True
    if stack:  # a group still open where the paragraph ends (a page cut inside its note): it runs to the end
        yield open_at, end, False


_SENTENCE_CLOSE = re.compile(r"[。；;！？]")


def _has_label(text: str, a: int, b: int) -> bool:
    """Whether a field label (牵头单位：, 责任单位： …) stands anywhere in text[a:b]."""
    rx = field_regex()
    return any(rx.match(text, k, b) for k in range(a, b) if text[k] in _LABEL_HEADS)


_LABEL_HEADS = frozenset("牵责配协参主落实完整办时")


def _dated(text: str, a: int, b: int) -> bool:
    """Whether text[a:b] holds a time-limit field (完成时限：…)."""
    rx = field_regex()
    return any(text[k] in "完整时办" and (m := rx.match(text, k, b)) and field_kind(m.group("name")) == "deadline"
               for k in range(a, b))


def find_notes(text: str, start: int, end: int, *, order: OrderState | None = None) -> list[Note]:
    """Every responsibility note of the paragraph text[start:end], in order; each closes the text before it.

    The note closing the paragraph may be a bare list of units (all lead); a note inside the paragraph must have
    role words or field labels and stand between sentences (after 。/； or before one). Field labels closing the
    paragraph outside brackets are a note too. ``order`` carries an order convention (下同) from note to note."""
    tail = end
    while tail > start and text[tail - 1] in _TRAIL:
        tail -= 1
    out: list[Note] = []
    for i, j, closed in _groups(text, start, tail):
        if j - i > 400:
            continue
        if not closed:  # never closed: the text ends inside the note
            cut = max(text.rfind(c, i + 1, j) for c in "，,、；;。")
            inner_end = j if text[j - 1] in _TRAIL else cut  # a name cut off at the end is no name
            if inner_end <= i + 1:
                continue
            units = parse_assignment(text, i + 1, inner_end, require_role=True, order=order)
            if units:
                out.append(Note(i, j, units, inherit_units(text, i + 1, inner_end), closes=j,
                                dated=_dated(text, i + 1, inner_end)))
            continue
        closing = j == tail
        closes = j
        if not closing:
            before = text[start:i].rstrip(" \t\u3000")
            after = text[j:tail].lstrip(" \t\u3000")
            between = before.endswith(_SENTENCE_END) or after[:1] in ("。", "；", ";")
            if not between and not _has_label(text, i + 1, j - 1):
                continue
            if not between:  # a labelled note inside a sentence closes the sentence: …设施（牵头单位：X），年底前完成。
                m = _SENTENCE_CLOSE.search(text, j, tail)
                closes = m.end() if m else tail
        units = parse_assignment(text, i + 1, j - 1, require_role=not closing, order=order)
        inh = inherit_units(text, i + 1, j - 1)
        if units or inh:
            out.append(Note(i, j, units or [], inh, closes=closes, dated=_dated(text, i + 1, j - 1)))
    label = find_label_note(text, out[-1].end if out else start, end, order=order)
    if label is not None:
        out.append(label)
    return out


def find_label_note(text: str, start: int, end: int, *, order: OrderState | None = None) -> Note | None:
    """Field labels closing the paragraph text[start:end] outside any bracket — …淘汰。牵头单位：县环保局；配合单位：
    县市监局、各乡镇人民政府。 — read as its responsibility note. The labels start a sentence (or the paragraph), the
    first one names units, and every later sentence of the paragraph starts with a field label too."""
    e = end
    while e > start and text[e - 1] in " \t\u3000\n。.；;，,":
        e -= 1
    if e <= start:
        return None
    rx = field_regex()
    for m in rx.finditer(text, start, e):
        p = m.start("name")
        if field_kind(m.group("name")) not in UNIT_FIELD_KINDS or _depth(text, start, p) != 0:
            continue
        b = p
        while b > start and text[b - 1] in " \t\u3000":
            b -= 1
        if b > start and text[b - 1] not in "。；;\n，,":
            continue
        seps = [k.end() for k in SENTENCE_SEP.finditer(text, p, e) if _depth(text, start, k.start()) == 0]
        # the labels run to the first sentence that starts with no label (…；实施主体：Z。11月底前完成。): that
        # sentence is the task's own text again, after its note
        stop = next((k for k in seps if not (rx.match(text, k, e) or text[k] in "。；;\n")), e)
        if stop < e and text[stop - 1] not in "。\n":
            continue  # a label inside a sentence that goes on: not a note
        beside = field_kind(m.group("name")) == "unit" and _lead_label_above(text, b)
        units = parse_assignment(text, p, stop, order=order, beside_lead=beside)
        if units:
            return Note(p, stop, units, [], labelled=True)
    return None


def _lead_label_above(text: str, pos: int, reach: int = 4) -> bool:
    """Whether the label lines right above the line starting at ``pos`` (牵头部门：X / 配合部门：Y) hold a lead
    label: a 责任部门： line under them names supporting or territorial bodies, not more leads."""
    rx = field_regex()
    end = pos
    for _ in range(reach):
        if end <= 0 or text[end - 1] != "\n":
            return False
        a = text.rfind("\n", 0, end - 1) + 1
        k = a
        while k < end and text[k] in " \t\u3000":
            k += 1
        m = rx.match(text, k, end - 1)
        if m is None or field_kind(m.group("name")) not in UNIT_FIELD_KINDS:
            return False
        if field_kind(m.group("name")) == "lead":
            return True
        end = a
    return False


INLINE_LEAD = re.compile(r"由(?P<u>[^，。；：,;（）()]{2,40}?)(?:牵头负责|牵头组织|牵头|负责)")


def find_inline_lead(text: str, start: int, end: int) -> list[UnitRef]:
    """由X牵头负责 written in the running text of an item that has no note."""
    for m in INLINE_LEAD.finditer(text, start, end):
        seg = m.group("u")
        parts = split_units(seg)
        if parts and all(looks_like_unit(r) for r, _, _ in parts):
            return _units_in(text, m.start("u"), m.end("u"), "lead_strict")
    return []
