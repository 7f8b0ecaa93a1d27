"""Which editions of the national air standards judge an observation, by its date (``data/editions.yaml``).

Data observed before 2026-03-01 are judged by HJ 633-2012, GB 3095-2012 and HJ 663-2013; from that day
on by HJ 633-2026 and GB 3095-2026, whose transition limits hold until 2030-12-31 and its final limits
from 2031-01-01. A :class:`RuleSet` bundles the three for one day; :func:`by_day` gives the rule set of
every day of a series and :func:`parts` the runs of days sharing one, so that a series straddling a
change is computed run by run with the rules in force on each day.

``choice`` (the ``--standard`` option): ``auto`` chooses by date; ``2012`` or ``2026`` applies that
edition to every date (``2026``: transition limits up to 2030-12-31, final limits after).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import numpy as np

from taizhang.errors import DataError
from taizhang.standards import load_table


@dataclass(frozen=True)
class RuleSet:
    key: str  # "2012", "2026-transition", "2026-final"
    aqi: str  # HJ 633 edition ("2012" / "2026")
    limits: str  # GB 3095 limits (key of gb3095.yaml ``limits``)
    aqi_name: str
    limits_name: str
    evaluation_name: str

    @property
    def text(self) -> str:
        """One line naming the three texts, e.g. for a report header."""
        return f"{self.aqi_name}；{self.limits_name}二级浓度限值；{self.evaluation_name}"


def _table() -> dict:
    return load_table("editions")


CHOICES: tuple[str, ...] = tuple(str(c) for c in _table()["choices"])


@cache
def rule_set(key: str) -> RuleSet:
    spec = _table()["rule_sets"][key]
    return RuleSet(key, str(spec["aqi"]), str(spec["limits"]), spec["aqi_name"], spec["limits_name"],
                   spec["evaluation_name"])


def switch_day() -> dt.date:
    """The day the 2026 editions took effect."""
    return _table()["switch"]


def final_limits_day() -> dt.date:
    """The day GB 3095-2026's final limits replace its transition limits."""
    return _table()["final_limits"]


def check_choice(choice: str | None) -> str:
    """``choice`` as one of :data:`CHOICES` (None → auto); DataError for anything else."""
    c = "auto" if choice is None else str(choice).strip().lower()
    if c not in CHOICES:
        raise DataError(f"标准“{choice}”不对，应为 {'、'.join(CHOICES)} 之一")
    return c


def rules_on(day: dt.date, choice: str = "auto") -> RuleSet:
    """The rule set judging an observation of ``day``."""
    c = check_choice(choice)
    if c == "2012" or (c == "auto" and day < switch_day()):
        return rule_set("2012")
    return rule_set("2026-transition" if day < final_limits_day() else "2026-final")


def by_day(dates: np.ndarray, choice: str = "auto") -> tuple[list[RuleSet], np.ndarray]:
    """The rule sets used over ``dates`` (``datetime64[D]``, in order) and, per date, the index of its own."""
    c = check_choice(choice)
    d = np.asarray(dates, dtype="datetime64[D]")
    switch = np.datetime64(switch_day(), "D")
    final = np.datetime64(final_limits_day(), "D")
    keys = ["2012", "2026-transition", "2026-final"]
    code = np.where(d < final, 1, 2)
    if c == "auto":
        code = np.where(d < switch, 0, code)
    elif c == "2012":
        code = np.zeros(d.shape, dtype=int)
    used = sorted(set(np.unique(code).tolist()))
    remap = np.full(3, -1)
    remap[used] = np.arange(len(used))
    return [rule_set(keys[k]) for k in used], remap[code]


@dataclass(frozen=True)
class Part:
    """A run of consecutive positions ``start:stop`` of a series judged by one rule set."""

    start: int
    stop: int
    rules: RuleSet


def parts(dates: np.ndarray, choice: str = "auto") -> list[Part]:
    """The runs of ``dates`` (in order) sharing one rule set, in order."""
    sets, code = by_day(dates, choice)
    if len(code) == 0:
        return []
    cuts = np.flatnonzero(code[1:] != code[:-1]) + 1
    bounds = [0, *cuts.tolist(), len(code)]
    return [Part(a, b, sets[int(code[a])]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def describe_parts(dates: np.ndarray, choice: str = "auto") -> list[dict]:
    """The parts of a period as JSON-able dicts: first and last day, the three texts used."""
    d = np.asarray(dates, dtype="datetime64[D]")
    return [{"start": str(d[p.start]), "end": str(d[p.stop - 1]), "days": p.stop - p.start,
             "aqi": p.rules.aqi_name, "limits": f"{p.rules.limits_name}二级浓度限值",
             "evaluation": p.rules.evaluation_name, "rule_set": p.rules.key}
            for p in parts(d, choice)]


def summary(dates: np.ndarray, choice: str = "auto") -> str:
    """One line naming the standards of every part, e.g. ``2026-01-01至2026-02-28：…；2026-03-01至…``."""
    ps = describe_parts(dates, choice)
    if len(ps) == 1:
        p = ps[0]
        return f"{p['aqi']}；{p['limits']}；{p['evaluation']}"
    return "；".join(f"{p['start']}至{p['end']}：{p['aqi']}、{p['limits']}" for p in ps) + \
        f"；年度评价：{ps[-1]['evaluation']}"
