"""Word automatic list numbering (word/numbering.xml) rendered as the label a typist would have written.

Counters follow Word: one list per abstract numbering definition (numbering instances that share an
abstractNum continue each other unless the instance overrides a start value), a level's counter restarts
when a higher level advances, ``%N`` in ``lvlText`` is replaced by level N-1's counter in that level's
format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_LEVEL = 8  # Word has nine list levels, 0–8
MAX_START = 32767  # the largest start value Word accepts

_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = [chr(0x2460 + i) for i in range(20)] + [chr(0x3251 + i) for i in range(15)] + [
    chr(0x32B1 + i) for i in range(15)
]


def _chinese(n: int, digits: str = _CN_DIGITS, units: str = "十百千") -> str:
    if n <= 0:
        return digits[0]
    if n >= 10000:
        return _chinese(n // 10000, digits, units) + "万" + (
            (digits[0] if n % 10000 < 1000 else "") + _chinese(n % 10000, digits, units) if n % 10000 else ""
        )
    parts = []
    zero = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // power % 10
        if d:
            if zero:
                parts.append(digits[0])
                zero = False
            if not (power == 10 and d == 1 and n < 20 and not parts):
                parts.append(digits[d])
            parts.append(unit)
        elif parts:
            zero = True
    return "".join(parts)


def _letters(n: int, base: str) -> str:
    # Word repeats the letter: a..z, aa..zz, ...
    n = max(n, 1)
    return base[(n - 1) % 26] * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
            (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for v, s in vals:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "koreanCounting", "ideographDigital"):
        if fmt == "ideographDigital":
            return "".join(_CN_DIGITS[int(d)] for d in str(n))
        return _chinese(n)
    if fmt in ("chineseLegalSimplified", "japaneseLegal"):
        return _chinese(n, _CN_LEGAL, "拾佰仟")
    if fmt in ("ideographTraditional",):
        return _TIANGAN[(n - 1) % 10]
    if fmt in ("ideographZodiac",):
        return _DIZHI[(n - 1) % 12]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else f"({n})"
    if fmt == "decimalEnclosedParen":
        return chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}."
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if fmt == "lowerLetter":
        return _letters(n, "abcdefghijklmnopqrstuvwxyz")
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "none":
        return ""
    return str(n)  # decimal and anything unknown


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    is_legal: bool = False
    restart: int | None = None  # lvlRestart: restart after this (1-based) level; 0 = never


@dataclass
class _Num:
    abstract_id: str
    overrides: dict[int, int] = field(default_factory=dict)  # level → startOverride
    levels: dict[int, Level] = field(default_factory=dict)  # level → full lvl override


def _val(el, tag: str) -> str | None:
    child = el.find(W + tag)
    return None if child is None else child.get(W + "val")


def _int(value: str | None, default: int | None, low: int, high: int) -> int | None:
    """A whole number from the XML, kept within Word's own range (a damaged or hostile file may say anything)."""
    if value is None:
        return default
    try:
        n = int(value.strip())
    except ValueError:
        return default
    return min(max(n, low), high)


def _parse_level(lvl) -> Level:
    level = Level()
    level.start = _int(_val(lvl, "start"), 1, 0, MAX_START)
    level.fmt = _val(lvl, "numFmt") or "decimal"
    text = _val(lvl, "lvlText")
    level.text = text if text is not None else ""
    level.is_legal = lvl.find(W + "isLgl") is not None
    level.restart = _int(_val(lvl, "lvlRestart"), None, 0, MAX_LEVEL + 1)
    return level


class Numbering:
    """The numbering definitions of one document plus the running counters.

    Built from the root of numbering.xml, or definition by definition with :meth:`add` (the reader streams
    the part and frees each definition once added)."""

    def __init__(self, root=None) -> None:
        self.abstract: dict[str, dict[int, Level]] = {}
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is not None:
            for el in root:
                self.add(el)

    def add(self, el) -> None:
        """Take one ``w:abstractNum`` or ``w:num`` definition (anything else is ignored)."""
        if el.tag == W + "abstractNum":
            levels = {}
            for lvl in el.findall(W + "lvl"):
                levels[_int(lvl.get(W + "ilvl"), 0, 0, MAX_LEVEL)] = _parse_level(lvl)
            self.abstract[el.get(W + "abstractNumId")] = levels
        elif el.tag == W + "num":
            aid = _val(el, "abstractNumId")
            if aid is None:
                return
            n = _Num(aid)
            for ov in el.findall(W + "lvlOverride"):
                ilvl = _int(ov.get(W + "ilvl"), 0, 0, MAX_LEVEL)
                so = _int(_val(ov, "startOverride"), None, 0, MAX_START)
                if so is not None:
                    n.overrides[ilvl] = so
                lvl = ov.find(W + "lvl")
                if lvl is not None:
                    n.levels[ilvl] = _parse_level(lvl)
                    if so is None:
                        n.overrides[ilvl] = n.levels[ilvl].start
            self.nums[el.get(W + "numId")] = n

    def _level(self, num: _Num, ilvl: int) -> Level | None:
        if ilvl in num.levels:
            return num.levels[ilvl]
        return self.abstract.get(num.abstract_id, {}).get(ilvl)

    def label(self, num_id: str, ilvl: int) -> str | None:
        """Advance the counter of (num_id, ilvl) and return the rendered label, or None (no numbering)."""
        num = self.nums.get(num_id)
        if num is None or num_id == "0":
            return None
        level = self._level(num, ilvl)
        if level is None:
            return None
        key = num.abstract_id if not num.overrides else "num:" + num_id
        counters = self.counters.setdefault(key, {})
        if ilvl in counters:
            counters[ilvl] += 1
        else:
            counters[ilvl] = num.overrides.get(ilvl, level.start)
        # restart deeper levels (lvlRestart=0 means "never restart")
        for deeper in [k for k in counters if k > ilvl]:
            lv = self._level(num, deeper)
            if lv is None or lv.restart != 0:
                del counters[deeper]
        if level.fmt == "bullet":
            return None
        out = level.text
        for i in range(9, 0, -1):
            token = f"%{i}"
            if token not in out:
                continue
            lv = self._level(num, i - 1) or Level()
            value = counters.get(i - 1, num.overrides.get(i - 1, lv.start))
            fmt = "decimal" if (level.is_legal and i - 1 != ilvl) else lv.fmt
            out = out.replace(token, format_number(value, fmt))
        return out
