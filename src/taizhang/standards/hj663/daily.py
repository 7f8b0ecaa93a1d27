"""Daily and hourly statistics of stations and cities with the GB 3095 validity rules, and their AQI scored by
the HJ 633 edition in force on each day (:mod:`taizhang.standards.editions`).

:class:`HourlyData` (stations × hours) → :func:`compute_daily` (daily statistics with their validity and
the daily AQI, stations × days) → optionally :func:`city_daily` (mean over stations); :func:`compute_hourly`
gives the real-time (hourly) AQI. Daily values are rounded to the reported precision (integers, CO one
decimal; GB/T 8170, half to even) before they are scored, as HJ 663-2013 and HJ 633-2026 §4.2.2 ask.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from taizhang.standards import editions, gb3095, hj633, load_table

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
# items a day needs for a valid daily AQI (O3_1h only replaces O3_8h above 800 μg/m³ under HJ 633-2012)
AQI_REQUIRED = ("SO2_24h", "NO2_24h", "PM10_24h", "CO_24h", "PM2.5_24h", "O3_8h")
ITEM_OF_POLLUTANT = {"PM2.5": "PM2.5_24h", "PM10": "PM10_24h", "SO2": "SO2_24h", "NO2": "NO2_24h",
                     "CO": "CO_24h", "O3": "O3_8h"}


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


@dataclass
class HourlyData:
    """Hourly concentrations of consecutive whole days: ``values[pollutant]`` has shape
    ``(len(stations), days*24)``; column 0 is 00:00–01:00 of ``start``."""

    stations: list[str]
    start: dt.date
    values: dict[str, np.ndarray]

    @property
    def days(self) -> int:
        return next(iter(self.values.values())).shape[-1] // 24 if self.values else 0

    @property
    def dates(self) -> np.ndarray:
        return np.datetime64(self.start, "D") + np.arange(self.days)


@dataclass
class DailyData:
    stations: list[str]
    dates: np.ndarray  # datetime64[D]
    values: dict[str, np.ndarray]  # item → (S, D), NaN where invalid; rounded to the reported precision
    raw: dict[str, np.ndarray]  # item → (S, D) as computable whatever the validity
    counts: dict[str, np.ndarray]
    needs: dict[str, int]
    aqi: hj633.AQIResult  # NaN where the day has no AQI
    aqi_valid: np.ndarray  # (S, D) the day has an AQI
    absent: list[str] = field(default_factory=list)  # pollutants with no data at all
    scope: str = "station"
    standard: str = "auto"  # the --standard choice the days were judged by (editions.by_day)
    # (S, D) the AQI rests on part of the items only (HJ 633-2026 §5.3.1: published when above 100)
    aqi_partial: np.ndarray | None = None

    @property
    def parts(self) -> list[editions.Part]:
        return editions.parts(self.dates, self.standard)


def _score_days(order: tuple[str, ...], stack: np.ndarray, decimals: tuple[int, ...],
                parts: list[editions.Part]) -> hj633.AQIResult:
    """The daily AQI of rounded daily values stacked in report order, each run of days by its edition."""
    scored = [(slice(p.start, p.stop), hj633.edition(p.rules.aqi).daily_aqi_stack(order, stack[..., p.start:p.stop],
                                                                                 decimals)) for p in parts]
    return hj633.join(scored, stack.shape[1:])


def compute_daily(hourly: HourlyData, *, standard: str = "auto") -> DailyData:
    """Daily statistics of every station with GB 3095 validity, and the daily AQI by the HJ 633 edition of
    each day (``standard``: see :mod:`taizhang.standards.editions`)."""
    standard = editions.check_choice(standard)
    o3_limit = gb3095.limits("2012")["O3"]["max8h"]  # 160 in every edition
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
    dates = hourly.dates
    # the daily values of every item in one stack (in report order), rounded in one pass
    order = tuple(i for i in hj633.ALL_ITEMS if i in stats)
    decimals = tuple(precision(DAILY_ITEMS[i][0]) for i in order)
    stack = np.empty((len(order), len(hourly.stations), len(dates)))
    for k, item in enumerate(order):
        np.add(stats[item].value, 0.0, out=stack[k])  # a copy, −0.0 → 0.0 as in round_report
    _round_rows(stack, decimals)
    values = {item: stack[k] for k, item in enumerate(order)}
    raw = {item: st.raw for item, st in stats.items()}
    counts = {item: st.count for item, st in stats.items()}
    needs = {item: st.need for item, st in stats.items()}
    parts = editions.parts(dates, standard)
    res = _score_days(order, stack, decimals, parts) if order else None
    return _with_aqi(hourly.stations, dates, values, raw, counts, needs, absent, "station", standard, res)


def _with_aqi(stations, dates, values, raw, counts, needs, absent, scope, standard,
              res: hj633.AQIResult | None = None) -> DailyData:
    """``res``: the daily AQI of ``values`` when the caller has it; else scored from the rounded values.
    A day has an AQI when every item of the data is valid, or (editions with ``partial_over``) when the
    AQI of its valid items exceeds that value."""
    parts = editions.parts(dates, standard)
    if res is None:
        order = tuple(i for i in hj633.ALL_ITEMS if i in values)
        res = _score_days(order, np.stack([values[i] for i in order]),
                          tuple(precision(DAILY_ITEMS[i][0]) for i in order), parts)
    present = [i for i in AQI_REQUIRED if i in values]
    valid = np.ones((len(stations), len(dates)), dtype=bool)
    some = np.zeros_like(valid)
    for i in present:
        ok = ~np.isnan(values[i])
        valid &= ok
        some |= ok
    if not present:
        valid[:] = False
    partial = np.zeros_like(valid)
    for p in parts:
        over = hj633.edition(p.rules.aqi).partial_over
        if over is not None:
            sl = slice(p.start, p.stop)
            with np.errstate(invalid="ignore"):
                partial[:, sl] = ~valid[:, sl] & some[:, sl] & (res.aqi[:, sl] > over)
    has = valid | partial
    res.aqi = np.where(has, res.aqi, np.nan)
    res.primary &= has[None, ...]
    return DailyData(list(stations), dates, values, raw, counts, needs, res, has, absent, scope, standard, partial)


def compute_hourly(hourly: HourlyData, *, standard: str = "auto") -> tuple[np.ndarray, hj633.AQIResult]:
    """Hourly (real-time report) AQI of every station hour, each day by the HJ 633 edition in force.

    HJ 633-2012: SO2/NO2/CO/O3 1-hour values, the O3 8-hour moving mean (≥ 6 of the last 8 hours) and
    PM10/PM2.5 24-hour moving means (≥ 20 of the last 24 hours). HJ 633-2026: the six 1-hour values rounded
    as the daily ones (§4.2.3), PM scored on the daily breakpoints (§4.2.4). An hour's AQI is NaN unless
    every pollutant present in the data has its sub-index — or, under 2026, the AQI of the others is
    above 100 (§5.3.1).

    Returns the hour start times (``datetime64[h]``) and the result, arrays (stations, hours)."""
    v = hourly.values
    n_hours = hourly.days * 24
    shape = (len(hourly.stations), n_hours)
    scored = []
    moving: dict[str, np.ndarray] | None = None
    for p in editions.parts(hourly.dates, standard):
        ed = hj633.edition(p.rules.aqi)
        sl = slice(p.start * 24, p.stop * 24)
        if ed.round_hourly:
            items = {}
            for pol in POLLUTANTS:
                if pol in v:
                    item = next(i for i in ed.hourly_items if i.split("_")[0] == pol)
                    items[item] = round_report(v[pol][:, sl], precision(pol))
        else:
            if moving is None:
                moving = _moving_items(v)
            items = {k: a[:, sl] for k, a in moving.items()}
        res = ed.hourly_aqi(items)
        needed = [i for i in ed.hourly_items if i in items]
        ok = np.ones(res.aqi.shape, dtype=bool)
        some = np.zeros_like(ok)
        for i in needed:
            have = ~np.isnan(items[i])
            ok &= have
            some |= have
        if ed.partial_over is not None:
            with np.errstate(invalid="ignore"):
                ok |= some & (res.aqi > ed.partial_over)
        res.aqi = np.where(ok, res.aqi, np.nan)
        res.primary &= ok[None, ...]
        scored.append((sl, res))
    res = hj633.join(scored, shape) if scored else hj633.AQIResult((), {}, np.full(shape, np.nan),
                                                                    np.zeros((0, *shape), dtype=bool))
    times = np.datetime64(hourly.start, "h") + np.arange(n_hours)
    return times, res


def _moving_items(v: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The HJ 633-2012 real-time items over the whole series (moving means look back across days)."""
    r = gb3095.rules()
    items: dict[str, np.ndarray] = {}
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
    return items


def invalid_reason(item: str, count: int, need: int, scope: str) -> str:
    """Why a daily value of ``item`` is invalid: too few hours, 8-hour means or (a city) stations."""
    if scope == "city":
        return f"有效点位数{count}个，少于{need}个"
    if item == "O3_8h":
        return f"有效8小时滑动平均值{count}个，少于{need}个"
    return f"小时值{count}个，少于{need}个"


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
    return _with_aqi([name], daily.dates, values, raw, counts, needs, daily.absent, "city", daily.standard)
