"""The immediate / ongoing flags of a task: 立行立改 … / 长期坚持, 持续监管, 常年 …, or a short schedule statement
such as a table cell 持续推进 (lexicon: ``data/deadline_flags.yaml``).

Flags are annotated once over a text as hits (:func:`flag_hits`) and read for any part of it by
:func:`flags_of`: an immediate or strong ongoing word counts anywhere; a weak one (持续推进, an ordinary verb in
running text) only as a schedule statement of its own: a short segment ending with it, or at the head of the part's
first segment (持续开展环保执法行动。…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from taizhang.text.basics import load_yaml

_SEGMENT = re.compile(r"[^\n\t。；;，,：:！？]+")
_HEAD = re.compile(r"[ \u3000]*(?:[0-9０-９]+[.．、]|[（(][0-9一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+[、是])?")


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass
class _Lex:
    immediate: re.Pattern
    strong: re.Pattern
    weak: re.Pattern
    not_ongoing: re.Pattern | None
    short: int


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    fl = load_yaml("taizhang.extract", "data/deadline_flags.yaml")
    no = fl.get("not_ongoing") or []
    return _Lex(re.compile(_alt(fl["immediate"])), re.compile(_alt(fl["ongoing_strong"])),
                re.compile(_alt(fl["ongoing_weak"] + fl["ongoing_strong"])), re.compile(_alt(no)) if no else None,
                int(fl.get("short_segment_chars", 10)))


@dataclass
class FlagHit:
    kind: str  # immediate | ongoing (a strong word) | segment (a segment of the text, with its last weak word)
    start: int  # the word (for a segment: where its words begin, after numbering)
    end: int  # the word's end (for a segment: its end)
    weak: tuple[int, int] | None = None  # segment: its last weak word
    short: bool = False  # segment: short, and ending with its weak word


def flag_hits(text: str, offset: int = 0) -> list[FlagHit]:
    """Every flag word of ``text`` and every segment with its last weak word, positions shifted by ``offset``."""
    lx = _lex()
    out = [FlagHit("immediate", offset + m.start(), offset + m.end()) for m in lx.immediate.finditer(text)]
    for m in lx.strong.finditer(text):
        if lx.not_ongoing is not None:
            a = max(0, m.start() - 6)
            nm = lx.not_ongoing.search(text[a:m.end() + 6])
            if nm and nm.start() <= m.start() - a < nm.end():
                continue  # 长期停车 describes a plant, not the task
        out.append(FlagHit("ongoing", offset + m.start(), offset + m.end()))
    for seg in _SEGMENT.finditer(text):
        s, e = seg.start(), seg.end()
        while e > s and text[e - 1] in " \u3000":
            e -= 1
        h = _HEAD.match(text, s, e).end()
        if h >= e and not text[s:e].strip():
            continue
        wm = None
        for wm in lx.weak.finditer(text, h, e):  # noqa: B007 - the last one
            pass
        weak = (offset + wm.start(), offset + wm.end()) if wm else None
        out.append(FlagHit("segment", offset + h, offset + e, weak, bool(wm) and e - h <= lx.short and wm.end() == e))
    out.sort(key=lambda f: f.start)
    return out


def flags_of(hits: list[FlagHit], start: int, end: int) -> tuple[bool, bool]:
    """(immediate, ongoing) of the text[start:end] the hits were found in."""
    immediate = any(f.kind == "immediate" and start <= f.start < end for f in hits)
    ongoing = any(f.kind == "ongoing" and start <= f.start < end for f in hits)
    if ongoing:
        return immediate, True
    first = True
    for f in hits:
        if f.kind != "segment" or f.end <= start or f.start >= end:
            continue
        if f.weak and f.weak[1] <= end and (f.short or (first and f.weak[0] == max(f.start, _head_at(f, start)))):
            return immediate, True
        first = False
    return immediate, False


def _head_at(f: FlagHit, start: int) -> int:
    return start if f.start < start else f.start


def find_flags(text: str) -> tuple[bool, bool]:
    """(immediate, ongoing) of a text."""
    return flags_of(flag_hits(text), 0, len(text))
