"""HJ 633: individual air quality index (IAQI), AQI, primary pollutant and category, in both editions.

:func:`edition` gives an :class:`Edition` (``"2012"`` or ``"2026"``, ``data/hj633.yaml``): its breakpoints,
the items of its daily and hourly reports, what a value above the top breakpoint scores. Which edition
judges a day is decided by :mod:`taizhang.standards.editions`; a series straddling the change is scored
run by run and the runs joined by :func:`join`.

All functions take numpy arrays of any shape (a whole station-year at once) and return arrays of the same
shape; ``NaN`` marks "no value". Concentrations are μg/m³, CO mg/m³.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from taizhang.standards import load_table


def _table():
    return load_table("hj633")


PRIMARY_LABEL: dict[str, str] = dict(_table()["primary_label"])
# Every item of either edition, in report order (the order of the output columns).
ALL_ITEMS: tuple[str, ...] = tuple(PRIMARY_LABEL)


def ceil_int(x: np.ndarray) -> np.ndarray:
    """Round up to an integer ("进位取整"), ignoring binary noise below 1e-9 (35.8 → 51.000000000000004
    must give 51). Concentrations carry at most a few decimals, so a true excess over an integer is at
    least ~1e-5 and is never mistaken for noise."""
    return np.ceil(np.asarray(x, dtype=float) - 1e-9)


@dataclass
class AQIResult:
    items: tuple[str, ...]
    iaqi: dict[str, np.ndarray]  # item → IAQI array (NaN where not computed)
    aqi: np.ndarray  # max IAQI (NaN where no sub-index at all)
    primary: np.ndarray  # bool array (n_items, *shape): item is a primary pollutant


def combine_stack(items: tuple[str, ...], stack: np.ndarray) -> AQIResult:
    """AQI = max of the sub-indices ``stack[k]`` of ``items[k]``; primary pollutant(s) = the item(s) with the
    max IAQI when AQI > 50, ties all listed (HJ 633-2012 §5.2, HJ 633-2026 §4.3.1)."""
    aqi = np.fmax.reduce(stack, axis=0)  # fmax skips NaN: NaN only where every sub-index is NaN
    with np.errstate(invalid="ignore"):
        primary = stack == aqi[None, ...]
        primary &= aqi[None, ...] > 50
    return AQIResult(items, dict(zip(items, stack, strict=True)), aqi, primary)


def combine(subindices: dict[str, np.ndarray]) -> AQIResult:
    items = tuple(subindices)
    return combine_stack(items, np.stack([np.asarray(subindices[i], dtype=float) for i in items]))


# ---------------------------------------------------------------- per edition (cached tables)


@cache
def _segments(ed: str, item: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per position k (0..n) of a value among the breakpoints: IAQI = a[k]·C + b[k] on segment
    (BP[k−1], BP[k]]. Position 0 (C ≤ 0) gives 0; position n (above the top) gives the edition's value
    above the table (``above_top``: NaN for "no sub-index", else that IAQI) or 500."""
    bp = edition(ed).breakpoints(item)
    lv = np.asarray(_table()["iaqi"][: len(bp)], dtype=float)
    slope = (lv[1:] - lv[:-1]) / (bp[1:] - bp[:-1])
    above = edition(ed).above_top(item)
    a = np.concatenate([[0.0], slope, [0.0]])
    b = np.concatenate([[0.0], lv[:-1] - slope * bp[:-1], [above]])
    return a, b, bp


def _iaqi(ed: str, item: str, conc) -> np.ndarray:
    c = np.asarray(conc, dtype=float)
    a, b, bp = _segments(ed, item)
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
def _lookup(ed: str, item: str, decimals: int) -> tuple[np.ndarray, int]:
    """Entry 0: NaN (for NaN and negative input); entry k + 1: the IAQI of k / 10**decimals, from 0 to one
    step above the top breakpoint, computed by the formula itself. ``k / 10**decimals`` is the very
    double that rounding to ``decimals`` (``rint(x·10**d) / 10**d``) produces, so the table is exact."""
    scale = 10**decimals
    cap = int(round(edition(ed).breakpoints(item)[-1] * scale)) + 1  # the first step above the top
    table = np.empty(cap + 2)
    table[0] = np.nan
    table[1:] = _iaqi(ed, item, np.arange(cap + 1) / scale)
    return table, cap


@cache
def _stacked_lookup(ed: str, items: tuple[str, ...], decimals: tuple[int, ...], ndim: int):
    """The :func:`_lookup` tables of ``items`` end to end, and per item (shaped to broadcast over a stack
    of ``ndim`` dimensions, item first): the scale ``10**decimals``, the last table position (``cap + 1``)
    and the offset of the item's table in the joined one."""
    parts = [_lookup(ed, i, d) for i, d in zip(items, decimals, strict=True)]
    offsets = np.cumsum([0] + [len(t) for t, _ in parts[:-1]])
    shape = (len(items),) + (1,) * (ndim - 1)

    def col(v):
        return np.asarray(v, dtype=float).reshape(shape)

    return (np.concatenate([t for t, _ in parts]), col([10.0**d for d in decimals]),
            col([cap + 1 for _, cap in parts]), col(offsets), [k for k, d in enumerate(decimals) if d])


class Edition:
    """One edition of HJ 633 (``data/hj633.yaml`` ``editions``)."""

    def __init__(self, key: str):
        spec = _table()["editions"][key]
        self.key = key
        self.name: str = spec["name"]
        self._bp = {item: np.asarray(v, dtype=float) for item, v in spec["breakpoints"].items()}
        self.daily_items: tuple[str, ...] = tuple(spec["daily_items"])
        self.hourly_items: tuple[str, ...] = tuple(spec["hourly_items"])
        self._above = dict(spec["above_top"])
        self.round_hourly: bool = bool(spec["round_hourly"])
        # §5.3.1 (2026): with an item missing, the AQI of the others counts when above this; None: never
        self.partial_over: float | None = spec["partial_over"]

    def __repr__(self) -> str:
        return f"hj633.edition({self.key!r})"

    def breakpoints(self, item: str) -> np.ndarray:
        try:
            return self._bp[item]
        except KeyError:
            raise ValueError(f"{self.name} has no IAQI item {item!r}") from None

    def above_top(self, item: str) -> float:
        """The IAQI of a value above the top breakpoint: NaN where the edition gives no sub-index."""
        if item in self._above:
            v = self._above[item]
            return np.nan if v is None else float(v)
        return float(_table()["iaqi"][-1])

    def iaqi(self, item: str, conc) -> np.ndarray:
        """Sub-index of ``item`` (e.g. ``"PM2.5_24h"``) for concentrations ``conc`` by the formula of HJ 633:
        IAQI = (IAQI_hi − IAQI_lo) / (BP_hi − BP_lo) · (C − BP_lo) + IAQI_lo, rounded up to an integer.
        A value exactly at a breakpoint gives that breakpoint's IAQI. NaN in → NaN out; negative → NaN.
        Above the top breakpoint: :meth:`above_top`."""
        return _iaqi(self.key, item, conc)

    def iaqi_rounded_stack(self, items: tuple[str, ...], conc: np.ndarray, decimals: tuple[int, ...]) -> np.ndarray:
        """:meth:`iaqi` of a stack ``conc[k]`` of ``items[k]``, each value already rounded to ``decimals[k]``
        (as report values are), by one lookup in the items' tables joined end to end: the same result as
        the formula, a few branch-free passes instead of one per breakpoint. Every value above the top is
        one step above it at least and gets the table's last entry; NaN and negative values give NaN."""
        table, scale, top, offset, scaled = _stacked_lookup(self.key, tuple(items), tuple(decimals), conc.ndim)
        f = conc * scale  # × 1.0 (exact) for the items with no decimals
        for k in scaled:  # only the items with decimals are rounded again
            np.rint(f[k], out=f[k])
        f += 1.0
        np.fmax(f, 0.0, out=f)  # NaN and negative → position 0 (NaN)
        np.fmin(f, top, out=f)
        f += offset
        return table.take(f.astype(np.intp))

    def iaqi_rounded(self, item: str, conc, decimals: int) -> np.ndarray:
        c = np.asarray(conc, dtype=float)
        return self.iaqi_rounded_stack((item,), c.reshape(1, -1), (decimals,))[0].reshape(c.shape)

    def daily_aqi_stack(self, items: tuple[str, ...], conc: np.ndarray, decimals: tuple[int, ...]) -> AQIResult:
        """Daily AQI from rounded daily values stacked in report order (``conc[k]`` of ``items[k]``). Items
        outside the edition's daily report (O3_1h under 2026) get no sub-index. 2012: an O3 8-hour value above
        800 takes the O3 1-hour sub-index (table 1 note 3); 2026 scores it 300 (table 3 note c)."""
        own = [k for k, i in enumerate(items) if i in self.daily_items]
        sub = np.full(conc.shape, np.nan)
        if own:
            sub[own] = self.iaqi_rounded_stack(tuple(items[k] for k in own), conc[own],
                                               tuple(decimals[k] for k in own))
        if np.isnan(self.above_top("O3_8h")) and "O3_8h" in items and "O3_1h" in items:
            k8, k1 = items.index("O3_8h"), items.index("O3_1h")
            with np.errstate(invalid="ignore"):
                np.copyto(sub[k8], sub[k1], where=conc[k8] > self.breakpoints("O3_8h")[-1])
        return combine_stack(tuple(items), sub)

    def daily_aqi(self, daily: dict[str, np.ndarray], decimals: dict[str, int] | None = None) -> AQIResult:
        """:meth:`daily_aqi_stack` of a dict of daily values keyed by item; ``decimals``: items whose values
        are rounded to that many decimals (default: the values as they are, by the formula)."""
        items = tuple(i for i in ALL_ITEMS if i in daily)
        conc = np.stack([np.asarray(daily[i], dtype=float) for i in items])
        if decimals and all(i in decimals for i in items):
            return self.daily_aqi_stack(items, conc, tuple(decimals[i] for i in items))
        own = [k for k, i in enumerate(items) if i in self.daily_items]
        sub = np.full(conc.shape, np.nan)
        for k in own:
            sub[k] = self.iaqi(items[k], conc[k])
        if np.isnan(self.above_top("O3_8h")) and "O3_8h" in items and "O3_1h" in items:
            k8, k1 = items.index("O3_8h"), items.index("O3_1h")
            with np.errstate(invalid="ignore"):
                np.copyto(sub[k8], sub[k1], where=conc[k8] > self.breakpoints("O3_8h")[-1])
        return combine_stack(items, sub)

    def hourly_aqi(self, hourly: dict[str, np.ndarray]) -> AQIResult:
        """Hourly (real-time) AQI from values keyed by the edition's hourly items.

        2012: SO2/NO2/CO/O3 1-hour values, the O3 8-hour moving mean, PM 24-hour moving means; an SO2 1-hour
        value above 800 takes the SO2 24-hour sub-index when ``SO2_24h`` (moving mean) is given (note 2),
        an O3 8-hour value above 800 the O3 1-hour one (note 3). 2026: the six 1-hour values, PM on the daily
        breakpoints; SO2 above 800 scores 200 (note b). Values are scored as given (round them first
        where the edition says so: :attr:`round_hourly`)."""
        sub = {item: self.iaqi(item, hourly[item]) for item in self.hourly_items if item in hourly}
        if np.isnan(self.above_top("SO2_1h")) and "SO2_1h" in sub and "SO2_24h" in hourly:
            over = np.asarray(hourly["SO2_1h"]) > self.breakpoints("SO2_1h")[-1]
            sub["SO2_1h"] = np.where(over, self.iaqi("SO2_24h", hourly["SO2_24h"]), sub["SO2_1h"])
        if np.isnan(self.above_top("O3_8h")) and "O3_8h" in sub and "O3_1h" in sub:
            with np.errstate(invalid="ignore"):
                over = np.asarray(hourly["O3_8h"]) > self.breakpoints("O3_8h")[-1]
            sub["O3_8h"] = np.where(over, sub["O3_1h"], sub["O3_8h"])
        return combine(sub)


@cache
def edition(key: str) -> Edition:
    """The edition ``"2012"`` or ``"2026"`` of HJ 633."""
    if key not in _table()["editions"]:
        raise ValueError(f"unknown HJ 633 edition {key!r}")
    return Edition(key)


def beyond_table(ed: Edition, item: str, conc) -> np.ndarray:
    """True where a concentration lies above the top breakpoint of ``item`` in edition ``ed``."""
    with np.errstate(invalid="ignore"):
        return np.asarray(conc, dtype=float) > ed.breakpoints(item)[-1]


def join(parts: list[tuple[slice, AQIResult]], shape: tuple[int, ...]) -> AQIResult:
    """One result over the last axis of ``shape`` from results of consecutive slices of it (each scored by
    its own edition): the union of their items in report order, NaN / not primary where a part has none."""
    if len(parts) == 1 and parts[0][0] == slice(0, shape[-1]):
        return parts[0][1]
    items = tuple(i for i in ALL_ITEMS if any(i in r.items for _, r in parts))
    stack = np.full((len(items), *shape), np.nan)
    primary = np.zeros((len(items), *shape), dtype=bool)
    aqi = np.full(shape, np.nan)
    for sl, r in parts:
        aqi[..., sl] = r.aqi
        for k, item in enumerate(items):
            if item in r.items:
                j = r.items.index(item)
                stack[k][..., sl] = r.iaqi[item]
                primary[k][..., sl] = r.primary[j]
    return AQIResult(items, dict(zip(items, stack, strict=True)), aqi, primary)


def category_index(aqi) -> np.ndarray:
    """0..5 for 优..严重污染 (−1 where AQI is NaN); the bands are the same in both editions."""
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
