"""The text every extractor reads: one normal form of the many ways a plan is typed, with a map back.

Offices write the same plan in simplified or traditional characters, with full- or half-width digits and
brackets, with letter-spaced headings (生 态 环 境 局) and, when a page was copied out of a PDF or a web page,
with lines broken at a fixed width. :func:`normalise` turns a text into one form:

* traditional → simplified characters (OpenCC ``t2s``, phrase-aware, so 显著 stays 显著);
* full-width Latin letters and digits → half-width (ＰＭ２．５ → PM2.5), ％ → %, ／ → /;
* ASCII brackets → full-width （）, and ``, : ;`` written after a Chinese character → ，：；;
  the rarer variants (︰ ､ ｡ ﹙ ﹚) → their common form;
* the single spaces of a letter-spaced run of Chinese characters are dropped (生 态 环 境 局 → 生态环境局; two
  names apart by one space stay two names); zero-width characters are dropped;
* a line broken inside a sentence (it runs on without closing punctuation, and the next line neither starts
  a numbered item or a field nor is indented) is joined to the next one.

Every replacement but the last two keeps the length, so positions only move where characters are dropped;
:class:`OffsetMap` records those drops and maps any position or span of the normal text back to the
source, so spans shown on the review page still mark the characters as they were written.
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass, field

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(rf"[{_CJK}]")

# one character for one character (the length never changes)
_FOLD = {chr(0xFF01 + i): chr(0x21 + i) for i in range(0x5E)
         if chr(0x21 + i).isalnum()}
_FOLD.update({"％": "%", "／": "/", "＋": "+", "＝": "=", "＜": "<", "＞": ">", "(": "（", ")": "）",
              "﹙": "（", "﹚": "）", "︰": "：", "､": "、", "｡": "。", "\u00a0": " ", "\u2002": " ",
              "\u2003": " ", "\u2009": " "})
_FOLD_TABLE = str.maketrans(_FOLD)
# a full stop between two digits is a decimal point (２．５ → 2.5 after the digits are folded)
_DECIMAL = re.compile(r"(?<=[0-9])．(?=[0-9])")
# , : ; after a Chinese character (or a closing bracket) are the full-width marks typed in half width
_PUNCT_AFTER_CJK = re.compile(rf"(?<=[{_CJK}）」”])[,:;](?![0-9])")
_PUNCT_MAP = {",": "，", ":": "：", ";": "；"}

_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# a letter-spaced run: at least three Chinese characters, each apart from the next by one space
_SPACED_RUN = re.compile(rf"[{_CJK}](?:[ \u3000][{_CJK}]){{2,}}(?![{_CJK}])")

# a line broken inside a sentence: what it may not end with, what the next line may not start with
_CLOSES = tuple("。；！？：…）」』”】》")
_STARTS_NEW = re.compile(
    r"[ \t\u3000]|[（(]\s*[0-9０-９一二三四五六七八九十]{1,3}\s*[)）]|[0-9０-９]{1,3}\s*[.．、)）]"
    r"|[一二三四五六七八九十]{1,3}\s*[、．]|第[一二三四五六七八九十百]+[章节条]|[①-⑳]|附\s*[件表]"
    rf"|[{_CJK}A-Za-z0-9（）()、/]{{2,14}}[：:]|[—\-－–]+\s*\d"
)
_SENTENCE_MARKS = re.compile(r"[，、。；]")
_WRAP_MIN = 16  # a line shorter than this is a heading or a label, not a broken sentence


@dataclass
class OffsetMap:
    """Positions of the normal text → positions of the source text (and back).

    ``cuts[i]`` is a position of the normal text before which ``cum[i] - cum[i-1]`` source characters were
    dropped; positions between cuts move by the number dropped so far.
    """

    cuts: list[int] = field(default_factory=list)  # normal positions, ascending
    cum: list[int] = field(default_factory=list)  # source characters dropped up to and including cut i
    src_len: int = 0

    @property
    def identity(self) -> bool:
        return not self.cuts

    def to_source(self, pos: int) -> int:
        """The source position of the normal text's position ``pos`` (a start)."""
        i = bisect.bisect_right(self.cuts, pos)
        return pos + (self.cum[i - 1] if i else 0)

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        """A span ``[start, end)`` of the normal text → the span of the source it was made from (dropped
        characters at its edges excluded)."""
        s = self.to_source(start)
        if end <= start:
            return s, s
        return s, self.to_source(end - 1) + 1

    def from_source(self, pos: int) -> int:
        """The normal position of source position ``pos`` (inside a dropped run: the position after it)."""
        lo, hi = 0, len(self.cuts)
        # source position of cut i = cuts[i] + cum[i-1] (the first dropped character)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cuts[mid] + (self.cum[mid - 1] if mid else 0) < pos:
                lo = mid + 1
            else:
                hi = mid
        # cuts before lo start before pos
        i = lo
        if i == 0:
            return pos
        before = self.cum[i - 1]
        run_src = self.cuts[i - 1] + (self.cum[i - 2] if i >= 2 else 0)
        run_len = before - (self.cum[i - 2] if i >= 2 else 0)
        if pos < run_src + run_len:  # inside the dropped run
            return self.cuts[i - 1]
        return pos - before


@dataclass
class Normalised:
    text: str
    map: OffsetMap


_CONVERTER = None
_LOCK = threading.Lock()


def _t2s(text: str) -> str:
    """Traditional → simplified, position for position (a phrase whose conversion changes its length is
    converted character by character)."""
    global _CONVERTER
    if not _CJK_RE.search(text):
        return text
    with _LOCK:  # one converter, shared by the service's threads
        if _CONVERTER is None:
            import opencc

            _CONVERTER = opencc.OpenCC("t2s")
        conv = _CONVERTER.convert(text)
        if len(conv) == len(text):
            return conv
        out = []
        for line in text.split("\n"):
            c = _CONVERTER.convert(line)
            out.append(c if len(c) == len(line) else "".join(
                x if len(x := _CONVERTER.convert(ch)) == 1 else ch for ch in line))
        return "\n".join(out)


def fold(text: str) -> str:
    """The length-keeping part of :func:`normalise` (script, widths, brackets, punctuation)."""
    t = _t2s(text).translate(_FOLD_TABLE)
    t = _DECIMAL.sub(".", t)
    return _PUNCT_AFTER_CJK.sub(lambda m: _PUNCT_MAP[m.group(0)], t)


_KEY_DROP = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]+")
_KEY_PUNCT = str.maketrans({**_PUNCT_MAP, "．": "."})


def comparable(text: str) -> str:
    """A key under which a span of the source and the ledger string made from it are equal: the normal form
    without blanks, half-width , : ; read as full-width and ． as . whatever stands beside them."""
    return _KEY_DROP.sub("", fold(text)).translate(_KEY_PUNCT)


def _drops(t: str, join_lines: bool) -> list[tuple[int, int]]:
    """Source ranges ``(start, end)`` to drop: zero-width characters, the spaces of letter-spaced runs, line
    breaks inside a sentence."""
    out: list[tuple[int, int]] = [(m.start(), m.end()) for m in _ZERO_WIDTH.finditer(t)]
    for m in _SPACED_RUN.finditer(t):
        for k in range(m.start() + 1, m.end(), 2):
            out.append((k, k + 1))
    if join_lines:
        pos = 0
        n = len(t)
        while True:
            nl = t.find("\n", pos)
            if nl < 0 or nl + 1 >= n:
                break
            line = t[pos:nl]
            if _broken(line, t, nl + 1):
                out.append((nl, nl + 1))
            pos = nl + 1
    out.sort()
    return out


def _broken(line: str, t: str, nxt: int) -> bool:
    s = line.rstrip(" \u3000")
    if len(s.strip()) < _WRAP_MIN or s.startswith("\t") or "\t" in s or " | " in s:
        return False
    if s.endswith(_CLOSES) or not _SENTENCE_MARKS.search(s) or not _CJK_RE.match(s[-1]):
        return False
    end = t.find("\n", nxt)
    following = t[nxt:end if end >= 0 else len(t)]
    if not following.strip() or _STARTS_NEW.match(following):
        return False
    return bool(_CJK_RE.match(following[0]) or following[0] in "“‘《0123456789")


def normalise(text: str, *, join_lines: bool = True) -> Normalised:
    """The normal form of ``text`` and the map of its positions back to ``text``."""
    t = fold(text)
    drops = _drops(t, join_lines)
    if not drops:
        return Normalised(t, OffsetMap(src_len=len(text)))
    parts: list[str] = []
    cuts: list[int] = []
    cum: list[int] = []
    dropped = 0
    pos = 0
    out_len = 0
    for a, b in drops:
        if a < pos:
            a = pos
        if b <= a:
            continue
        parts.append(t[pos:a])
        out_len += a - pos
        dropped += b - a
        if cuts and cuts[-1] == out_len:
            cum[-1] = dropped
        else:
            cuts.append(out_len)
            cum.append(dropped)
        pos = b
    parts.append(t[pos:])
    return Normalised("".join(parts), OffsetMap(cuts, cum, len(text)))
