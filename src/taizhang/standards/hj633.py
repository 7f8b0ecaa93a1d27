"""HJ 633-2012: individual air quality index (IAQI), AQI, primary pollutant and category.

All functions take numpy arrays of any shape (a whole station-year at once) and return arrays of the same
shape; ``NaN`` marks "no value". Concentrations are μg/m³, CO mg/m³.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from taizhang.standards import load_table

# Pollutants of the daily report, in display order, with the averaging period of each sub-index.
DAILY_ITEMS = ("SO2_24h", "NO2_24h", "PM10_24h", "CO_24h", "O3_1h", "O3_8h", "PM2.5_24h")
HOURLY_ITEMS = ("SO2_1h", "NO2_1h", "PM10_24h", "CO_1h", "O3_1h", "O3_8h", "PM2.5_24h")
POLLUTANT_OF_ITEM = {
    "SO2_24h": "SO2", "SO2_1h": "SO2", "NO2_24h": "NO2", "NO2_1h": "NO2", "PM10_24h": "PM10",
    "CO_24h": "CO", "CO_1h": "CO", "O3_1h": "O3", "O3_8h": "O3", "PM2.5_24h": "PM2.5",
}
# How the primary pollutant is named in reports (O3 by its averaging period).
PRIMARY_LABEL = {
    "SO2_24h": "SO2", "SO2_1h": "SO2", "NO2_24h": "NO2", "NO2_1h": "NO2", "PM10_24h": "PM10",
    "CO_24h": "CO", "CO_1h": "CO", "O3_1h": "O3_1h", "O3_8h": "O3_8h", "PM2.5_24h": "PM2.5",
}


def _table():
    return load_table("hj633")


def breakpoints(item: str) -> np.ndarray:
    try:
        return np.asarray(_table()["breakpoints"][item], dtype=float)
    except KeyError:
        raise ValueError(f"unknown IAQI item {item!r}") from None


def ceil_int(x: np.ndarray) -> np.ndarray:
    """Round up to an integer ("进位取整"), ignoring binary noise below 1e-9 (35.8 → 51.000000000000004
    must give 51). Concentrations carry at most a few decimals, so a true excess over an integer is at
    least ~1e-5 and is never mistaken for noise."""
    return np.ceil(np.asarray(x, dtype=float) - 1e-9)


@cache
def _segments(item: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Per ``searchsorted`` position k (0..n): IAQI = a[k]·C + b[k] on segment (BP[k−1], BP[k]].
    Position 0 (C ≤ 0) gives 0; position n (above the top) gives the top IAQI, or NaN for the items of
    table 1 notes 2 and 3."""
    bp = breakpoints(item)
    lv = np.asarray(_table()["iaqi"][: len(bp)], dtype=float)
    slope = (lv[1:] - lv[:-1]) / (bp[1:] - bp[:-1])
    above = np.nan if item in _table()["no_subindex_above_top"] else lv[-1]
    a = np.concatenate([[0.0], slope, [0.0]])
    b = np.concatenate([[0.0], lv[:-1] - slope * bp[:-1], [above]])
    return a, b, bp, float(bp[-1])


def iaqi(item: str, conc) -> np.ndarray:
    """Sub-index of ``item`` (e.g. ``"PM2.5_24h"``) for concentrations ``conc`` by formula (1) of HJ 633.

    IAQI = (IAQI_hi − IAQI_lo) / (BP_hi − BP_lo) · (C − BP_lo) + IAQI_lo, rounded up to an integer.
    A value exactly at a breakpoint gives that breakpoint's IAQI. ``NaN`` in → ``NaN`` out; negative → ``NaN``.
    Above the top breakpoint: ``NaN`` for SO2_1h and O3_8h (table 1 notes 2 and 3: no sub-index, the
    24-h / 1-h sub-index is reported instead), 500 for every other item (see :func:`beyond_table`).
    """
    c = np.asarray(conc, dtype=float)
    a, b, bp, _ = _segments(item)
    # k = number of breakpoints below c (= searchsorted side "left"), by comparisons with the few
    # breakpoints: several times faster than a binary search per value. NaN → k = 0 → 0·NaN = NaN.
    k = np.empty(c.shape, dtype=np.intp)
    np.greater(c, bp[0], out=k, casting="unsafe")
    for bound in bp[1:]:
        k += c > bound
    val = np.take(a, k)
    val *= c
    val += np.take(b, k)
    val = ceil_int(val)
    with np.errstate(invalid="ignore"):
        neg = c < 0
    if neg.any():
        val = np.where(neg, np.nan, val)
    return val


@cache
def _lookup(item: str, decimals: int) -> tuple[np.ndarray, int]:
    """Entry 0: NaN (for NaN and negative input); entry k + 1: the IAQI of k / 10**decimals, from 0 to one
    step above the top breakpoint, computed by :func:`iaqi` itself. ``k / 10**decimals`` is the very
    double that rounding to ``decimals`` (``rint(x·10**d) / 10**d``) produces, so the table is exact."""
    scale = 10**decimals
    cap = int(round(breakpoints(item)[-1] * scale)) + 1  # the first step above the top: "above the table"
    table = np.empty(cap + 2)
    table[0] = np.nan
    table[1:] = iaqi(item, np.arange(cap + 1) / scale)
    return table, cap


def iaqi_rounded(item: str, conc, decimals: int) -> np.ndarray:
    """:func:`iaqi` of concentrations already rounded to ``decimals`` (as the daily report values are), by
    a lookup in a precomputed table indexed by the rounded value: identical results, a few branch-free
    passes instead of one per breakpoint. Every value above the top is one step above it at least, and
    gets the table's last entry (500 or NaN); NaN and negative values (≤ −1 step; −0.0 is 0) give NaN.
    The stack of one item (:func:`iaqi_rounded_stack`: its scale, offset 0 and table are the item's)."""
    c = np.asarray(conc, dtype=float)
    return iaqi_rounded_stack((item,), c[None, ...], (decimals,))[0]


@cache
def _stacked_lookup(items: tuple[str, ...], decimals: tuple[int, ...], ndim: int):
    """The :func:`_lookup` tables of ``items`` end to end, and per item (shaped to broadcast over a stack
    of ``ndim`` dimensions, item first): the scale ``10**decimals``, the last table position (``cap + 1``)
    and the offset of the item's table in the joined one."""
    parts = [_lookup(i, d) for i, d in zip(items, decimals, strict=True)]
    offsets = np.cumsum([0] + [len(t) for t, _ in parts[:-1]])
    shape = (len(items),) + (1,) * (ndim - 1)

    def col(v):
        return np.asarray(v, dtype=float).reshape(shape)

    return (np.concatenate([t for t, _ in parts]), col([10.0**d for d in decimals]),
            col([cap + 1 for _, cap in parts]), col(offsets), [k for k, d in enumerate(decimals) if d])


def iaqi_rounded_stack(items: tuple[str, ...], conc: np.ndarray, decimals: tuple[int, ...]) -> np.ndarray:
    """:func:`iaqi_rounded` of a stack ``conc[k]`` of ``items[k]`` (each rounded to ``decimals[k]``), by one
    lookup in the items' tables joined end to end: the same operations on every value as item by item
    (scale, round, shift by one, clamp to the table), then the item's offset, an exact integer addition."""
    table, scale, top, offset, scaled = _stacked_lookup(tuple(items), tuple(decimals), conc.ndim)
    f = conc * scale  # × 1.0 (exact) for the items with no decimals
    for k in scaled:  # only the items with decimals are rounded again
        np.rint(f[k], out=f[k])
    f += 1.0
    np.fmax(f, 0.0, out=f)  # NaN and negative → position 0 (NaN)
    np.fmin(f, top, out=f)
    f += offset
    return table.take(f.astype(np.intp))


def beyond_table(item: str, conc) -> np.ndarray:
    """True where a concentration lies above the top breakpoint of table 1 for ``item``."""
    with np.errstate(invalid="ignore"):
        return np.asarray(conc, dtype=float) > breakpoints(item)[-1]


@dataclass
class AQIResult:
    items: tuple[str, ...]
    iaqi: dict[str, np.ndarray]  # item → IAQI array (NaN where not computed)
    aqi: np.ndarray  # max IAQI (NaN where no sub-index at all)
    primary: np.ndarray  # bool array (n_items, *shape): item is a primary pollutant


def combine(subindices: dict[str, np.ndarray]) -> AQIResult:
    """AQI = max of the sub-indices; primary pollutant(s) = item(s) with the max IAQI when AQI > 50."""
    items = tuple(subindices)
    return combine_stack(items, np.stack([np.asarray(subindices[i], dtype=float) for i in items]))


def combine_stack(items: tuple[str, ...], stack: np.ndarray) -> AQIResult:
    """:func:`combine` of sub-indices already stacked, ``stack[k]`` the IAQI of ``items[k]``."""
    aqi = np.fmax.reduce(stack, axis=0)  # fmax skips NaN: NaN only where every sub-index is NaN
    with np.errstate(invalid="ignore"):
        primary = stack == aqi[None, ...]
        primary &= aqi[None, ...] > 50
    return AQIResult(items, dict(zip(items, stack, strict=True)), aqi, primary)


def daily_aqi(daily: dict[str, np.ndarray], decimals: dict[str, int] | None = None) -> AQIResult:
    """Daily AQI from daily statistics keyed by item: ``SO2_24h, NO2_24h, PM10_24h, CO_24h, PM2.5_24h``
    (24-h means), ``O3_8h`` (daily max 8-h mean) and optionally ``O3_1h`` (daily max 1-h value).

    Where the O3 8-h value exceeds 800 μg/m³ its sub-index is replaced by the O3 1-h one (note 3).
    ``decimals``: items whose values are already rounded to that many decimals (:func:`iaqi_rounded`).
    """
    items = tuple(i for i in DAILY_ITEMS if i in daily)
    decimals = decimals or {}
    if items and all(i in decimals for i in items):
        conc = np.stack([np.asarray(daily[i], dtype=float) for i in items])
        return daily_aqi_stack(items, conc, tuple(decimals[i] for i in items))
    sub = {}
    for item in items:
        if item in decimals:
            sub[item] = iaqi_rounded(item, daily[item], decimals[item])
        else:
            sub[item] = iaqi(item, daily[item])
    if "O3_8h" in sub and "O3_1h" in sub:
        over = beyond_table("O3_8h", daily["O3_8h"])
        sub["O3_8h"] = np.where(over, sub["O3_1h"], sub["O3_8h"])
    return combine(sub)


def daily_aqi_stack(items: tuple[str, ...], conc: np.ndarray, decimals: tuple[int, ...]) -> AQIResult:
    """:func:`daily_aqi` of rounded daily values stacked in the order of ``DAILY_ITEMS`` (``conc[k]`` the
    values of ``items[k]``, rounded to ``decimals[k]``): every sub-index by one lookup, the AQI by one
    reduction over the stack."""
    sub = iaqi_rounded_stack(items, conc, decimals)
    if "O3_8h" in items and "O3_1h" in items:
        k8, k1 = items.index("O3_8h"), items.index("O3_1h")
        np.copyto(sub[k8], sub[k1], where=beyond_table("O3_8h", conc[k8]))
    return combine_stack(items, sub)


def hourly_aqi(hourly: dict[str, np.ndarray]) -> AQIResult:
    """Hourly (real-time) AQI: SO2/NO2/CO/O3 1-h values, O3 8-h moving mean and PM 24-h moving means
    keyed by ``HOURLY_ITEMS``. An SO2 1-h value above 800 uses the SO2 24-h sub-index when
    ``SO2_24h`` (24-h moving mean) is given (note 2); otherwise it gets none.
    """
    sub = {}
    for item in HOURLY_ITEMS:
        if item in hourly:
            sub[item] = iaqi(item, hourly[item])
    if "SO2_1h" in sub and "SO2_24h" in hourly:
        over = beyond_table("SO2_1h", hourly["SO2_1h"])
        sub["SO2_1h"] = np.where(over, iaqi("SO2_24h", hourly["SO2_24h"]), sub["SO2_1h"])
    if "O3_8h" in sub and "O3_1h" in sub:
        over = beyond_table("O3_8h", hourly["O3_8h"])
        sub["O3_8h"] = np.where(over, sub["O3_1h"], sub["O3_8h"])
    return combine(sub)


def category_index(aqi) -> np.ndarray:
    """0..5 for 优..严重污染 (−1 where AQI is NaN)."""
    a = np.asarray(aqi, dtype=float)
    edges = np.array([c["max"] for c in _table()["categories"][:-1]], dtype=float)
    idx = np.zeros(a.shape, dtype=np.intp)  # = searchsorted(edges, a, "left"), by a few comparisons
    with np.errstate(invalid="ignore"):
        for e in edges:
            idx += a > e
    return np.where(np.isnan(a), -1, idx)


def categories() -> list[dict]:
    return _table()["categories"]


def describe(aqi_value: float) -> dict:
    """Level, category and colour of one AQI value."""
    if aqi_value is None or np.isnan(aqi_value):
        return {"level": None, "category": None, "colour": None}
    c = categories()[int(category_index(aqi_value))]
    return {"level": c["level"], "category": c["category"], "colour": c["colour"]}
