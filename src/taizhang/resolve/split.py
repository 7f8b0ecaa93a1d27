"""Splitting a written list of units into mentions (市生态环境局、发改委和财政局 → three), names holding 和 kept whole."""

from __future__ import annotations

from functools import lru_cache

from taizhang.resolve.lexicon import Lexicon, display, key, lexicon
from taizhang.resolve.units import (
    _CLOSE,
    _CONNECTORS,
    _HARD,
    _OPEN,
    _PLACE,
    _TRAIL_DENG,
    _TRAIL_PUNCT,
    _generic,
    _known_or_shape,
    _parse,
    _shape,
    _strip_deng,
)


def split_units(s: str) -> list[tuple[str, int, int]]:
    """Split a unit list into mentions (raw, start, end), offsets relative to s.

    Separators 、，,；;/ always split outside brackets; whitespace and 和/及/与/以及 split only between two
    names (住房和城乡建设局 and 海洋与渔业部门 stay whole). A trailing 等/等部门/等单位 is dropped.
    """
    lex = lexicon()
    out: list[tuple[str, int, int]] = []
    depth = 0
    seg_start = 0
    n = len(s)
    for i, ch in enumerate(s):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in _HARD:
            _split_segment(lex, s, seg_start, i, out)
            seg_start = i + 1
    _split_segment(lex, s, seg_start, n, out)
    return _join_levels(s, out)


def _join_levels(s: str, parts: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """各县、区人民政府（管委会）: a part that is a level alone joins the part after it (across a 、)."""
    rx = _level_alone()
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(parts):
        raw, a, b = parts[i]
        j = i
        while j + 1 < len(parts) and rx.match(parts[j][0]) and s[parts[j][2]:parts[j + 1][1]].strip() in "、,，" \
                and parts[j + 1][0][:1] in "省市区县旗镇乡":
            j += 1
        if j > i and not rx.match(parts[j][0]):
            b = parts[j][2]
            out.append((s[a:b], a, b))
            i = j + 1
            continue
        out.append((raw, a, b))
        i += 1
    return out


@lru_cache(maxsize=1)
def _level_alone():
    import re

    from taizhang.text.basics import load_yaml

    return re.compile(load_yaml("taizhang.resolve", "data/territorial.yaml")["level_alone"])


def _complete(lex: Lexicon, name: str) -> bool:
    """A complete organisation name: it ends as one (局, 委员会, 人民政府, 公司 …) or is a territorial role."""
    k = _strip_deng(key(name))
    return _shape(lex, k) or _generic(lex, k) or bool(_PLACE.search(k))


def _soft_cuts(s: str, a: int, b: int) -> list[tuple[int, int]]:
    """Positions of soft separators (whitespace runs, 和/及/与/以及) at bracket depth 0 in s[a:b]."""
    cuts: list[tuple[int, int]] = []
    depth = 0
    i = a
    while i < b:
        ch = s[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            if ch.isspace():
                j = i
                while j < b and s[j].isspace():
                    j += 1
                cuts.append((i, j))
                i = j
                continue
            for c in _CONNECTORS:
                if s.startswith(c, i) and i + len(c) <= b:
                    cuts.append((i, i + len(c)))
                    i += len(c)
                    break
            else:
                i += 1
                continue
            continue
        i += 1
    return cuts


def _split_segment(lex: Lexicon, s: str, a: int, b: int, out: list[tuple[str, int, int]]) -> None:
    while a < b and s[a].isspace():
        a += 1
    while b > a and s[b - 1].isspace():
        b -= 1
    if a >= b:
        return
    cuts = _soft_cuts(s, a, b)
    if not cuts:
        _emit(lex, s, a, b, out)
        return
    # pieces between cuts
    bounds = [a] + [x for c in cuts for x in c] + [b]
    pieces = [(bounds[2 * i], bounds[2 * i + 1]) for i in range(len(cuts) + 1)]

    def unitish(x: int, y: int) -> bool:
        return x < y and _known_or_shape(lex, key(s[x:y]), lax=True)

    cur_start = pieces[0][0]
    for idx in range(1, len(pieces)):
        left_end = pieces[idx - 1][1]
        p_start = pieces[idx][0]
        if not unitish(cur_start, left_end):
            continue
        # at 和/及/与 both sides must be complete names, with an organisation's ending (林业和草原局 and
        # 党工委和管委会 are one body each); at a blank any name-like word will do
        connector = not s[left_end].isspace()
        if connector and not _complete(lex, s[cur_start:left_end]):
            continue
        right_ok = False
        for j in range(idx, len(pieces)):
            if unitish(p_start, pieces[j][1]) and not (connector and (
                    key(s[p_start:pieces[j][1]]) in lex.bare_role_words or not _complete(lex, s[p_start:pieces[j][1]]))):
                right_ok = True
                break
        if not right_ok:
            continue
        # a known name that contains the connector stays whole (自然资源和规划局)
        whole_known = False
        for j in range(idx, len(pieces)):
            if (
                lex.alias.get(key(s[cur_start : pieces[j][1]])) is not None
                or _parse(lex, display(s[cur_start : pieces[j][1]]), None).entry is not None
            ):
                whole_known = True
                break
        if whole_known:
            continue
        _emit(lex, s, cur_start, left_end, out)
        cur_start = p_start
    _emit(lex, s, cur_start, pieces[-1][1], out)


def _emit(lex: Lexicon, s: str, a: int, b: int, out: list[tuple[str, int, int]]) -> None:
    raw = s[a:b]
    m = _TRAIL_PUNCT.search(raw)
    if m and m.start() > 0:
        b = a + m.start()
        raw = s[a:b]
    stripped = _TRAIL_DENG.sub("", raw)
    if stripped and stripped != raw:
        b = a + len(stripped)
        raw = stripped
    if raw.startswith("由") and len(raw) > 2 and _known_or_shape(lex, key(raw[1:]), lax=True):
        a += 1
        raw = raw[1:]
    while a < b and s[a].isspace():
        a += 1
    while b > a and s[b - 1].isspace():
        b -= 1
    if a < b:
        out.append((s[a:b], a, b))


