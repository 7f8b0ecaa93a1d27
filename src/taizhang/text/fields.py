"""Field labels (责任单位：, 整改时限：, 问题编号5：…): the labelled fields of rectification lists, progress reports
and labelled plan items. The names live in ``data/fields.yaml``; this module gives the regexes every stage reads
them with (normalise breaks run-in lists at them, segment finds field blocks, annotate reads their values).
"""

from __future__ import annotations

import re
from functools import lru_cache

from taizhang.text.basics import load_yaml

# a number after a label: 问题编号5, 问题编号十四, 问题 第3项
_LABEL_NUMBER = r"(?:\s*第?\s*[0-9０-９一二三四五六七八九十百]{1,4}\s*[项号条个]?)?"


@lru_cache(maxsize=1)
def lexicon() -> dict:
    return load_yaml("taizhang.text", "data/fields.yaml")


def _names() -> list[str]:
    return sorted({n for v in lexicon()["fields"].values() for n in v}, key=len, reverse=True)


@lru_cache(maxsize=1)
def field_regex() -> re.Pattern[str]:
    """A field label at a position (after blanks), possibly numbered (问题编号5：), then its colon."""
    return re.compile(r"[ \t\u3000]*(?P<name>" + "|".join(map(re.escape, _names())) + r")" + _LABEL_NUMBER
                      + r"\s*[:：]\s*")


@lru_cache(maxsize=1)
def inline_regex() -> re.Pattern[str]:
    """A field label anywhere in a line (searched, not matched)."""
    return re.compile(r"(?P<name>" + "|".join(map(re.escape, _names())) + r")" + _LABEL_NUMBER + r"\s*[:：]")


@lru_cache(maxsize=1)
def colonless_regex() -> re.Pattern[str]:
    """A label written without its colon at the head of a line inside a block: 整改时限2017年9月30日前."""
    names = sorted(lexicon()["colonless"], key=len, reverse=True)
    return re.compile(r"[ \t\u3000]*(?P<name>" + "|".join(map(re.escape, names)) + r")(?![:：])\s*")


@lru_cache(maxsize=256)
def field_kind(name: str) -> str:
    """The kind of a label (unit, lead, support, implementing, leader, supervisor, analysis, deadline, goal,
    measures, progress, problem); ``other`` for none. 牵头单位 is lead before it is unit."""
    fields = lexicon()["fields"]
    for kind in sorted(fields, key=lambda k: k not in ("lead", "support")):
        if name in fields[kind]:
            return kind
    return "other"


def heading_field(title: str) -> str | None:
    """The kind of a heading whose whole title is a field name (二、整改目标 → goal), else None."""
    t = re.sub(r"[\s:：]+$", "", title or "").strip()
    kind = field_kind(t)
    return kind if kind in lexicon()["heading_kinds"] else None


def is_block_kind(kind: str) -> bool:
    return kind in lexicon()["block_kinds"]


def bracket_depth(text: str, a: int, b: int, opens: str = "（(〔[【", closes: str = "）)〕]】") -> int:
    """How many brackets are open at ``b`` when reading ``text`` from ``a`` (an unmatched closer is ignored)."""
    d = 0
    for ch in text[a:b]:
        if ch in opens:
            d += 1
        elif ch in closes:
            d = max(0, d - 1)
    return d



_SENTENCE_END = "。；;！？!?”’）)"


def run_in_breaks(text: str, start: int, end: int) -> list[int]:
    """Where a line written as a run-in list breaks into field lines: before every label of a line holding three
    labels or more, two of them of block kinds (整改目标：…责任单位：…责任人：…整改时限：…整改措施：…); before a
    progress label standing alone after a sentence (…问题。”整改进展情况：已经完成)."""
    found = []
    for m in inline_regex().finditer(text, start, end):
        if bracket_depth(text, start, m.start()) == 0:
            found.append(m)
    if not found:
        return []
    head = text[start:found[0].start()].strip(" \t\u3000")
    mid = [m for m in found if head or m is not found[0]]
    kinds = [field_kind(m.group("name")) for m in found]
    if len(found) >= 3 and sum(is_block_kind(k) for k in kinds) >= 2:
        return [m.start() for m in mid]
    # labels set apart by runs of blanks on one line (牵头单位：X    配合单位：Y    完成时限：…): a line each
    spaced = [m.start() for m in found[1:] if re.search(r"(?:[ \u3000]{2,}|\t)$", text[start:m.start()])]
    if spaced:
        return spaced
    if len(found) == 1 and mid and kinds[0] == "progress":
        before = text[start:found[0].start()].rstrip(" \t\u3000")
        if len(before) >= 20 and before.endswith(tuple(_SENTENCE_END)):
            return [found[0].start()]
    return []
