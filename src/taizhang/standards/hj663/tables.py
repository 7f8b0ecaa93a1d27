"""Report rows of the daily and the hourly AQI (one dict per station and day or hour), each naming the HJ 633
edition that scored it. Whole arrays are turned into Python lists once; the row loop only picks entries."""

from __future__ import annotations

import numpy as np

from taizhang.standards import editions, hj633
from taizhang.standards.hj663.daily import AQI_REQUIRED, DAILY_ITEMS, DailyData, invalid_reason


def _py(a: np.ndarray, as_int: bool = False) -> list:
    """A flat array as Python numbers (None for NaN; int where ``as_int``)."""
    flat = np.asarray(a, dtype=float).ravel()
    nan = np.isnan(flat).tolist()
    vals = flat.tolist()
    if as_int:
        return [None if n else int(v) for v, n in zip(vals, nan, strict=True)]
    return [None if n else v for v, n in zip(vals, nan, strict=True)]


def _primary(res: hj633.AQIResult) -> list[list[str]]:
    """Per flat position, the primary pollutants' labels (without repeats), from the primary mask."""
    labels = [hj633.PRIMARY_LABEL[i] for i in res.items]
    flat = res.primary.reshape(len(res.items), -1)
    out: list[list[str]] = [[] for _ in range(flat.shape[1])]
    for k, pos in zip(*np.nonzero(flat), strict=True):
        lab = labels[k]
        row = out[pos]
        if lab not in row:
            row.append(lab)
    return out


def _category_columns(aqi: np.ndarray) -> list[tuple]:
    cats = hj633.categories()
    idx = hj633.category_index(aqi).ravel().tolist()
    return [(cats[i]["level"], cats[i]["category"], cats[i]["colour"]) if i >= 0 else (None, None, None) for i in idx]


def _beyond(ed: hj633.Edition, item: str, value: float) -> bool:
    """A value above the edition's table where the standard gives no score (we give 500)."""
    bp = ed.breakpoints(item) if item in ed.daily_items or item in ed.hourly_items else None
    return bp is not None and value > bp[-1] and ed.above_top(item) == 500


def daily_table(daily: DailyData) -> list[dict]:
    """One row per station and day: concentrations, IAQIs, AQI, primary pollutant(s), level, category, the
    standard that scored it, and a note for an invalid day, an AQI of part of the pollutants (HJ 633-2026
    §5.3.1) or a concentration above the table."""
    S, D = len(daily.stations), len(daily.dates)
    day_rules = [None] * D
    for p in daily.parts:
        day_rules[p.start:p.stop] = [p.rules] * (p.stop - p.start)
    items = [i for i in DAILY_ITEMS if i in daily.values]
    conc = {i: _py(daily.values[i]) for i in items}
    valid = daily.aqi_valid.ravel().tolist()
    iaqi = {i: _py(np.where(daily.aqi_valid, daily.aqi.iaqi[i], np.nan), True) for i in daily.aqi.items}
    aqi = _py(daily.aqi.aqi, True)
    primary = _primary(daily.aqi)
    cats = _category_columns(daily.aqi.aqi)
    partial = (daily.aqi_partial.ravel().tolist() if daily.aqi_partial is not None else [False] * (S * D))
    dates = [str(d) for d in daily.dates]
    rows = []
    for s, station in enumerate(daily.stations):
        for d in range(D):
            f = s * D + d
            rules = day_rules[d]
            ed = hj633.edition(rules.aqi)
            row = {"station": station, "date": dates[d]}
            for item in items:
                row[item] = conc[item][f]
            for item in daily.aqi.items:
                row[f"IAQI_{item}"] = iaqi[item][f]
            row["AQI"] = aqi[f]
            row["primary"] = primary[f]
            row["level"], row["category"], row["colour"] = cats[f]
            row["standard"] = ed.name
            notes = []
            missing = [i for i in AQI_REQUIRED if i in items and conc[i][f] is None]
            reasons = "；".join(f"{i}{invalid_reason(i, int(daily.counts[i][s, d]), daily.needs[i], daily.scope)}"
                                for i in missing)
            if not valid[f]:
                notes.append(f"无效日：{reasons}")
            elif partial[f]:
                notes.append(f"{ed.name}：缺测项目不影响发布（其余污染物AQI大于{ed.partial_over:g}）；{reasons}")
            for item in items:
                v = conc[item][f]
                if v is not None and item in ed.daily_items and _beyond(ed, item, v):
                    notes.append(f"{item}浓度{v:g}超出{ed.name}分指数表最高浓度限值，分指数按500计")
            if notes:
                row["note"] = "；".join(notes)
            rows.append(row)
    return rows


def hourly_table(stations: list[str], times: np.ndarray, res: hj633.AQIResult, standard: str = "auto") -> list[dict]:
    """One row per station and hour of :func:`taizhang.standards.hj663.compute_hourly`'s result."""
    days = times.astype("datetime64[D]")
    sets, code = editions.by_day(days, standard)
    names = [hj633.edition(r.aqi).name for r in sets]
    stamps = [str(t).replace("T", " ") + ":00" for t in times]
    has = ~np.isnan(res.aqi)
    iaqi = {i: _py(np.where(has, res.iaqi[i], np.nan), True) for i in res.items}
    aqi = _py(res.aqi, True)
    primary = _primary(res)
    cats = _category_columns(res.aqi)
    code_l = code.tolist()
    H = len(times)
    rows = []
    for s, station in enumerate(stations):
        for h in range(H):
            f = s * H + h
            row = {"station": station, "time": stamps[h]}
            for item in res.items:
                row[f"IAQI_{item}"] = iaqi[item][f]
            row["AQI"] = aqi[f]
            row["primary"] = primary[f]
            row["level"], row["category"], row["colour"] = cats[f]
            row["standard"] = names[code_l[h]]
            rows.append(row)
    return rows
