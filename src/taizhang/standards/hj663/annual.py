"""HJ 663 annual evaluation of a station or a city from its daily values (:mod:`.daily`).

The method is HJ 663-2013's: the HJ 663-2026 text was not available, so its days keep the 2013 method and
every result says so (:mod:`taizhang.standards.editions`). Annual statistics are compared with the GB 3095
limits in force on the last day of the period; daily exceedances with the limits in force each day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np

from taizhang.standards import editions, gb3095, hj633, load_table
from taizhang.standards.hj663.daily import (
    ITEM_OF_POLLUTANT,
    POLLUTANTS,
    DailyData,
    invalid_reason,
    precision,
    round_report,
    unit_of,
)

STAT_LABEL = {"mean": "年平均", "percentile": "百分位数"}


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
                "reason": invalid_reason(item, int(daily.counts[item][index, d]), daily.needs[item], daily.scope),
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
    return replace(daily, stations=daily.stations[rows], values={k: v[rows] for k, v in daily.values.items()},
                   raw={k: v[rows] for k, v in daily.raw.items()}, counts={k: v[rows] for k, v in daily.counts.items()},
                   aqi=aqi, aqi_valid=daily.aqi_valid[rows],
                   aqi_partial=None if daily.aqi_partial is None else daily.aqi_partial[rows])


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
    # annual statistics against the limits in force on the period's last day; daily values against each day's
    end_rules = editions.rules_on(d_dates[-1].item(), daily.standard)
    lim = gb3095.limits(end_rules.limits)
    d_parts = editions.parts(d_dates, daily.standard)
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
        daily_key = "max8h" if pol == "O3" else "daily"
        over = np.zeros(n_series, dtype=np.int64)
        with np.errstate(invalid="ignore"):
            for part in d_parts:
                day_limit = gb3095.limits(part.rules.limits)[pol][daily_key]
                over += (series[:, part.start:part.stop] > day_limit).sum(axis=1)
        # whole arrays rounded and turned into Python lists once; the loop below only picks entries
        rep = round_report(value, precision(pol)).tolist()
        if precision(pol) == 0:
            rep = [None if x != x else int(x) for x in rep]
        else:
            rep = [None if x != x else x for x in rep]
        per_pol[pol] = (label, rep, [None if x != x else x for x in value.tolist()], n.tolist(),
                        valid.tolist(), reasons, lim[pol][s["limit_key"]], over.tolist(), lim[pol][daily_key])
    aqi = daily.aqi.aqi[:, sel]
    ok = ~np.isnan(aqi)
    n_valid = ok.sum(axis=1)
    cats = hj633.category_index(aqi)
    names = [c["category"] for c in hj633.categories()]
    k1 = len(names) + 1  # one bincount over (series, category + 1); column 0 counts the NaN days (−1)
    flat_cats = (cats + 1 + k1 * np.arange(n_series)[:, None]).ravel()
    by_cat = np.bincount(flat_cats, minlength=k1 * n_series).reshape(n_series, k1)[:, 1:].tolist()
    partial = (daily.aqi_partial[:, sel].sum(axis=1) if daily.aqi_partial is not None
               else np.zeros(n_series, dtype=int)).tolist()
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
    standard = editions.summary(d_dates, daily.standard)
    standards = editions.describe_parts(d_dates, daily.standard)
    annual_limits = f"{end_rules.limits_name}二级浓度限值（{d_dates[-1]}适用）"
    short = [f"数据只覆盖{len(d_dates)}天，不足全年"]
    # per pollutant, the entry of every series (built column by column), and whether it counts as met
    entries, met = {}, []
    for pol, (label, rep, unrounded, n, valid, reasons, limit, over, day_limit) in per_pol.items():
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
            {"statistic": label, "value": r, "unrounded": u, "unit": unit, "limit": limit,
             "limit_standard": annual_limits, "compliant": c, "exceed_multiple": e, "valid_days": k, "valid": v,
             "reasons": w, "daily_limit": day_limit, "exceed_days": x}
            for r, u, c, e, k, v, w, x in zip(rep, unrounded, comp, exceed, n, vs, whys, over, strict=True)]
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
            "standards": [dict(p) for p in standards],
            "annual_limits": annual_limits,
            "pollutants": pollutants,
            "compliant": all_ok if pollutants else None,
            "aqi": {
                "valid_days": nv, "partial_days": partial[i], "good_days": good[i],
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
    return replace(daily, dates=daily.dates[sel], values={k: v[:, sel] for k, v in daily.values.items()},
                   raw={k: v[:, sel] for k, v in daily.raw.items()}, counts={k: v[:, sel] for k, v in daily.counts.items()},
                   aqi_valid=daily.aqi_valid[:, sel],
                   aqi_partial=None if daily.aqi_partial is None else daily.aqi_partial[:, sel])


def _list(a: np.ndarray) -> list:
    """A series as JSON-able Python numbers: None for NaN, int for whole values, float otherwise (the tests
    are done on the whole array at once; per value, numpy scalar calls cost more than the rest)."""
    a = np.asarray(a, dtype=float)
    nan = np.isnan(a).tolist()
    whole = (np.isfinite(a) & (a == np.trunc(a))).tolist()
    return [None if n else (int(v) if w else v) for v, n, w in zip(a.tolist(), nan, whole, strict=True)]
