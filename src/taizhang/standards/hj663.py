"""HJ 663-2013 annual evaluation of a station or a city, on top of HJ 633 and GB 3095 (numpy throughout).

Pipeline: :class:`HourlyData` (stations × hours) → :func:`compute_daily` (daily statistics with their
validity and the daily AQI, stations × days) → optionally :func:`city_daily` (mean over stations) →
:func:`evaluate` (annual statistics, compliance with grade II, good-days ratio, days by category).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from taizhang.standards import gb3095, hj633, load_table

POLLUTANTS = ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3")
UNITS = {"CO": "mg/m3"}
# daily item → (pollutant, how it is computed)
DAILY_ITEMS = {
    "SO2_24h": ("SO2", "mean"),
    "NO2_24h": ("NO2", "mean"),
    "PM10_24h": ("PM10", "mean"),
    "CO_24h": ("CO", "mean"),
    "PM2.5_24h": ("PM2.5", "mean"),
    "O3_8h": ("O3", "max8h"),
    "O3_1h": ("O3", "max1h"),
}
# items a day needs for a valid daily AQI (O3_1h only replaces O3_8h above 800 μg/m³)
AQI_REQUIRED = ("SO2_24h", "NO2_24h", "PM10_24h", "CO_24h", "PM2.5_24h", "O3_8h")
ITEM_OF_POLLUTANT = {"PM2.5": "PM2.5_24h", "PM10": "PM10_24h", "SO2": "SO2_24h", "NO2": "NO2_24h",
                     "CO": "CO_24h", "O3": "O3_8h"}
STAT_LABEL = {"mean": "年平均", "percentile": "百分位数"}


def unit_of(pollutant: str) -> str:
    return UNITS.get(pollutant, "μg/m3")


def precision(pollutant: str) -> int:
    p = load_table("hj663")["precision"]
    return p["CO"] if pollutant == "CO" else p["concentration"]


def round_report(x, decimals: int):
    """Round half to even (GB/T 8170 四舍六入五成双) to the reported precision; NaN stays NaN.

    Binary noise is ignored: the value is first snapped to 6 more decimals, so a mean that is exactly
    112.5 is reported 112 however the additions were ordered (112.50000000000001 would give 113). A
    concentration with a few decimals averaged over at most 366 values is never that close to a half
    without being one (the nearest non-half lies ≥ 1e-4 away)."""
    a = np.asarray(x, dtype=float) + 0.0
    if not isinstance(a, np.ndarray) or decimals < 0:
        return np.round(np.round(a, decimals + 6), decimals)
    _round_rows(a[None], (decimals,))  # the same operations as np.round, in place on the one copy
    return a


def _round_rows(a: np.ndarray, decimals: tuple[int, ...]) -> None:
    """:func:`round_report` in place on a stack, row ``k`` to ``decimals[k]``: the same multiplications,
    ``rint`` and divisions on every value (× and ÷ 1.0 for the rows with no decimals are exact)."""
    shape = (len(decimals),) + (1,) * (a.ndim - 1)
    f = np.array([10.0 ** (d + 6) for d in decimals]).reshape(shape)
    g = np.array([10.0**d for d in decimals]).reshape(shape)
    a *= f
    np.rint(a, out=a)
    a /= f
    a *= g
    np.rint(a, out=a)
    a /= g


def percentile(values: np.ndarray, p: float, n: np.ndarray | None = None) -> np.ndarray:
    """The p-th percentile by HJ 663-2013: sort ascending X(1..n); k = 1 + (n − 1)·p/100;
    s = integer part of k; m_p = X(s) + (X(s+1) − X(s))·(k − s). Over the last axis, NaN ignored
    (``n``: the number of non-NaN values per series, when the caller has it already)."""
    x = np.sort(np.asarray(values, dtype=float), axis=-1)  # NaN sort to the end
    if n is None:
        n = (~np.isnan(x)).sum(axis=-1)
    k = 1 + (n - 1) * p / 100.0
    s = np.floor(k).astype(int)
    last = x.shape[-1] - 1
    lo = np.clip(s - 1, 0, last)
    hi = np.minimum(np.clip(s, 0, last), np.maximum(n - 1, 0))
    flat = x.reshape(-1, x.shape[-1])  # pick X(s), X(s+1) of every series by flat indices
    base = np.arange(flat.shape[0]).reshape(np.shape(n)) * x.shape[-1]
    xlo = flat.ravel().take(base + lo)
    xhi = flat.ravel().take(base + hi)
    out = xlo + (xhi - xlo) * (k - s)
    return np.where(n > 0, out, np.nan)


@dataclass
class HourlyData:
    """Hourly concentrations of one year (or part of one): ``values[pollutant]`` has shape
    ``(len(stations), days*24)``; column 0 is 00:00–01:00 of ``start``."""

    stations: list[str]
    start: dt.date
    values: dict[str, np.ndarray]

    @property
    def days(self) -> int:
        return next(iter(self.values.values())).shape[-1] // 24 if self.values else 0


@dataclass
class DailyData:
    stations: list[str]
    dates: np.ndarray  # datetime64[D]
    values: dict[str, np.ndarray]  # item → (S, D), NaN where invalid; rounded to the reported precision
    raw: dict[str, np.ndarray]  # item → (S, D) as computable whatever the validity
    counts: dict[str, np.ndarray]
    needs: dict[str, int]
    aqi: hj633.AQIResult
    aqi_valid: np.ndarray  # (S, D)
    absent: list[str] = field(default_factory=list)  # pollutants with no data at all
    scope: str = "station"


def compute_daily(hourly: HourlyData, *, round_values: bool = True) -> DailyData:
    """Daily statistics of every station with GB 3095 validity, and the daily AQI (HJ 633)."""
    o3_limit = gb3095.limits(2)["O3"]["max8h"]
    stats = {}
    absent = [p for p in POLLUTANTS if p not in hourly.values]
    o3 = gb3095.o3_daily(hourly.values["O3"], limit=o3_limit) if "O3" in hourly.values else None
    for item, (pol, how) in DAILY_ITEMS.items():
        if pol not in hourly.values:
            continue
        if how == "mean":
            stats[item] = gb3095.daily_mean(hourly.values[pol])
        else:
            stats[item] = o3[0] if how == "max8h" else o3[1]
    dates = np.datetime64(hourly.start, "D") + np.arange(hourly.days)
    # the daily values of every item in one stack (in the order of the AQI items), rounded in one pass
    order = tuple(i for i in hj633.DAILY_ITEMS if i in stats)
    decimals = tuple(precision(DAILY_ITEMS[i][0]) for i in order)
    stack = np.empty((len(order), len(hourly.stations), len(dates)))
    for k, item in enumerate(order):
        if round_values:
            np.add(stats[item].value, 0.0, out=stack[k])  # a copy, −0.0 → 0.0 as in round_report
        else:
            np.copyto(stack[k], stats[item].value)
    if round_values:
        _round_rows(stack, decimals)
    row = {item: k for k, item in enumerate(order)}
    values = {item: stack[row[item]] for item in stats}
    raw = {item: st.raw for item, st in stats.items()}
    counts = {item: st.count for item, st in stats.items()}
    needs = {item: st.need for item, st in stats.items()}
    res = hj633.daily_aqi_stack(order, stack, decimals) if round_values and order else hj633.daily_aqi(values)
    return _with_aqi(hourly.stations, dates, values, raw, counts, needs, absent, "station", res)


def _with_aqi(stations, dates, values, raw, counts, needs, absent, scope,
              res: hj633.AQIResult | None = None) -> DailyData:
    """``res``: the daily AQI of ``values`` when the caller has it; else computed from the rounded values."""
    if res is None:
        res = hj633.daily_aqi(values, {i: precision(DAILY_ITEMS[i][0]) for i in values})
    present = [i for i in AQI_REQUIRED if i in values]
    valid = np.ones((len(stations), len(dates)), dtype=bool)
    for i in present:
        valid &= ~np.isnan(values[i])
    if not present:
        valid[:] = False
    res.aqi = np.where(valid, res.aqi, np.nan)
    res.primary &= valid[None, ...]
    return DailyData(list(stations), dates, values, raw, counts, needs, res, valid, absent, scope)


def compute_hourly(hourly: HourlyData) -> tuple[np.ndarray, hj633.AQIResult]:
    """Hourly (real-time report) AQI of every station hour: SO2/NO2/CO/O3 1-hour values, the O3 8-hour
    moving mean (≥ 6 of the last 8 hours) and PM10/PM2.5 24-hour moving means (≥ 20 of the last 24 hours);
    an hour's AQI is NaN unless every pollutant present in the data has its sub-index.

    Returns the hour start times (``datetime64[h]``) and the result, arrays (stations, hours)."""
    v = hourly.values
    items: dict[str, np.ndarray] = {}
    r = gb3095.rules()
    for pol in ("SO2", "NO2", "CO", "O3"):
        if pol in v:
            items[f"{pol}_1h"] = v[pol]
    if "SO2" in v:
        items["SO2_24h"] = gb3095.moving_mean(v["SO2"], 24, r["daily_min_hours"])
    if "O3" in v:
        items["O3_8h"] = gb3095.moving_mean(v["O3"], 8, r["o3_8h_min_hours"])
    for pol in ("PM10", "PM2.5"):
        if pol in v:
            items[f"{pol}_24h"] = gb3095.moving_mean(v[pol], 24, r["daily_min_hours"])
    res = hj633.hourly_aqi(items)
    needed = [i for i in hj633.HOURLY_ITEMS if i in items]
    ok = np.ones(res.aqi.shape, dtype=bool)
    for i in needed:
        ok &= ~np.isnan(items[i])
    res.aqi = np.where(ok, res.aqi, np.nan)
    res.primary &= ok[None, ...]
    times = np.datetime64(hourly.start, "h") + np.arange(res.aqi.shape[-1])
    return times, res


def city_daily(daily: DailyData, name: str = "全市", *, min_stations: int = 1) -> DailyData:
    """City daily values: the mean over the stations' valid daily values (HJ 663), then the city AQI.

    A city day of an item is valid when at least ``min_stations`` stations have a valid value."""
    values, raw, counts = {}, {}, {}
    for item, v in daily.values.items():
        n = (~np.isnan(v)).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            m = np.where(n > 0, np.nansum(v, axis=0) / np.maximum(n, 1), np.nan)
        m = np.where(n >= min_stations, m, np.nan)
        pol = DAILY_ITEMS[item][0]
        values[item] = round_report(m, precision(pol))[None, :]
        raw[item] = m[None, :]
        counts[item] = n[None, :]
    needs = {i: min_stations for i in values}
    return _with_aqi([name], daily.dates, values, raw, counts, needs, daily.absent, "city")


def _reason(item: str, count: int, need: int, scope: str) -> str:
    if scope == "city":
        return f"有效点位数{count}个，少于{need}个"
    if item == "O3_8h":
        return f"有效8小时滑动平均值{count}个，少于{need}个"
    return f"小时值{count}个，少于{need}个"


def invalid_periods(daily: DailyData, index: int = 0, *, through: np.datetime64 | None = None) -> list[dict]:
    """Every invalid day of one series with its reason (never silently skipped)."""
    out = []
    last = len(daily.dates) if through is None else int(np.searchsorted(daily.dates, through, "right"))
    for item, v in daily.values.items():
        bad = np.nonzero(np.isnan(v[index, :last]))[0]
        for d in bad:
            out.append({
                "date": str(daily.dates[d]),
                "item": item,
                "reason": _reason(item, int(daily.counts[item][index, d]), daily.needs[item], daily.scope),
            })
    for p in daily.absent:
        out.append({"date": None, "item": p, "reason": "数据中没有该污染物，AQI不含其分指数"})
    out.sort(key=lambda r: (r["date"] or "", r["item"]))
    return out


def _r(x, decimals: int):
    if x is None or np.isnan(x):
        return None
    v = float(round_report(x, decimals))
    return int(v) if decimals == 0 else v


def evaluate(daily: DailyData, index: int = 0, *, year: int | None = None,
             through: dt.date | None = None, include_daily: bool = True) -> dict:
    """Annual evaluation (HJ 663) of series ``index`` of ``daily`` — a JSON-able dict.

    ``through``: evaluate the year to date (days after it are ignored; annual validity is then reported
    as not applicable, ``valid: None``). Statistics of a year failing the 324-day / monthly rules are still
    given, with ``valid: false`` and the reasons.
    """
    one = _rows(daily, slice(index, index + 1))
    return evaluate_all(one, year=year, through=through, include_daily=include_daily)[0]


def _rows(daily: DailyData, rows: slice) -> DailyData:
    aqi = hj633.AQIResult(daily.aqi.items, {k: v[rows] for k, v in daily.aqi.iaqi.items()}, daily.aqi.aqi[rows],
                          daily.aqi.primary[:, rows])
    return DailyData(daily.stations[rows], daily.dates, {k: v[rows] for k, v in daily.values.items()},
                     {k: v[rows] for k, v in daily.raw.items()}, {k: v[rows] for k, v in daily.counts.items()},
                     daily.needs, aqi, daily.aqi_valid[rows], daily.absent, daily.scope)


def evaluate_all(daily: DailyData, *, year: int | None = None, through: dt.date | None = None,
                 include_daily: bool = True, include_invalid: bool = True) -> list[dict]:
    """:func:`evaluate` for every series of ``daily`` at once (statistics vectorised over the stations).
    ``include_invalid=False`` gives only the number of invalid days per item instead of the list."""
    dates = daily.dates
    if year is None:
        year = int(dates[0].astype("datetime64[Y]").astype(int) + 1970) if len(dates) else None
    keep = dates.astype("datetime64[Y]").astype(int) + 1970 == year
    if through is not None:
        keep &= dates <= np.datetime64(through, "D")
    idx = np.nonzero(keep)[0]
    if len(idx) == 0:
        from taizhang.errors import DataError

        raise DataError(f"数据中没有{year}年的监测值")
    sel = slice(idx[0], idx[-1] + 1)
    d_dates = dates[sel]
    n_series = len(daily.stations)
    days_in_year = 366 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365
    whole = len(d_dates) == days_in_year
    lim = gb3095.limits(2)
    spec = load_table("hj663")["annual_statistics"]
    per_pol = {}
    pols = [pol for pol in POLLUTANTS if ITEM_OF_POLLUTANT[pol] in daily.values]
    # the validity of every pollutant's year at once: one month grouping for all (pollutants × series)
    ok_all = np.zeros((len(pols), n_series, len(d_dates)), dtype=bool)
    for p_i, pol in enumerate(pols):
        np.isnan(daily.values[ITEM_OF_POLLUTANT[pol]][:, sel], out=ok_all[p_i])
    np.logical_not(ok_all, out=ok_all)
    valid_all, reasons_all = gb3095.annual_validity(ok_all, d_dates)
    n_all = np.add.reduce(ok_all.view(np.int8), axis=2, dtype=np.int64)  # valid days (pollutants, series)
    for p_i, pol in enumerate(pols):
        item = ITEM_OF_POLLUTANT[pol]
        series = daily.values[item][:, sel]
        ok_days = ok_all[p_i]
        n = n_all[p_i]
        valid, reasons = valid_all[p_i], reasons_all[p_i * n_series: (p_i + 1) * n_series]
        s = spec[pol]
        if s["statistic"] == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                value = np.where(ok_days, series, 0.0).sum(axis=1) / n
            label = "年平均"
        else:
            value = percentile(series, s["p"], n)
            label = f"{'日均值' if pol == 'CO' else '日最大8小时平均'}第{s['p']}百分位数"
        # whole arrays rounded and turned into Python lists once; the loop below only picks entries
        rep = round_report(value, precision(pol)).tolist()
        if precision(pol) == 0:
            rep = [None if x != x else int(x) for x in rep]
        else:
            rep = [None if x != x else x for x in rep]
        per_pol[pol] = (label, rep, [None if x != x else x for x in value.tolist()], n.tolist(),
                        valid.tolist(), reasons, lim[pol][s["limit_key"]])
    aqi = daily.aqi.aqi[:, sel]
    ok = ~np.isnan(aqi)
    n_valid = ok.sum(axis=1)
    cats = hj633.category_index(aqi)
    names = [c["category"] for c in hj633.categories()]
    k1 = len(names) + 1  # one bincount over (series, category + 1); column 0 counts the NaN days (−1)
    flat_cats = (cats + 1 + k1 * np.arange(n_series)[:, None]).ravel()
    by_cat = np.bincount(flat_cats, minlength=k1 * n_series).reshape(n_series, k1)[:, 1:].tolist()
    good = (ok & (aqi <= 100)).sum(axis=1)
    heavy = (ok & (aqi > 200)).sum(axis=1)
    prim = daily.aqi.primary[:, :, sel].sum(axis=2).tolist()  # (items, series)
    ratio_dec = load_table("hj663")["precision"]["ratio_percent"]
    with np.errstate(invalid="ignore", divide="ignore"):
        good_ratio = _ratio(100.0 * good / n_valid, ratio_dec)
        heavy_ratio = _ratio(100.0 * heavy / n_valid, ratio_dec)
    n_valid, good, heavy = n_valid.tolist(), good.tolist(), heavy.tolist()
    n_of_item = {ITEM_OF_POLLUTANT[pol]: n_all[p_i] for p_i, pol in enumerate(pols)}
    invalid_counts = {it: (len(d_dates) - n_of_item[it] if it in n_of_item else np.isnan(v[:, sel]).sum(axis=1)).tolist()
                      for it, v in daily.values.items()}
    labels = [hj633.PRIMARY_LABEL[item] for item in daily.aqi.items]
    period = {"start": str(d_dates[0]), "end": str(d_dates[-1]), "days": len(d_dates),
              "days_in_year": days_in_year, "year_to_date": through is not None}
    if through is not None:
        not_applicable = ["年内至今，不评价全年有效性"]
    results = []
    scope, stations = daily.scope, daily.stations
    standard = "HJ 663-2013，GB 3095-2012 二级浓度限值，HJ 633-2012"
    short = [f"数据只覆盖{len(d_dates)}天，不足全年"]
    # per pollutant, the entry of every series (built column by column), and whether it counts as met
    entries, met = {}, []
    for pol, (label, rep, unrounded, n, valid, reasons, limit) in per_pol.items():
        unit = unit_of(pol)
        if through is not None:
            vs, whys = [None] * n_series, [list(not_applicable) for _ in range(n_series)]
        elif not whole:
            vs, whys = [False] * n_series, [short + why for why in reasons]
        else:
            vs, whys = valid, reasons
        comp = [None if r is None else r <= limit for r in rep]
        exceed = [None if c is not False else round((r - limit) / limit, 2) for r, c in zip(rep, comp, strict=True)]
        entries[pol] = [
            {"statistic": label, "value": r, "unrounded": u, "unit": unit, "limit": limit, "compliant": c,
             "exceed_multiple": e, "valid_days": k, "valid": v, "reasons": w}
            for r, u, c, e, k, v, w in zip(rep, unrounded, comp, exceed, n, vs, whys, strict=True)]
        met.append([c is True and v is not False for c, v in zip(comp, vs, strict=True)])
    pol_names = list(entries)
    by_series = list(zip(*entries.values(), strict=True)) if entries else [()] * n_series
    all_met = [all(m) for m in zip(*met, strict=True)] if met else [True] * n_series
    prim_by_series = list(zip(*prim, strict=True)) if prim else [()] * n_series
    for i in range(n_series):
        pollutants = dict(zip(pol_names, by_series[i], strict=True))
        all_ok = all_met[i]
        primary_days: dict[str, int] = {}
        for lab, c in zip(labels, prim_by_series[i], strict=True):
            if c:  # labels shared by several items add up
                primary_days[lab] = primary_days.get(lab, 0) + c
        nv = n_valid[i]
        result = {
            "scope": scope,
            "name": stations[i],
            "year": year,
            "period": dict(period),
            "standard": standard,
            "pollutants": pollutants,
            "compliant": all_ok if pollutants else None,
            "aqi": {
                "valid_days": nv, "good_days": good[i],
                "good_ratio": good_ratio[i] if nv else None,
                "heavy_days": heavy[i],
                "heavy_ratio": heavy_ratio[i] if nv else None,
                "days_by_category": dict(zip(names, by_cat[i], strict=True)),
                "primary_days": primary_days,
            },
        }
        if include_invalid:
            result["invalid"] = invalid_periods(_slice(daily, sel), i)
        else:
            result["invalid_days"] = {it: c[i] for it, c in invalid_counts.items()}
        if include_daily:
            series = {"date": [str(x) for x in d_dates], "AQI": _list(aqi[i])}
            for pol in POLLUTANTS:
                item = ITEM_OF_POLLUTANT[pol]
                if item in daily.values:
                    series[pol] = _list(daily.values[item][i, sel])
            result["daily"] = series
        results.append(result)
    return results


def _ratio(x: np.ndarray, decimals: int) -> list:
    """Percentages rounded for the report, as Python numbers (None where NaN)."""
    r = round_report(x, decimals).tolist()
    return [None if v != v else (int(v) if decimals == 0 else v) for v in r]


def _slice(daily: DailyData, sel: slice) -> DailyData:
    return DailyData(daily.stations, daily.dates[sel], {k: v[:, sel] for k, v in daily.values.items()},
                     {k: v[:, sel] for k, v in daily.raw.items()}, {k: v[:, sel] for k, v in daily.counts.items()},
                     daily.needs, daily.aqi, daily.aqi_valid[:, sel], daily.absent, daily.scope)


def _list(a: np.ndarray) -> list:
    """A series as JSON-able Python numbers: None for NaN, int for whole values, float otherwise (the tests
    are done on the whole array at once; per value, numpy scalar calls cost more than the rest)."""
    a = np.asarray(a, dtype=float)
    nan = np.isnan(a).tolist()
    whole = (np.isfinite(a) & (a == np.trunc(a))).tolist()
    return [None if n else (int(v) if w else v) for v, n, w in zip(a.tolist(), nan, whole, strict=True)]


def daily_table(daily: DailyData) -> list[dict]:
    """One row per station and day: concentrations, IAQIs, AQI, primary pollutant(s), level, category."""
    rows = []
    cats = hj633.categories()
    catidx = hj633.category_index(daily.aqi.aqi)
    for s, station in enumerate(daily.stations):
        for d, date in enumerate(daily.dates):
            row = {"station": station, "date": str(date)}
            for item in DAILY_ITEMS:
                if item in daily.values:
                    v = daily.values[item][s, d]
                    row[item] = None if np.isnan(v) else float(v)
            for item in daily.aqi.items:
                v = daily.aqi.iaqi[item][s, d]
                row[f"IAQI_{item}"] = None if np.isnan(v) or not daily.aqi_valid[s, d] else int(v)
            a = daily.aqi.aqi[s, d]
            row["AQI"] = None if np.isnan(a) else int(a)
            labels = []
            for k, item in enumerate(daily.aqi.items):
                if daily.aqi.primary[k, s, d] and hj633.PRIMARY_LABEL[item] not in labels:
                    labels.append(hj633.PRIMARY_LABEL[item])
            row["primary"] = labels
            c = cats[catidx[s, d]] if catidx[s, d] >= 0 else None
            row["level"] = c["level"] if c else None
            row["category"] = c["category"] if c else None
            row["colour"] = c["colour"] if c else None
            if not daily.aqi_valid[s, d]:
                row["note"] = "无效日：" + "；".join(
                    f"{i}{_reason(i, int(daily.counts[i][s, d]), daily.needs[i], daily.scope)}"
                    for i in AQI_REQUIRED if i in daily.values and np.isnan(daily.values[i][s, d]))
            rows.append(row)
    return rows
