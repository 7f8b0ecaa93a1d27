"""Deadlines, milestones and the immediate/ongoing flags of a task's text.

Conventions (docs/dev/ledger-format.md, deadlines): every explicit time limit is normalised to the last day of the
period it names (2019年底前 → 2019-12-31, 上半年 → 06-30, 3月中旬前 → 03-20, 10月前 → 10-31, 2019年7月1日前 →
2019-07-01, a year alone → its 12-31); ``起`` / ``开始`` make a start date (type ``from``, the period's first
day). Month-only and relative phrases resolve against the document's year. Dates reporting the past
(已完成, 以来, 截至, a bare year before the document's year) and baselines (比2015年) are not deadlines.

The phrase lexicon lives in ``data/deadlines.yaml`` and is compiled once.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from taizhang.ledger import Deadline
from taizhang.text import basics as text_basics
from taizhang.text.basics import cn_int

_FW_DIGITS = text_basics.FW_DIGITS
_DIGIT = text_basics.DIGIT


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def load_yaml(name: str) -> dict[str, Any]:
    """One YAML file of this package's data directory."""
    return text_basics.load_yaml("taizhang.extract", f"data/{name}")


@dataclass
class _Rules:
    lex: dict[str, Any]
    core: re.Pattern
    dotted: re.Pattern
    prefix: re.Pattern
    suffix: re.Pattern
    joiner: re.Pattern
    exclude_prefix: re.Pattern
    exclude_suffix: re.Pattern
    past: re.Pattern
    plan: re.Pattern
    statistic: re.Pattern
    flags_immediate: re.Pattern
    flags_strong: re.Pattern
    flags_weak: re.Pattern
    flags_not_ongoing: re.Pattern | None
    short_segment: int
    key_chars: frozenset  # one of these stands in every date phrase but a dotted one (2019.3.1)


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    lex = load_yaml("deadlines.yaml")
    ynum = rf"(?<![{_DIGIT}.．]){text_basics.YEAR}"
    mnum = text_basics.MONTH
    dnum = text_basics.DAY
    joiners = _alt(lex["range_joiners"])
    rel = _alt(lex["relative_years"])
    yparts = _alt(lex["year_periods"])
    standalone = _alt(k for k, v in lex["year_periods"].items() if v.get("standalone"))
    mparts = _alt(lex["month_parts"])
    def month(k: str) -> str:
        return (
            rf"(?:(?P<m0{k}>{mnum})\s*月?份?\s*(?:{joiners})\s*)?"
            rf"(?<![{_DIGIT}])(?P<m{k}>{mnum})\s*月份?(?:(?P<d{k}>{dnum})\s*[日号])?(?P<mp{k}>{mparts})?"
        )

    core = (
        rf"(?:(?:(?P<y0>{ynum})\s*年?\s*(?:{joiners})\s*)?(?P<y>{ynum})\s*年(?:{month('a')}|(?P<yp>{yparts}))?"
        rf"|(?P<rel>{rel})(?:{month('b')}|(?P<yp2>{yparts}))?"
        rf"|(?P<sa>{standalone})"
        rf"|{month('c')})"
    )
    suffix = (
        rf"\s*(?P<kept>{_alt(lex['kept_suffixes'])})?\s*"
        rf"(?P<suf>{_alt(lex['by_suffixes'] + lex['from_suffixes'])})?"
    )
    fl = load_yaml("deadline_flags.yaml")
    not_ongoing = fl.get("not_ongoing") or []
    return _Rules(
        lex=lex,
        core=re.compile(core),
        dotted=re.compile(rf"(?<![{_DIGIT}.．])(?P<y>(?:19|20)[0-9]{{2}})[.．/](?P<m>1[0-2]|0?[1-9])(?:[.．/](?P<d>[0-3]?[0-9]))?(?![{_DIGIT}])"),
        prefix=re.compile(rf"(?:{_alt(lex['kept_prefixes'])})$"),
        suffix=re.compile(suffix),
        joiner=re.compile(rf"\s*(?:{joiners})\s*$"),
        exclude_prefix=re.compile(rf"(?:{_alt(lex['exclude_prefixes'])})\s*$"),
        exclude_suffix=re.compile(rf"\s*(?:{_alt(lex['exclude_suffixes'])})"),
        past=re.compile(_alt(lex["past_clause_markers"])),
        plan=re.compile(_alt(lex["plan_markers"])),
        statistic=re.compile(_alt(lex["statistic_nouns"])),
        flags_immediate=re.compile(_alt(fl["immediate"])),
        flags_strong=re.compile(_alt(fl["ongoing_strong"])),
        flags_weak=re.compile(_alt(fl["ongoing_weak"] + fl["ongoing_strong"])),
        flags_not_ongoing=re.compile(_alt(not_ongoing)) if not_ongoing else None,
        short_segment=int(fl.get("short_segment_chars", 10)),
        key_chars=frozenset("年月") | {w[-1] for w in [*lex["relative_years"], *lex["year_periods"]]
                                        if "年" not in w and "月" not in w},
    )


_num = cn_int


def _last_day(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _safe_date(y: int, m: int, d: int | None) -> datetime.date | None:
    if not (1 <= m <= 12) or not (1000 <= y <= 2999):
        return None
    last = _last_day(y, m)
    if d is None:
        d = last
    if not 1 <= d <= last:
        return None
    return datetime.date(y, m, d)


@dataclass
class _Parsed:
    year: int | None  # explicit year, None when relative/absent
    start: datetime.date | None
    end: datetime.date | None
    explicit_period: bool  # 底 / 季度 / 上半年 / a month part / a day: more than a bare year/month
    bare_year: bool  # a year (or a year + month) with nothing else


def _parse(m: re.Match, doc_year: int | None) -> _Parsed | None:
    g = m.groupdict()
    lex = _rules().lex
    year = _num(g.get("y"))
    rel = g.get("rel")
    if rel:
        if doc_year is None:
            year = None
        else:
            year = doc_year + int(lex["relative_years"][rel].get("offset", 0))
    mon = _num(g.get("ma") or g.get("mb") or g.get("mc"))
    mon0 = _num(g.get("m0a") or g.get("m0b") or g.get("m0c"))
    day = _num(g.get("da") or g.get("db") or g.get("dc"))
    mpart = g.get("mpa") or g.get("mpb") or g.get("mpc")
    ypart = g.get("yp") or g.get("yp2") or g.get("sa")
    if year is None and not g.get("y"):
        year = doc_year if (mon or ypart or rel) else None
    if year is None:
        return _Parsed(None, None, None, bool(ypart or mpart or day), False)
    explicit = bool(ypart or mpart or day)
    if rel and lex["relative_years"][rel].get("end"):
        explicit = True
    if mon:
        if day:
            end = _safe_date(year, mon, day)
            start = end
        else:
            part_day = lex["month_parts"].get(mpart) if mpart else None
            end = _safe_date(year, mon, part_day)
            start = _safe_date(year, mon0 or mon, 1)
    elif ypart:
        em, ed = lex["year_periods"][ypart]["end"]
        end = _safe_date(year, em, ed)
        start = datetime.date(year, 1, 1)
    elif rel and lex["relative_years"][rel].get("end"):
        em, ed = lex["relative_years"][rel]["end"]
        end = _safe_date(year, em, ed)
        start = datetime.date(year, 1, 1)
    else:
        y0 = _num(g.get("y0"))
        end = datetime.date(year, 12, 31)
        start = datetime.date(y0 or year, 1, 1)
    if end is None:
        return None
    return _Parsed(_num(g.get("y")), start, end, explicit, not explicit and not rel)


_TITLE_PERIOD = re.compile(r"(?:计划|方案|规划|纲要|要点|细则|意见)\s*[（(]\s*$")


def _inside_title(text: str, pos: int) -> bool:
    for op, cl in _rules().lex["title_brackets"]:
        lo = max(0, pos - 120)
        o = text.rfind(op, lo, pos)
        if o >= 0 and text.rfind(cl, o, pos) < 0:
            return True
    # the period of a plan named without 《》: …三期行动计划（2018—2020年）的通知
    if _TITLE_PERIOD.search(text, max(0, pos - 12), pos):
        return True
    # a plan's name between 印发 and 的通知 in one clause: 关于印发…暨2013—2020年…行动计划的通知
    k = text.rfind("印发", max(0, pos - 80), pos)
    if k >= 0 and not _SENTENCE_BREAK.search(text, k, pos):
        m = _NOTICE_END.search(text, pos, min(len(text), pos + 80))
        return m is not None and not _SENTENCE_BREAK.search(text, pos, m.start())
    return False


_NOTICE_END = re.compile(r"的通知|的函|的批复")


_CLAUSE_END = re.compile(r"[，,。；;：:！？\n]")
_DOTTED_HINT = re.compile(r"[0-9][.．/][0-9]")
_SENTENCE_BREAK = re.compile(r"[。；;！？\n]")


def find_deadlines(text: str, *, doc_date: datetime.date | None, offset: int = 0,
                   default_year: int | None = None, planned: bool = False, unique: bool = True) -> list[Deadline]:
    """Every explicit time limit or milestone in ``text`` (a task's text), normalised to ISO dates.

    A phrase without its year (6月底前, 年底前) takes the document's year, else ``default_year`` (the year the
    document's title or the task's section names, see the pipeline). ``planned``: only dates a plan word
    (计划, 预计 …) announces in their clause (a progress report's …正在推进，计划9月底前完成). ``unique``: a phrase
    written twice with the same date counts once (false when ``text`` holds many tasks)."""
    r = _rules()
    if not any(ch in text for ch in r.key_chars) and not _DOTTED_HINT.search(text):
        return []  # no date word at all: most texts of a plan
    doc_year = doc_date.year if doc_date else None
    rel_year = doc_year if doc_year is not None else default_year
    found: list[tuple[int, int, str, datetime.date | None, str]] = []  # start, end, phrase, date, type
    matches = [m for m in r.core.finditer(text) if m.end() > m.start()]
    consumed_until = -1
    last_explicit: tuple[int, int] | None = None  # (year, end) of the last date written with its year
    for i, m in enumerate(matches):
        s, e = m.start(), m.end()
        if s < consumed_until:
            continue
        year_for = rel_year
        if m.group("mc") and last_explicit is not None and not _SENTENCE_BREAK.search(text, last_explicit[1], s):
            year_for = last_explicit[0]  # 分别于2018年10月8日、10月12日前: the year written before it
        parsed = _parse(m, year_for)
        if parsed is None:
            continue
        if parsed.year is not None:
            last_explicit = (parsed.year, e)
        # a range "2017年1月至2018年3月": this match, a joiner, the next match → due at the end
        if i + 1 < len(matches):
            nxt = matches[i + 1]
            gap = text[e:nxt.start()]
            if gap and r.joiner.fullmatch(gap) and nxt.start() - e <= 3:
                p2 = _parse(nxt, rel_year)
                if p2 is not None and p2.end is not None:
                    if p2.year is None and parsed.year is not None and p2.end is not None:
                        p2.end = _safe_date(parsed.year, p2.end.month, p2.end.day) or p2.end
                    parsed = _Parsed(parsed.year, parsed.start, p2.end, True, False)
                    e = nxt.end()
                    consumed_until = e
        if m.group("rel") in r.lex["statistic_periods"] and not m.group("yp2") and not m.group("mb"):
            ce = _CLAUSE_END.search(text, e)
            if r.statistic.search(text, e, ce.start() if ce else len(text)):
                continue  # 全年洁净煤使用比例…: the year a statistic is measured over, not a time limit
        before = text[max(0, s - 4):s]
        sm = r.suffix.match(text, e)
        suf = sm.group("suf") if sm else None
        kept = sm.group("kept") if sm else None
        after = text[e:e + 8]
        # exclusions: baselines, past references, titles
        if r.exclude_prefix.search(before) or r.exclude_suffix.match(after):
            continue
        if _inside_title(text, s):
            continue
        is_from = suf in r.lex["from_suffixes"]
        is_by = suf in r.lex["by_suffixes"]
        mc = m.group("mc")
        if mc and not (is_from or is_by) and not parsed.explicit_period and not mc.translate(_FW_DIGITS).isdigit():
            continue  # a bare month in Chinese numerals (一月一督察) is a frequency, not a date
        if not (is_from or is_by) and (parsed.bare_year or not parsed.explicit_period):
            # a bare year / month: a past achievement when its clause says so, or before the doc's year
            ce = _CLAUSE_END.search(text, e)
            clause = text[e:ce.start() if ce else len(text)]
            if r.past.search(clause[:30]):
                continue
            if doc_year is not None and parsed.end is not None and parsed.end.year < doc_year:
                continue
        if parsed.end is None:
            date = None
        elif is_from:
            date = parsed.start
        else:
            date = parsed.end
        # the phrase as written: kept prefix (到/至/从/自) + date + kept suffix + 前/起
        ps = s
        pm = r.prefix.search(text, max(0, s - 1), s)
        if pm:
            ps = pm.start()
        pe = sm.end() if sm and (suf or kept) else e
        if kept and not suf:
            pe = sm.start("kept") + len(kept)
        phrase = text[ps:pe].strip()
        if planned and not _planned(text, s):
            continue
        found.append((ps, pe, phrase, date, "from" if is_from else "by"))
    for m in r.dotted.finditer(text):
        if any(a <= m.start() < b for a, b, *_ in found) or (planned and not _planned(text, m.start())):
            continue
        y, mo, d = int(m.group("y")), int(m.group("m")), m.group("d")
        date = _safe_date(y, mo, int(d) if d else None)
        if date is None or _inside_title(text, m.start()):
            continue
        found.append((m.start(), m.end(), m.group(0), date, "by"))
    found.sort(key=lambda t: t[0])
    out: list[Deadline] = []
    seen: set[tuple[str, str | None, str]] = set()
    for s, e, phrase, date, typ in found:
        iso = date.isoformat() if date else None
        key = (phrase, iso, typ) if unique else (s, e)
        if key in seen:
            continue
        seen.add(key)
        out.append(Deadline(text=phrase, date=iso, type=typ, span=[offset + s, offset + e]))
    return out


def is_planned(text: str, pos: int) -> bool:
    """Whether a plan word (计划, 预计 …) announces the date at ``pos`` in its clause."""
    return _planned(text, pos)


def year_less(deadline: Deadline, year: int | None) -> Deadline:
    """A deadline written without its year (6月底前, 年底前) in a document without a date, given the year its task
    takes (its section's, the title's, or that of the deadline before it): the same phrase, dated."""
    if deadline.date or year is None:
        return deadline
    found = find_deadlines(deadline.text, doc_date=None, default_year=year)
    if len(found) != 1 or not found[0].date:
        return deadline
    return Deadline(text=deadline.text, date=found[0].date, type=deadline.type, span=list(deadline.span))


def _planned(text: str, pos: int) -> bool:
    """Whether a plan word (计划, 预计 …) stands in the clause before ``pos``."""
    k = pos
    while k > 0 and text[k - 1] not in "，,。；;：:\n":
        k -= 1
    return _rules().plan.search(text, k, pos) is not None


def period_end(label: str, *, doc_date: datetime.date | None) -> datetime.date | None:
    """The last day of the period a table column header names: 2017年 / 2017 / 一季度 / 2018年上半年 / 年度…"""
    r = _rules()
    lab = (label or "").strip()
    if not lab:
        return None
    doc_year = doc_date.year if doc_date else None
    plain = lab.translate(_FW_DIGITS)
    m = re.fullmatch(r"((?:19|20)\d{2})\s*年?(?:度)?", plain)
    if m:
        return datetime.date(int(m.group(1)), 12, 31)
    dm = r.dotted.search(lab)
    if dm:
        d = dm.group("d")
        return _safe_date(int(dm.group("y")), int(dm.group("m")), int(d) if d else None)
    for cm in r.core.finditer(lab):
        if cm.end() == cm.start():
            continue
        p = _parse(cm, doc_year)
        if p is not None and p.end is not None:
            # a range in a header ends where the range ends
            return p.end
    if doc_year is not None and re.search(r"年度|全年|年内", lab):
        return datetime.date(doc_year, 12, 31)
    return None


def _last(it):
    last = None
    for last in it:  # noqa: B007 - the last item is the point
        pass
    return last


from taizhang.extract.flags import find_flags  # noqa: E402,F401 - flags were read here before
