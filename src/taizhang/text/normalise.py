"""The text every extractor reads: one normal form of the many ways a plan is typed, with a map back.

Offices write the same plan in simplified or traditional characters, with full- or half-width digits and
brackets, with letter-spaced headings (生 态 环 境 局) and, when a page was copied out of a PDF or a web page,
with lines broken at a fixed width. :func:`normalise` turns a text into one form:

* traditional → simplified characters (OpenCC ``t2s``, phrase-aware, so 显著 stays 显著);
* full-width Latin letters and digits → half-width (ＰＭ２．５ → PM2.5), ％ → %, ／ → /;
* ASCII brackets → full-width （）, and ``, : ; .`` written after a Chinese character → ，：；。;
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
from functools import lru_cache

from taizhang.text import fields

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
_PUNCT_AFTER_CJK = re.compile(rf"(?<=[{_CJK}）」”])(?:[,:;](?![0-9])|\.(?![0-9A-Za-z.]))")
_PUNCT_MAP = {",": "，", ":": "：", ";": "；", ".": "。"}

_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# a letter-spaced run: at least three Chinese characters, each apart from the next by one space
_SPACED_RUN = re.compile(rf"[{_CJK}](?:[ \u3000][{_CJK}]){{2,}}(?![{_CJK}])")

# a line broken inside a sentence: what it may not end with, what the next line may not start with
_CLOSES = tuple("。；！？：…）」』”】》")
_MID_SENTENCE = ("，", "、", ",")
_STARTS_NEW = re.compile(
    r"[ \t\u3000]|[（(]\s*[0-9０-９一二三四五六七八九十]{1,3}\s*[)）]|[0-9０-９]{1,3}\s*[.．、)）]"
    r"|[一二三四五六七八九十]{1,3}\s*[、．]|第[一二三四五六七八九十百]+[章节条]|[①-⑳]|附\s*[件表]"
    rf"|[{_CJK}A-Za-z0-9（）()、/]{{2,14}}[：:]|[—\-－–]+\s*\d"
)
_SENTENCE_MARKS = re.compile(r"[，、。；]")
_WRAP_MIN = 16  # a line shorter than this is a heading or a label, not a broken sentence
# a field line (责任单位：…) and an indented line after it that carries no label: its value running on
_FIELD_LINE = re.compile(rf"^[ \t\u3000]*[{_CJK}]{{2,10}}[：:]\S")
_FIELD_CONTINUATION = re.compile(rf"^[ \u3000]{{2,}}(?P<rest>[{_CJK}（(])")
# an item numbered 1. / 1、 / 1． at the head of a line, and the next one after a sentence end on the same line
_ITEM_HEAD = re.compile(r"[ \u3000]*(?P<n>[0-9０-９]{1,2})(?P<dot>[.．、])(?![0-9０-９])")
_ITEM_NEXT = re.compile(r"(?<=[。；;])[ \u3000]*(?P<n>[0-9０-９]{1,2})(?P<dot>[.．、])(?![0-9０-９])")
_FW_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass
class OffsetMap:
    """Positions of the normal text → positions of the source text (and back).

    The normal text is a sequence of pieces: runs copied from the source (a character for a character) and
    replacements (a few characters standing for a source range: a dropped line break, an inserted one). Between
    the pieces lie dropped source characters. ``pieces`` holds (normal start, normal length, source start, source
    length) of every piece that is not a plain copy of the same length at the same offset shift, in order.
    """

    norm: list[int] = field(default_factory=list)  # normal start of each piece
    pieces: list[tuple[int, int, int, int]] = field(default_factory=list)
    src_len: int = 0

    @property
    def identity(self) -> bool:
        return not self.pieces

    def _piece(self, pos: int) -> tuple[int, int, int, int] | None:
        i = bisect.bisect_right(self.norm, pos) - 1
        return self.pieces[i] if i >= 0 else None

    def source_range(self, pos: int) -> tuple[int, int]:
        """The source range the normal character at ``pos`` was made from."""
        p = self._piece(pos)
        if p is None:
            return pos, pos + 1
        ns, nl, ss, sl = p
        if pos < ns + nl:
            if nl == sl:  # copied
                return ss + pos - ns, ss + pos - ns + 1
            return ss, ss + sl  # a replacement stands for its whole source range
        # after the piece: copied with the shift of its end
        o = ss + sl + (pos - ns - nl)
        return o, o + 1

    def to_source(self, pos: int) -> int:
        """The source position of the normal text's position ``pos`` (a start)."""
        return self.source_range(pos)[0]

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        """A span ``[start, end)`` of the normal text → the span of the source it was made from (dropped
        characters at its edges excluded)."""
        s = self.source_range(start)[0]
        if end <= start:
            return s, s
        e = self.source_range(end - 1)[1]
        return s, max(s, e)

    def from_source(self, pos: int) -> int:
        """The normal position of source position ``pos`` (inside a dropped range: the position after it)."""
        lo, hi = 0, len(self.pieces)
        while lo < hi:  # the last piece starting at or before pos in the source
            mid = (lo + hi) // 2
            if self.pieces[mid][2] <= pos:
                lo = mid + 1
            else:
                hi = mid
        i = lo - 1
        if i < 0:
            return pos
        ns, nl, ss, sl = self.pieces[i]
        if pos < ss + sl:
            return ns + (pos - ss if nl == sl else 0)
        return ns + nl + (pos - ss - sl)


class _Builder:
    """Builds a normal text from source pieces, recording every piece that moves positions."""

    def __init__(self, src: str):
        self.src = src
        self.parts: list[str] = []
        self.map = OffsetMap(src_len=len(src))
        self.n = 0  # normal length so far
        self.pos = 0  # source position copied up to

    def _copy_to(self, a: int) -> None:
        if a > self.pos:
            self.parts.append(self.src[self.pos:a])
            self.n += a - self.pos
            self.pos = a

    def replace(self, a: int, b: int, new: str) -> None:
        """Source range [a, b) (a >= every earlier range's end) becomes ``new`` ("" drops it)."""
        self._copy_to(a)
        if a < self.pos:
            return
        self.map.norm.append(self.n)
        self.map.pieces.append((self.n, len(new), a, b - a))
        self.parts.append(new)
        self.n += len(new)
        self.pos = b
        # the copy after this piece restarts the shift: record it as a piece of its own
        self.map.norm.append(self.n)
        self.map.pieces.append((self.n, 0, b, 0))

    def text(self) -> str:
        self._copy_to(len(self.src))
        return "".join(self.parts)


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
_KEY_PUNCT = str.maketrans({**_PUNCT_MAP, "．": "。"})


def comparable(text: str) -> str:
    """A key under which a span of the source and the ledger string made from it are equal: the normal form
    without blanks, half-width , : ; . and ． read as full-width whatever stands beside them."""
    return _KEY_DROP.sub("", fold(text)).translate(_KEY_PUNCT)


def _edits(t: str, join_lines: bool) -> list[tuple[int, int, str]]:
    """Edits of the folded text, (start, end, replacement) in order: zero-width characters and the spaces of
    letter-spaced runs dropped; lines broken inside a sentence or a field value joined; a numbered item written
    after another on the same line put on a line of its own."""
    out: list[tuple[int, int, str]] = [(m.start(), m.end(), "") for m in _ZERO_WIDTH.finditer(t)]
    for m in _SPACED_RUN.finditer(t):
        for k in range(m.start() + 1, m.end(), 2):
            out.append((k, k + 1, ""))
    if join_lines:
        out += _line_edits(t)
    out.sort()
    return out


def _line_edits(t: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    lines: list[tuple[int, int]] = []
    pos = 0
    for ln in t.split("\n"):
        lines.append((pos, pos + len(ln)))
        pos += len(ln) + 1
    in_field = False  # the line is a field line or runs a field value on
    field_indent = 0
    unit_run = False  # the line holds units of a unit field (配合单位：…), or runs them on
    item: tuple[int, str] | None = None  # the number of the item the line belongs to (1.…), and its dot
    joined = False  # the line above runs on into this one
    for i, (a, b) in enumerate(lines):
        line = t[a:b]
        if line.startswith("\t") or " | " in line:
            in_field = unit_run = joined = False
            continue
        items = _inline_items(t, a, b, item if joined else None)
        out += items[0]
        item = items[1]
        out += _run_in(t, a, b)
        out += _bracketed_labels(t, a, b)
        if _FIELD_LINE.match(line):
            in_field, field_indent = True, _indent(line)
            unit_run = _unit_field(line)
        if i + 1 >= len(lines):
            continue
        c, d = lines[i + 1]
        nxt = t[c:d]
        cont = _FIELD_CONTINUATION.match(nxt)
        if not (cont and in_field and not _FIELD_LINE.match(nxt.strip()) and "。" not in nxt
                and cont.start("rest") >= field_indent + 3):  # deeper than a paragraph's indent: under the value
            in_field = False
        if in_field:
            # a field value running on under its label, indented: 配合单位：A、B、\n　　　　C、D
            sep = "" if line.rstrip().endswith(("、", "，", ",")) else "、"
            out.append((b, c + cont.start("rest"), sep))
        elif _broken(line, t, c):
            # a unit list broken between two names (配合单位：区水务局、区住建局\n区农业农村局): the break separates them
            out.append((b, c, "、" if unit_run and _names_meet(line, nxt) else ""))
            joined = True
            continue
        unit_run = unit_run and in_field
        joined = in_field
    return out


_BRACKET_LABEL = re.compile(r"【(?P<name>[\u4e00-\u9fff]{2,10})】")


def _bracketed_labels(t: str, a: int, b: int) -> list[tuple[int, int, str]]:
    """Field labels written in lenticular brackets (【牵头单位】X【配合单位】Y) read as labels with a colon, each
    after the first of its sentence set apart by a semicolon."""
    out = []
    for m in _BRACKET_LABEL.finditer(t, a, b):
        if fields.field_kind(m.group("name")) == "other":
            continue
        before = t[a:m.start()].rstrip(" \u3000")
        sep = "" if not before or before.endswith(("。", "；", ";", "：", ":", "，", ",")) else "；"
        out.append((m.start(), m.start() + 1, sep))
        out.append((m.end() - 1, m.end(), "："))
    return out


def _unit_field(line: str) -> bool:
    m = fields.field_regex().match(line.lstrip(" \t\u3000"))
    return bool(m) and fields.field_kind(m.group("name")) in ("unit", "lead", "support", "implementing")


def _names_meet(line: str, nxt: str) -> bool:
    """Whether a line ends with a whole unit name and the next starts with one."""
    from taizhang.resolve import looks_like_unit  # the unit grammar: a name, not a name cut in two

    last = re.split(r"[、，,：:；;]", line.rstrip(" \u3000"))[-1].strip()
    first = re.split(r"[、，,。；;]", nxt.strip(" \u3000"))[0].strip()
    return bool(last) and bool(first) and looks_like_unit(last) and looks_like_unit(first)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \u3000"))


def _inline_items(t: str, a: int, b: int, item: tuple[int, str] | None = None
                  ) -> tuple[list[tuple[int, int, str]], tuple[int, str] | None]:
    """1.X。2.Y。 on one line: the next item of the line's own numbering starts a line of its own. ``item``: the
    item a line broken above runs on from (its number and dot), for a line that does not open one itself.
    Returns the edits and the item the line ends in."""
    m = _ITEM_HEAD.match(t, a, b)
    if m:
        n, dot, pos = int(m.group("n").translate(_FW_DIGITS)), m.group("dot"), m.end()
    elif item is not None:
        (n, dot), pos = item, a
    else:
        return [], None
    out = []
    for k in _ITEM_NEXT.finditer(t, pos, b):
        if int(k.group("n").translate(_FW_DIGITS)) == n + 1 and k.group("dot") == dot:
            out.append((k.start("n"), k.start("n"), "\n"))
            n += 1
    return out, (n, dot)


_RUN_IN_HEADING = re.compile(rf"[一二三四五六七八九十]{{1,3}}、[{_CJK}]{{2,15}}(?=（一）)")


def _run_in(t: str, a: int, b: int) -> list[tuple[int, int, str]]:
    """A list written without its line breaks (a page copied out of a word processor): the title run into the
    first heading, a short heading run into its first item, field labels run together
    (taizhang.text.fields.run_in_breaks) — each starts a line of its own."""
    out = [(k, k, "\n") for k in fields.run_in_breaks(t, a, b)] if t.find("：", a, b) >= 0 else []
    head = t[a:min(b, a + 120)]
    k = head.find("一、")
    if k > 0 and head[:k].strip() and head[:k].rstrip().endswith(tuple(fields.lexicon()["title_endings"])) \
            and not re.search(r"[，。；：！？]", head[:k]):
        out.append((a + k, a + k, "\n"))
        m = _RUN_IN_HEADING.match(t, a + k, b)
    else:
        m = _RUN_IN_HEADING.match(t, a, b)
    if m:
        out.append((m.end(), m.end(), "\n"))
    return sorted(set(out))


_RUNS_ON = tuple("，、。；：）)」』”】》,;:")  # marks that never open a line: the line above runs on
_LABEL_HEAD = re.compile(rf"[{_CJK}]{{2,10}}(?=[：:])")


def _broken(line: str, t: str, nxt: int) -> bool:
    s = line.rstrip(" \u3000")
    if len(s.strip()) < _WRAP_MIN or s.startswith("\t") or "\t" in s or " | " in s:
        return False
    end = t.find("\n", nxt)
    following = t[nxt:end if end >= 0 else len(t)]
    if not following.strip():
        return False
    if following.startswith(_RUNS_ON) and not s.endswith(_RUNS_ON):
        return True  # …应急管理局配合\n，各苏木乡镇…: a mark cannot open a line
    if s.endswith(_OPENS):
        return True  # …持续巡查。（\n县生态环境局牵头）: a bracket opened at the end runs on
    lab = _LABEL_HEAD.match(following)
    if lab and fields.field_kind(lab.group(0)) == "other" and _CJK_RE.match(s[-1]) and any(
            fields.field_kind(s[-k:] + lab.group(0)) != "other" for k in (1, 2, 3)):
        return True  # a label cut by the break (…，责\n任单位：…): the line runs on
    if _STARTS_NEW.match(following):
        return False
    if _ends_with_label().search(s):
        return True  # a label at the end of the line (…。责任单位：\n县住建局…): its value follows
    # a number broken at the line's end (…2021年至20\n22年…, 分别下降15\n%、10%…)
    digits = s[-1].isdigit() and (following[0].isdigit() or following[0] in "%％.．年月日号万亿")
    mid = s.endswith(_MID_SENTENCE)  # a line that stops at a comma or a list mark runs on
    if not (mid or digits) and (s.endswith(_CLOSES) or not _SENTENCE_MARKS.search(s)):
        return False
    return digits or bool(_CJK_RE.match(following[0]) or following[0] in _CAN_RUN_ON)


_OPENS = tuple("（(《“‘【")
_CAN_RUN_ON = "“‘《0123456789%％（(μµ" + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=1)
def _ends_with_label() -> re.Pattern:
    names = sorted({n for v in fields.lexicon()["fields"].values() for n in v}, key=len, reverse=True)
    alt = "|".join(map(re.escape, names))
    return re.compile(rf"(?:(?:^|(?<=[。；;，,\s]))(?:{alt})[：:]|【(?:{alt})】)$")


def normalise(text: str, *, join_lines: bool = True) -> Normalised:
    """The normal form of ``text`` and the map of its positions back to ``text``."""
    t = fold(text)
    edits = _edits(t, join_lines)
    if not edits:
        return Normalised(t, OffsetMap(src_len=len(text)))
    b = _Builder(t)
    for s, e, new in edits:
        b.replace(s, e, new)
    return Normalised(b.text(), b.map)
