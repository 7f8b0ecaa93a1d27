"""Quantitative goals (targets) of goal sections and 整改目标 fields.

Grammar: ``[到YYYY年，] indicator [均|分别] [比YYYY年] verb value unit [以上|以下] [，力争 … value unit]``.
The verbs, units, goal heading words and fillers live in ``data/target_grammar.yaml``; known indicator names
in ``data/indicators.yaml``. A clause is a stretch of text between ，。；; a year phrase carries forward
within one span until another year phrase; 力争 binds its value to the preceding goal as its stretch value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from taizhang.extract.deadlines import load_yaml
from taizhang.ledger import Target

_DIG = "0-9０-９"
_FW = str.maketrans("０１２３４５６７８９．", "0123456789.")
_NUMBERING = re.compile(
    r"^[\s\u3000]*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9０-９]+[）)]|[0-9０-９]+[.．、](?![0-9０-９])"
    r"|[①-⑳])\s*"
)


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass
class _G:
    g: dict
    value: re.Pattern
    verb: re.Pattern
    verb_cmp: dict[str, str]
    year: re.Pattern
    baseline: re.Pattern
    past: re.Pattern
    past_opener: re.Pattern
    negation: re.Pattern
    lead: re.Pattern
    known: re.Pattern
    head: re.Pattern
    areas: re.Pattern
    list_sep: str
    level: re.Pattern
    clause_split: re.Pattern
    goal_field: re.Pattern
    verbless: re.Pattern
    cap: re.Pattern
    goal_lead: re.Pattern
    qualifier: re.Pattern


@lru_cache(maxsize=1)
def _grammar() -> _G:
    g = load_yaml("target_grammar.yaml")
    ind = load_yaml("indicators.yaml")
    names = [n for group in ind.values() for n in group]
    num = rf"[{_DIG}]+(?:[.．][{_DIG}]+)?"
    value = re.compile(
        rf"(?<![{_DIG}.．A-Za-z])(?P<num>{num})(?:\s*[~～\-—至到]\s*(?P<num2>{num}))?\s*(?P<unit>{_alt(g['units'])})"
        rf"(?P<tail>\s*(?:{_alt(g['above_words'] + g['below_words'])}))?"
    )
    verb_cmp = {}
    for cmp_, words in g["comparators"].items():
        for w in words:
            verb_cmp.setdefault(w, cmp_)
    return _G(
        g=g,
        value=value,
        verb=re.compile(_alt(verb_cmp)),
        verb_cmp=verb_cmp,
        year=re.compile(rf"(?P<pre>到|至|在)?\s*(?P<y>(?:19|20)[{_DIG}]{{2}})\s*年(?:底|末)?(?:前)?"),
        baseline=re.compile(rf"(?:{_alt(g['baseline_prefixes'])})\s*(?P<y>(?:19|20)[{_DIG}]{{2}})\s*年"),
        past=re.compile(_alt(g["past_words"])),
        past_opener=re.compile(rf"^\s*(?:(?:19|20)[{_DIG}]{{2}}\s*年)?\s*(?:{_alt(g['past_sentence_openers'])})"),
        negation=re.compile(rf"(?:{_alt(g['negations'])})$"),
        lead=re.compile(rf"^(?:{_alt(g['leading_fillers'])})+"),
        known=re.compile(_alt(names)),
        head=re.compile(rf"(?:{_alt(g['head_nouns'])})$"),
        areas=re.compile(
            rf"^(?P<areas>(?:[\u4e00-\u9fff]{{1,10}}?(?:{_alt(g['area_suffixes'])})(?:{_alt(g['list_joiners'])}))+"
            rf"[\u4e00-\u9fff]{{1,10}}?(?:{_alt(g['area_suffixes'])}))的?(?=\S)"),
        list_sep=rf"(?:{_alt(g['list_joiners'])})",
        level=re.compile(rf"(?:{_alt(g['level_words'])})$"),
        # a bracket restating the goal another way (92.5%（即全年污染天数不能超过27天）) holds a goal of its own
        clause_split=re.compile(rf"[，,。；;：:！？\n]|[（(](?=(?:{_alt(g['restating_words'])}))"),
        goal_field=re.compile(rf"^[ \t\u3000]*(?:{_alt(g['goal_fields'])})\s*[：:]", re.M),
        verbless=re.compile(rf"(?:{_alt(g['verbless_heads'])})\s*$"),
        cap=re.compile(rf"(?:{_alt(g['cap_heads'])})$"),
        goal_lead=re.compile(rf"(?:{_alt(g['goal_lead_endings'])})\s*$"),
        qualifier=re.compile(
            rf"(?<![{_DIG}.．A-Za-z]){num}(?:\s*[~～\-—至到]\s*{num})?\s*(?:{_alt(g['units'])})"
            rf"\s*(?:{_alt(g['above_words'] + g['below_words'])})?\s*(?:{_alt(g['qualifier_joints'])})?的"
            rf"(?!{_alt(g['qualifier_not_before'])})"),
    )


def is_goal_heading(heading: str) -> bool:
    """True for the heading of a goal section: 工作目标, 目标指标, 主要目标, 总体要求和目标 …"""
    g = _grammar().g
    title = _NUMBERING.sub("", heading or "", count=1).strip()
    title = re.split(r"[。：:]", title, maxsplit=1)[0].strip()
    if not title or len(title) > g["max_heading_chars"] or "，" in title:
        return False
    if any(w in title for w in g["not_goal_words"]):
        return False
    # the goal word closes the heading (工作目标, 主要工作目标及任务), not a sentence naming one (…指标任务未完成)
    return any(w in title[-(len(w) + 3):] for w in g["goal_words"])


def _is_heading_like(line: str) -> bool:
    s = line.strip()
    return bool(s) and len(s) <= 30 and not re.search(r"[。，；,;]", s)


def _level(line: str) -> int | None:
    s = line.lstrip(" \u3000")
    if s.startswith("\t"):
        return None
    for lvl, rx in (
        (1, r"[一二三四五六七八九十]+、"),
        (2, r"[（(][一二三四五六七八九十]+[）)]"),
        (3, r"[0-9０-９]+[.．、](?![0-9０-９])"),
        (4, r"[（(][0-9０-９]+[）)]"),
        (5, r"[①-⑳]"),
    ):
        if re.match(rx, s):
            return lvl
    return None


def _goal_sub(line: str) -> bool:
    """A sub-heading that goes on with the goals of its section (（二）水污染防治方面), not a section of another
    kind (（一）指导思想, （三）主要任务)."""
    title = _NUMBERING.sub("", line, count=1).strip()
    return not any(w in title for w in _grammar().g["not_goal_subsections"])


def goal_section_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the goal sections of a plain text: from a goal heading line to the next numbered line of the
    same or a higher level, the next heading-like line, a table, or an annex."""
    lines = []
    pos = 0
    for ln in text.split("\n"):
        lines.append((pos, pos + len(ln)))
        pos += len(ln) + 1
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        a, b = lines[i]
        line = text[a:b]
        if line.startswith("\t") or not is_goal_heading(line) or _grammar().goal_field.match(line):
            i += 1
            continue
        level = _level(line)
        end = len(text)
        j = i + 1
        while j < len(lines):
            c, d = lines[j]
            nl = text[c:d]
            lv = _level(nl)
            if nl.startswith("\t") or nl.lstrip().startswith(("附件", "附表")):
                break
            if is_goal_heading(nl) and (level is None if lv is None else (level is None or lv <= level)):
                # a goal heading of its own level starts its own section; a deeper one, or a sentence naming the
                # goals inside a numbered section (全县2021年空气质量改善目标为：…), goes on with this
                break
            if lv is not None and (level is None or lv <= level or (_is_heading_like(nl) and not _goal_sub(nl))):
                break
            if lv is None and level is None and _is_heading_like(nl) and nl.strip():
                break
            j += 1
        end = lines[j][0] if j < len(lines) else len(text)
        spans.append((a, end))
        i = j
    return spans


@lru_cache(maxsize=1)
def _annual() -> re.Pattern:
    words = _alt(_grammar().g["annual_plan_words"])
    return re.compile(rf"(?<![0-9])((?:19|20)[0-9]{{2}})\s*年(?:度|(?:[\u4e00-\u9fff“”\s]{{0,16}}?)(?:{words}))")


def annual_year(title: str | None) -> int | None:
    """The year of an annual plan, from its title (…2018年度…方案, …2019年工作方案, …2018年实施计划); None for a
    plan of several years (2019—2020年) or no year."""
    years = set(re.findall(r"(?<![0-9])((?:19|20)[0-9]{2})\s*年?", title or ""))
    m = _annual().search(title or "")
    return int(m.group(1)) if m and len(years) == 1 else None


def goal_field_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the values of 整改目标 fields (to the end of their line)."""
    out = []
    for m in _grammar().goal_field.finditer(text):
        e = text.find("\n", m.end())
        out.append((m.end(), len(text) if e < 0 else e))
    return out


def _number(s: str) -> float | int:
    s = s.translate(_FW)
    v = float(s)
    return int(v) if v.is_integer() and "." not in s else v


def _last(it):
    last = None
    for last in it:  # noqa: B007 - the last item is the point
        pass
    return last


def _five_year_baseline(year: int | None) -> int | None:
    if year is None:
        return None
    return ((year - 1) // 5) * 5


def _strip_indicator(chunk: str) -> tuple[str, int]:
    """The indicator in ``chunk`` (text from the clause start to the verb) and its offset in the chunk."""
    G = _grammar()
    off = 0
    m = _NUMBERING.match(chunk)
    if m:
        off = m.end()
    rest = chunk[off:]
    ym = re.match(rf"\s*(?:到|至|在)?\s*(?:19|20)[{_DIG}]{{2}}\s*年(?:底|末)?(?:前)?\s*", rest)
    if ym:
        off += ym.end()
        rest = chunk[off:]
    lm = G.lead.match(rest)
    if lm:
        off += lm.end()
        rest = chunk[off:]
    # cut at a baseline / shared word at the end: "…排放总量均比2015年" → "…排放总量"
    share = _alt(G.g['shared_words'] + G.g['respectively_words'])
    base = rf"(?:{_alt(G.g['baseline_prefixes'])})\s*(?:19|20)[{_DIG}]{{2}}\s*年(?:相比|水平)?"
    cut = re.search(rf"(?:(?:{share})?\s*(?:{base})?|(?:{base})\s*(?:{share}))\s*$", rest)
    if cut:
        rest = rest[:cut.start()]
    rest = rest.rstrip(" 在")
    rest = re.sub(rf"(?:{_alt(G.g['stretch_words'] + ['确保'])})$", "", rest)  # PM2.5浓度力争达到… → PM2.5浓度
    if len(rest) > 30 and "、" not in rest:  # a long lead-in before a known name (not a list of indicators)
        km = _last(G.known.finditer(rest))
        if km is not None:
            off += km.start()
            rest = rest[km.start():]
    return rest.strip(), off + (len(chunk[off:]) - len(chunk[off:].lstrip()))


def _split_list(s: str, seps: str) -> list[tuple[str, int]]:
    """Parts of a list at the separators (a regex) outside brackets: (part, offset)."""
    out, depth, start, k = [], 0, 0, 0
    rx = re.compile(seps)
    while k < len(s):
        ch = s[k]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif depth == 0:
            m = rx.match(s, k)
            if m and m.end() > k:
                out.append((s[start:k], start))
                start = k = m.end()
                continue
        k += 1
    out.append((s[start:], start))
    return out


class _Listed:
    """A bare number of a list that shares the unit written after the last one (47、49、50微克/立方米)."""

    def __init__(self, m: re.Match, unit_of: re.Match):
        self._m, self._u = m, unit_of

    def group(self, name: str):
        if name == "num":
            return self._m.group("n")
        if name in ("unit", "tail"):
            return self._u.group(name)
        return None

    def start(self) -> int:
        return self._m.start("n")

    def end(self) -> int:
        return self._m.end("n")


_BARE_LIST = re.compile(rf"(?P<n>[{_DIG}]+(?:[.．][{_DIG}]+)?)\s*(?:、|，|,|和|及)\s*$")
# a bare number after the last value of a 分别 list, its unit left out (分别控制在101微克/立方米、47)
_BARE_AFTER = re.compile(rf"\s*(?:、|和|及)\s*(?P<n>[{_DIG}]+(?:[.．][{_DIG}]+)?)\s*$")


def _listed_values(clause: str, values: list) -> list:
    """The values of a clause, with the bare numbers listed before a value that carries the unit: 分别控制在47、49、
    50微克/立方米以下 gives three values."""
    if not values or not any(w in clause for w in _grammar().g["respectively_words"]):
        return values
    first = values[0]
    listed = []
    end = first.start()
    while True:
        m = _BARE_LIST.search(clause, 0, end)
        if m is None:
            break
        listed.insert(0, _Listed(m, first))
        end = m.start("n")
    after = []
    m = _BARE_AFTER.match(clause, values[-1].end())
    if m is not None:
        after.append(_Listed(m, values[-1]))
    return listed + values + after


def _share_first(clause: str, vm: re.Match) -> str | None:
    """The indicator of a goal written value first (100%的县级以上城市建成清新空气示范区), else None."""
    g = _grammar().g
    before = _NUMBERING.sub("", clause[:vm.start()], count=1).strip()
    if before or vm.group("unit") not in ("%", "％"):
        return None
    rest = clause[vm.end():]
    if not rest.startswith(g["share_marker"]):
        return None
    ind = rest[len(g["share_marker"]):].strip()
    return ind if len(ind) >= 4 else None


def _distribute(indicator: str, ioff: int | None, shared: bool, resp: bool, n_values: int
                ) -> tuple[list[str], list[int | None]]:
    """The indicators a goal names: A、B和C + head noun (均 / 分别), areas A乡、B镇 + 的 + indicator, or one."""
    G = _grammar()
    g = G.g

    def off(rel: int) -> int | None:
        return None if ioff is None else ioff + rel

    am = G.areas.match(indicator)
    if am:  # per-area goals: the area stays in each indicator
        parts = _split_list(am.group("areas"), G.list_sep)
        rest = re.sub(rf"^(?:{G.list_sep}|的)+", "", indicator[am.end("areas"):])
        return [p + rest for p, _ in parts], [off(r) for _, r in parts]
    if not (shared or resp):
        return [indicator], [ioff]
    parts = _split_list(indicator, G.list_sep)
    if len(parts) < 2 or (resp and n_values > 1 and len(parts) != n_values):
        parts = _split_list(indicator, "、")
        if len(parts) < 2:
            return [indicator], [ioff]
    last, last_off = parts[-1]
    hm = G.head.search(last)
    head = hm.group(0) if hm else ""
    if head:  # 挥发性有机物等主要污染物排放总量 → 挥发性有机物排放总量
        cm = re.match(rf"^(.+?)(?:{_alt(g['list_closers'])})\S*?{re.escape(head)}$", last)
        if cm:
            parts[-1] = (cm.group(1) + head, last_off)
    items = [p if (not head or p.endswith(head)) else p + head for p, _ in parts]
    return items, [off(r) for _, r in parts]


def extract_targets(text: str, spans: list[tuple[int, int]], *, doc_year: int | None,
                    plan_year: int | None = None) -> list[Target]:
    """Quantitative goals within ``spans`` of ``text`` (goal sections and 整改目标 fields), ids G1.. in order.
    ``plan_year``: the year of an annual plan (its title: 2018年度…实施方案): the year of its goals that name none."""
    G = _grammar()
    g = G.g
    out: list[Target] = []
    for s0, e0 in sorted(set((max(0, a), min(len(text), b)) for a, b in spans)):
        if e0 <= s0:
            continue
        seg = text[s0:e0]
        # a section whose heading speaks of this year's goals (年度 / 全年) defaults to the document's year
        head_start = text.rfind("\n", 0, max(0, s0 - 1)) + 1
        heading = text[head_start:s0] + seg.split("\n", 1)[0]
        cur_year = plan_year or (doc_year if re.search(r"年度|全年|本年", heading) else None)
        last: Target | None = None
        level: tuple[str, int | None, int] | None = None
        pos = 0
        past_sentence = False  # the sentence reports the past (截至目前，…): its numbers are no goals
        sentence_start = True
        for cm in list(G.clause_split.finditer(seg)) + [None]:
            cend = cm.start() if cm else len(seg)
            clause = seg[pos:cend]
            cstart = pos
            pos = cm.end() if cm else len(seg)
            if sentence_start:
                past_sentence = bool(G.past_opener.match(clause))
            sentence_start = cm is None or cm.group(0) in "。；;！？\n"
            if not clause.strip() or past_sentence:
                continue
            qual = _last(G.qualifier.finditer(clause))
            if qual is not None and _NUMBERING.sub("", clause[:qual.start()], count=1).strip():
                # a value qualifying what follows (PM2.5浓度在60至70微克/立方米之间的甲镇、乙乡…): a condition, and
                # its year no goal's year; the goal is what comes after it
                cstart += qual.end()
                clause = clause[qual.end():]
            # year phrases in this clause (not baselines, not in titles) move the current year
            base_spans = [(b.start(), b.end(), int(b.group("y").translate(_FW))) for b in G.baseline.finditer(clause)]
            clause_year = None
            for ym in G.year.finditer(clause):
                if any(bs <= ym.start() < be for bs, be, _ in base_spans):
                    continue
                if "《" in clause[:ym.start()] and "》" not in clause[ym.start():ym.start() + 1] and \
                        clause.rfind("《", 0, ym.start()) > clause.rfind("》", 0, ym.start()):
                    continue
                clause_year = int(ym.group("y").translate(_FW))
                if ym.group("pre") or ym.start() <= 2:
                    cur_year = clause_year
            values = _listed_values(clause, list(G.value.finditer(clause)))
            if not values and clause_year is not None and G.goal_lead.search(clause):
                cur_year = clause_year  # 甲市2020年空气质量改善目标为：… names the year of the goals after it
            held = level  # the level a clause before this one holds (较2019年持平，达到41…)
            level = None
            if not values:
                lm = G.level.search(clause.rstrip())
                if lm:
                    ind, _o = _strip_indicator(clause[:lm.start()])
                    level = (ind, base_spans[-1][2] if base_spans else None, cstart)
                continue
            if G.past.search(clause[:values[0].start()]):
                continue
            share = _share_first(clause, values[0])
            if share is not None:  # 100%的县级以上城市建成清新空气示范区
                vm = values[0]
                start, end = s0 + cstart + vm.start(), s0 + cstart + len(clause.rstrip())
                last = Target(id="", indicator=share, comparator=">=", value=_number(vm.group("num")),
                              unit=vm.group("unit"), year=clause_year or cur_year, baseline_year=None,
                              stretch_value=None, text=text[start:end], span=[start, end])
                out.append(last)
                continue
            first_chunk = clause[:values[0].start()]
            stretch = any(first_chunk.lstrip().startswith(w) for w in g["stretch_words"])
            vm_ = _last(G.verb.finditer(first_chunk))
            if stretch and last is not None:
                rest = first_chunk.lstrip()[2:]
                if not _strip_indicator(rest[:vm_.start() - (len(first_chunk) - len(rest))] if vm_ else rest)[0]:
                    last.stretch_value = _number(values[0].group("num"))
                    last.text = text[last.span[0]:s0 + cstart + values[0].end()]
                    last.span = [last.span[0], s0 + cstart + values[0].end()]
                    continue
            tail = (values[0].group("tail") or "").strip()
            if first_chunk.rstrip().endswith(("“", "\"", "「")):
                continue  # a number in quotes names something ("60天"攻坚行动), it is not a goal value
            if vm_ is not None and len(first_chunk) - vm_.end() > g["max_verb_gap"]:
                vm_ = None
            if vm_ is not None and first_chunk[vm_.end():].strip() and G.verbless.search(first_chunk[vm_.end():]):
                vm_ = None  # the verb is part of a rate's name (达标率100%)
            if vm_ is not None and G.negation.search(first_chunk[:vm_.start()]):
                continue  # 未超过: a statement of fact, not a goal
            if vm_ is None:
                if not tail and not G.verbless.search(first_chunk):
                    continue
                # no verb: "X占Y的80%以上" — the comparator is the tail's; "水质优良率100%" — a rate is a floor
                cmp_ = "<=" if tail in g["below_words"] else ">="
                chunk = first_chunk
            else:
                cmp_ = G.verb_cmp[vm_.group(0)]
                if cmp_ == "neutral" or (cmp_ == ">=" and tail in g["below_words"]):
                    # 保持在X以下; 达到Ⅲ类标准（0.2毫克/升以下）: the words after the value decide
                    cmp_ = "<=" if tail in g["below_words"] else ">="
                chunk = first_chunk[:vm_.start()]
            indicator, ioff = _strip_indicator(chunk)
            held_base = None
            if (not indicator or len(indicator) < 2) and held is not None and held[0]:
                # the value of a level held (持平) caps it: <=, with the baseline of the level
                indicator, ioff, held_base = held[0], held[2] - cstart, held[1]
                cmp_ = "<="
            elif not indicator or len(indicator) < 2:
                if last is None:
                    continue
                indicator, ioff = last.indicator, None
                if last.comparator in ("reduce_by", "increase_by"):
                    held_base = last.baseline_year  # 较2019年下降8%，达到58微克/立方米: the level reached
            if vm_ is not None and cmp_ == ">=" and tail not in g["above_words"] \
                    and vm_.group(0) in g["reach_verbs"] and G.cap.search(indicator):
                cmp_ = "<="  # a pollution level reaching its value: PM2.5浓度达到41微克/立方米 is a cap
            baseline = None
            for _, _, by in base_spans:
                baseline = by
            year = clause_year if clause_year is not None and not G.year.search(chunk[:0]) else cur_year
            if clause_year is None:
                year = cur_year
            if cmp_ in ("reduce_by", "increase_by") and baseline is None:
                baseline = _five_year_baseline(year)
            if cmp_ not in ("reduce_by", "increase_by"):
                baseline = held_base
            # several indicators sharing one value (均) or paired with several values (分别); several areas
            shared = any(w in chunk for w in g["shared_words"])
            resp = any(w in first_chunk for w in g["respectively_words"])
            items, item_offs = _distribute(indicator, ioff, shared, resp, len(values))
            if resp and len(items) == 1 and len(values) > 1:
                # 分别 with several values for one written indicator (两区…比率分别控制在3%和2%以内): a goal each
                items, item_offs = items * len(values), item_offs * len(values)
            vals = values if resp and len(values) == len(items) else [values[0]] * len(items)
            for item, io, vm in zip(items, item_offs, vals, strict=False):
                v = _number(vm.group("num"))
                if vm.group("num2"):
                    v2 = _number(vm.group("num2"))
                    v = max(v, v2) if cmp_ == "<=" else min(v, v2)
                start = s0 + cstart + (io if io is not None else 0)
                end = s0 + cstart + vm.end()
                t = Target(id="", indicator=item, comparator=cmp_, value=v, unit=vm.group("unit"), year=year,
                           baseline_year=baseline, stretch_value=None, text=text[start:end], span=[start, end])
                out.append(t)
                last = t
    uniq: list[Target] = []
    seen: set[tuple] = set()
    for t in out:
        key = (tuple(t.span), t.indicator, t.value)
        if key not in seen:
            seen.add(key)
            uniq.append(t)
    for i, t in enumerate(uniq, 1):
        t.id = f"G{i}"
    return uniq
