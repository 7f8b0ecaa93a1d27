"""Stored monitoring data of a jurisdiction and the tracking of its targets against it.

:func:`parse` turns an uploaded file into what :class:`.models.MonitoringDataset` keeps (the domain readers
:func:`taizhang.monitoring.read_air` / :func:`~taizhang.monitoring.read_water`, all-or-nothing);
:func:`track_targets` evaluates the stored datasets of a target's jurisdiction for the target's year (and
baseline year) by HJ 663 / GB 3838 and calls :func:`taizhang.standards.tracking.track_target`.

Several datasets of one jurisdiction are combined (e.g. one upload per month): a station's hour, or a
section's sample of one day, present in more than one dataset takes the value of the later upload, so a
corrected file replaces what it corrects. Evaluations are cached under a key made of the datasets' SHA-256
(datasets never change), the year and the cut-off day: a new upload gives a new key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import numpy as np
from django.core.cache import cache
from django.core.files.storage import default_storage

from taizhang.errors import TaizhangError

from .errors import ServiceError
from .models import Jurisdiction, MonitoringDataset

CACHE_SECONDS = 24 * 3600
SUFFIXES = (".csv", ".xlsx")
Kind = MonitoringDataset.Kind


@dataclass
class Parsed:
    """What a monitoring file holds, ready to be stored."""

    kind: str
    layout: str
    period_start: dt.date
    period_end: dt.date
    years: list[int]
    stations: list[str]
    items: list[str]
    records: int
    content: bytes  # the parsed data: .npz (air) or JSON (water)
    suffix: str
    warnings: list[str] = field(default_factory=list)


def parse(name: str, content: bytes, kind: str) -> Parsed:
    """Read a monitoring file (CSV or .xlsx) of ``kind`` (air / water). A bad file raises
    :class:`ServiceError` naming the file (as the user called it), the line and the problem."""
    from taizhang.monitoring import read_air, read_water

    if kind not in Kind.values:
        raise ServiceError(f"监测数据类型“{kind}”不对，应为 air（空气）或 water（地表水）", path=name)
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ServiceError(f"不支持的文件类型“{suffix or '无扩展名'}”，监测数据应为 .csv 或 .xlsx 文件", path=name)
    if not content:
        raise ServiceError("文件为空", path=name)
    with tempfile.TemporaryDirectory(prefix="taizhang-monitoring-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            data = read_air(path) if kind == "air" else read_water(path)
        except TaizhangError as exc:
            raise ServiceError(exc.message, path=name, line=exc.line) from None
    return _parsed_air(data) if kind == "air" else _parsed_water(name, data)


def _parsed_air(data) -> Parsed:
    from taizhang.standards.hj663 import POLLUTANTS

    days = data.times.astype("datetime64[D]")
    pollutants = [p for p in POLLUTANTS if p in data.values] + sorted(set(data.values) - set(POLLUTANTS))
    buf = io.BytesIO()
    arrays = {"stations": np.array(data.stations, dtype=str), "pollutants": np.array(pollutants, dtype=str),
              "hours": data.times.astype("int64"), "station_idx": data.station_idx.astype("int32")}
    arrays.update({f"v{i}": data.values[p] for i, p in enumerate(pollutants)})
    np.savez_compressed(buf, **arrays)
    return Parsed("air", data.layout, days.min().item(), days.max().item(), data.years(), list(data.stations),
                  pollutants, len(data.times), buf.getvalue(), ".npz", list(data.warnings))


def _parsed_water(name: str, samples: list[dict]) -> Parsed:
    from taizhang.standards.gb3838 import factors

    undated = [s["line"] for s in samples if not s.get("date")]
    if undated:
        lines = "、".join(str(n) for n in undated[:10]) + ("等" if len(undated) > 10 else "")
        raise ServiceError(f"第{lines}行没有采样日期：保存的水质数据须有“日期”列，以确定所属年份", path=name,
                           line=undated[0])
    dates = sorted(s["date"] for s in samples)
    sections = list(dict.fromkeys(s["section"] for s in samples))
    known = factors()
    items = [f for f in known if any(f in s for s in samples)]
    content = json.dumps(samples, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return Parsed("water", "", dt.date.fromisoformat(dates[0]), dt.date.fromisoformat(dates[-1]),
                  sorted({int(d[:4]) for d in dates}), sections, items, len(samples), content, ".json")


# ---------------------------------------------------------------- loading stored datasets


def load_air(dataset):
    """The stored air dataset as :class:`taizhang.monitoring.AirData`."""
    from taizhang.monitoring import AirData

    with default_storage.open(dataset.parsed.name, "rb") as f:
        z = np.load(io.BytesIO(f.read()), allow_pickle=False)
        pollutants = [str(p) for p in z["pollutants"]]
        return AirData(dataset.original_name, dataset.layout, [str(s) for s in z["stations"]],
                       z["hours"].astype("datetime64[h]"), z["station_idx"].astype(int),
                       {p: z[f"v{i}"] for i, p in enumerate(pollutants)})


def load_water(dataset) -> list[dict]:
    with default_storage.open(dataset.parsed.name, "rb") as f:
        return json.loads(f.read().decode("utf-8"))


def merged_hourly(datasets: list, start: dt.date, end: dt.date):
    """One :class:`taizhang.standards.hj663.HourlyData` from ``start`` to ``end`` from several air datasets (in
    upload order): stations united, a later dataset's values replacing earlier ones for the same station and hour."""
    from taizhang.standards.hj663 import HourlyData

    parts = [load_air(d).to_hourly(start.year, start=start, end=end) for d in datasets]
    stations = list(dict.fromkeys(s for h in parts for s in h.stations))
    row = {s: i for i, s in enumerate(stations)}
    n_hours = next(iter(parts[0].values.values())).shape[1]
    values: dict[str, np.ndarray] = {}
    for h in parts:
        rows = np.array([row[s] for s in h.stations])
        for pol, new in h.values.items():
            a = values.setdefault(pol, np.full((len(stations), n_hours), np.nan))
            block = a[rows]
            have = ~np.isnan(new)
            block[have] = new[have]
            a[rows] = block
    return HourlyData(stations, start, values)


# ---------------------------------------------------------------- evaluation


@dataclass
class Evaluation:
    """An evaluation of one jurisdiction's stored data for one year (``ev`` None: ``problem`` says why)."""

    kind: str
    year: int | None
    ev: dict | None = None
    problem: str | None = None
    datasets: list[int] = field(default_factory=list)
    start: dt.date | None = None
    end: dt.date | None = None
    year_to_date: bool = False
    stations: int = 0

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "year": self.year, "datasets": self.datasets,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None,
                "year_to_date": self.year_to_date, "stations": self.stations}


def _key(kind: str, name: str, year: int, through, datasets: list, standard: str = "auto") -> str:
    shas = hashlib.sha256(",".join(d.sha256 for d in datasets).encode()).hexdigest()
    label = hashlib.sha256(name.encode()).hexdigest()[:16]
    return f"taizhang:monitoring:{kind}:{label}:{year}:{through or 'year'}:{standard}:{shas}"


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _covering(kind: str, jurisdiction, datasets: list, year: int) -> tuple[Evaluation, list]:
    """A new evaluation of ``kind`` and the datasets of that kind holding ``year``; none: the problem says so."""
    out = Evaluation(kind, year)
    used = [d for d in datasets if d.kind == kind and year in (d.years or [])]
    if used:
        out.datasets = [d.pk for d in used]
    else:
        out.problem = f"尚未上传{jurisdiction.name}{year}年的{Kind(kind).label}"
    return out, used


def evaluate_air(jurisdiction, datasets: list, year: int, *, through: dt.date | None = None,
                 whole_year: bool = False, standard: str = "auto") -> Evaluation:
    """HJ 663 city evaluation (daily values as the mean over the stations) of ``year`` from the air
    datasets covering it, by the standards of ``standard`` (:mod:`taizhang.standards.editions`), through the
    path the command line uses (:mod:`taizhang.standards.evaluation`). Data ending before 31 December (or
    ``through``, if earlier) gives the year to date; ``whole_year`` (a baseline) evaluates whatever the year
    holds as the year."""
    from taizhang.standards import evaluation

    out, used = _covering("air", jurisdiction, datasets, year)
    if not used:
        return out
    out.start = max(min(d.period_start for d in used), dt.date(year, 1, 1))
    out.end = min(max(d.period_end for d in used), _year_end(year))
    cut = None
    if not whole_year:
        if through is not None and through < out.end:
            out.end = through
        cut = out.end if out.end < _year_end(year) else None
    out.year_to_date = cut is not None
    if cut is not None and cut < out.start:
        out.problem = f"{jurisdiction.name}{year}年的空气数据从{out.start}开始，{cut}之前没有数据"
        return out
    key = _key("air", jurisdiction.name, year, cut, used, standard)
    hit = cache.get(key)
    if hit is None:
        try:
            hourly = merged_hourly(used, out.start, out.end)
            ev = evaluation.air_evaluations(hourly, year=year, through=cut, standard=standard,
                                            city=jurisdiction.name, stations=False)[0]
        except TaizhangError as exc:
            hit = {"problem": exc.message}
        else:
            hit = {"ev": ev, "stations": len(hourly.stations)}
        cache.set(key, hit, CACHE_SECONDS)
    out.ev, out.problem, out.stations = hit.get("ev"), hit.get("problem"), hit.get("stations", 0)
    return out


def evaluate_water(jurisdiction, datasets: list, year: int, *, today: dt.date | None = None) -> Evaluation:
    """GB 3838 evaluation of the sections sampled in ``year``: a section's class from the mean of its samples
    of that year; the same section and day in several datasets counts once (the later upload). While the year
    is not over, the result is the year to date."""
    from taizhang.standards import gb3838

    out, used = _covering("water", jurisdiction, datasets, year)
    if not used:
        return out
    today = today or dt.date.today()
    out.year_to_date = today <= _year_end(year)
    key = _key("water", jurisdiction.name, year, "ytd" if out.year_to_date else None, used)
    hit = cache.get(key)
    if hit is None:
        samples: dict[tuple, dict] = {}
        for d in used:
            for s in load_water(d):
                if s["date"].startswith(f"{year}-"):
                    samples[(s["section"], s["date"])] = s
        ev = gb3838.evaluate_sections(list(samples.values()))
        dates = sorted(s["date"] for s in samples.values())
        ev["year"] = year
        ev["period"] = {"start": dates[0], "end": dates[-1], "days": len(set(dates)),
                        "days_in_year": (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days,
                        "year_to_date": out.year_to_date}
        hit = {"ev": ev, "stations": len({s["section"] for s in samples.values()})}
        cache.set(key, hit, CACHE_SECONDS)
    out.ev, out.stations = hit["ev"], hit["stations"]
    out.start = dt.date.fromisoformat(out.ev["period"]["start"])
    out.end = dt.date.fromisoformat(out.ev["period"]["end"])
    return out


# ---------------------------------------------------------------- targets


def target_dict(g) -> dict:
    return {"id": g.key, "indicator": g.indicator, "comparator": g.comparator, "value": g.value, "unit": g.unit,
            "year": g.year, "baseline_year": g.baseline_year}


def datasets_of(jurisdiction_ids) -> list:
    return list(MonitoringDataset.objects.filter(jurisdiction_id__in=list(jurisdiction_ids))
                .select_related("uploaded_by", "jurisdiction").order_by("uploaded_at", "id"))


def track_targets(targets: list, jurisdiction, *, through: dt.date | None = None,
                  datasets: list | None = None, standard: str = "auto") -> list[dict]:
    """Where each target stands against the stored monitoring data of its jurisdiction (the target's own, else
    ``jurisdiction``): the dict of :func:`taizhang.standards.tracking.track_target` plus ``data`` (which
    data it was computed from) and ``baseline_data``. ``through``: evaluate the target year only to that day;
    ``standard``: ``auto`` (the standards in force on each day), ``2012`` or ``2026``."""
    from taizhang.standards.tracking import indicator_rule, track_target

    jur_ids = {g.jurisdiction_id or jurisdiction.pk for g in targets}
    if datasets is None:
        datasets = datasets_of(jur_ids)
    jurs = {jurisdiction.pk: jurisdiction}
    jurs.update({j.pk: j for j in Jurisdiction.objects.filter(pk__in=jur_ids - {jurisdiction.pk})})
    memo: dict[tuple, Evaluation] = {}

    def evaluation(kind: str, jid: int, year: int, whole: bool = False) -> Evaluation:
        key = (kind, jid, year, whole)
        if key not in memo:
            own = [d for d in datasets if d.jurisdiction_id == jid]
            memo[key] = (evaluate_air(jurs[jid], own, year, through=through, whole_year=whole, standard=standard)
                         if kind == "air"
                         else evaluate_water(jurs[jid], own, year))
        return memo[key]

    rows = []
    for g in targets:
        t = target_dict(g)
        rule = indicator_rule(g.indicator)
        if rule is None or rule["kind"] == "unsupported":
            rows.append({**track_target(t, None), "data": None, "baseline_data": None})
            continue
        kind = "water" if rule["kind"] == "water_share" else "air"
        jid = g.jurisdiction_id or jurisdiction.pk
        year = g.year or _latest_year(datasets, kind, jid)
        if year is None:
            res = track_target(t, None)
            res["message"] = f"尚未上传{jurs[jid].name}的{Kind(kind).label}"
            rows.append({**res, "data": None, "baseline_data": None})
            continue
        ev = evaluation(kind, jid, year)
        base = None
        if g.comparator in ("reduce_by", "increase_by") and kind == "air":
            base = (evaluation(kind, jid, g.baseline_year, True) if g.baseline_year
                    else Evaluation(kind, None, problem="目标没有基准年"))
        res = track_target({**t, "year": year}, ev.ev, baseline=base.ev if base else None)
        if ev.ev is None:
            res["message"] = ev.problem
        elif base is not None and base.ev is None:
            res["message"] = f"{res.get('message')}（{base.problem}）"
        elif base is not None and base.ev["period"]["days"] < base.ev["period"]["days_in_year"]:
            res["message"] = f"{res['message']}（基准年{g.baseline_year}年数据只有{base.ev['period']['days']}天）"
        rows.append({**res, "data": ev.describe(), "baseline_data": base.describe() if base else None})
    return rows


def _latest_year(datasets: list, kind: str, jid: int) -> int | None:
    years = [y for d in datasets if d.kind == kind and d.jurisdiction_id == jid for y in (d.years or [])]
    return max(years) if years else None
