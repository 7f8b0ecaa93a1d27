"""GB 3095-2012 data validity at each edge, and invalid periods reported with their reason."""

from __future__ import annotations

import datetime as dt

import numpy as np

from taizhang.standards import gb3095, hj663


def _day_with(n_hours: int, value: float = 50.0) -> np.ndarray:
    h = np.full(24, np.nan)
    h[:n_hours] = value
    return h[None, :]


def test_daily_mean_19_vs_20_hours():
    assert not gb3095.daily_mean(_day_with(19)).valid[0, 0]
    assert np.isnan(gb3095.daily_mean(_day_with(19)).value[0, 0])
    s = gb3095.daily_mean(_day_with(20))
    assert s.valid[0, 0] and s.value[0, 0] == 50 and s.count[0, 0] == 20


def test_eight_hour_mean_5_vs_6_hours():
    h = np.full(24, np.nan)
    h[0:5] = 100.0  # window 0–7 has 5 hours
    means, n = gb3095.eight_hour_means(h[None, :])
    assert n[0, 0, 0] == 5 and np.isnan(means[0, 0, 0])
    h[5] = 40.0  # now 6 hours: (5·100 + 40)/6 = 90
    means, n = gb3095.eight_hour_means(h[None, :])
    assert n[0, 0, 0] == 6 and means[0, 0, 0] == 90


def _o3_day(valid_windows: int, level: float) -> np.ndarray:
    """A day whose first `valid_windows` 8-hour windows (of 17) have ≥ 6 hours."""
    h = np.full(24, level)
    # hours from valid_windows+5 on are missing: window s (hours s..s+7) keeps valid_windows+5−s hours
    # (at most 8), which is ≥ 6 exactly for s ≤ valid_windows−1
    h[valid_windows + 5:] = np.nan
    return h[None, :]


def test_daily_max_8h_13_vs_14_windows():
    s13 = gb3095.daily_max_8h(_o3_day(13, 100.0))
    s14 = gb3095.daily_max_8h(_o3_day(14, 100.0))
    assert s13.count[0, 0] == 13 and not s13.valid[0, 0]
    assert s14.count[0, 0] == 14 and s14.valid[0, 0] and s14.value[0, 0] == 100


def test_daily_max_8h_exceedance_counts_with_fewer_windows():
    """HJ 663: with fewer than 14 valid 8-h means the day still counts when its maximum exceeds the limit."""
    s = gb3095.daily_max_8h(_o3_day(13, 170.0), limit=160)
    assert s.valid[0, 0] and s.value[0, 0] == 170
    s = gb3095.daily_max_8h(_o3_day(13, 150.0), limit=160)
    assert not s.valid[0, 0]


def _dates(year: int) -> np.ndarray:
    n = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    return np.datetime64(f"{year}-01-01") + np.arange(n)


def _drop(dates, per_month: dict[int, int]) -> np.ndarray:
    """Valid-day mask with `per_month[m]` invalid days at the start of month m."""
    valid = np.ones(len(dates), dtype=bool)
    months = dates.astype("datetime64[M]").astype(int) % 12 + 1
    for m, k in per_month.items():
        idx = np.nonzero(months == m)[0][:k]
        valid[idx] = False
    return valid


def test_annual_323_vs_324_days():
    d = _dates(2023)  # 365 days
    # 41 invalid days → 324 valid, spread so that no month drops below 27 (≤ 4 per 31-day month, ≤ 3 per 30)
    spread = {1: 4, 3: 4, 4: 3, 5: 4, 6: 3, 7: 4, 8: 4, 9: 3, 10: 4, 11: 3, 12: 4, 2: 1}
    assert sum(spread.values()) == 41
    ok, reasons = gb3095.annual_validity(_drop(d, spread), d)
    assert ok and reasons == [[]]
    spread[2] = 2  # 323 valid days, February 26 ≥ 25 still
    ok, reasons = gb3095.annual_validity(_drop(d, spread), d)
    assert not ok and reasons[0] == ["全年有效日数323天，少于324天"]


def test_month_26_vs_27_days():
    d = _dates(2023)
    ok, _ = gb3095.annual_validity(_drop(d, {3: 4}), d)  # March 27 valid
    assert ok
    ok, reasons = gb3095.annual_validity(_drop(d, {3: 5}), d)  # March 26 valid
    assert not ok and reasons[0] == ["3月有效日数26天，少于27天"]


def test_february_24_vs_25_days():
    d = _dates(2023)  # February has 28 days
    ok, _ = gb3095.annual_validity(_drop(d, {2: 3}), d)  # 25 valid
    assert ok
    ok, reasons = gb3095.annual_validity(_drop(d, {2: 4}), d)  # 24 valid
    assert not ok and reasons[0] == ["2月有效日数24天，少于25天"]
    d = _dates(2024)  # leap year: 29 days, 25 needed
    ok, _ = gb3095.annual_validity(_drop(d, {2: 4}), d)
    assert ok


def test_invalid_days_are_reported_not_skipped():
    hours = np.full((1, 365 * 24), 30.0)
    hours[0, 24 * 10: 24 * 10 + 5] = np.nan  # 10 Jan: 19 hours
    data = hj663.HourlyData(["站A"], dt.date(2023, 1, 1), {"PM2.5": hours})
    daily = hj663.compute_daily(data)
    ev = hj663.evaluate(daily, year=2023)
    dated = [r for r in ev["invalid"] if r["date"]]
    assert dated == [{"date": "2023-01-11", "item": "PM2.5_24h", "reason": "小时值19个，少于20个"}]
    assert ev["pollutants"]["PM2.5"]["valid_days"] == 364
    assert ev["aqi"]["valid_days"] == 364
    # the other pollutants are absent from the data, and that is said too
    assert {r["item"] for r in ev["invalid"] if r["date"] is None} == {"PM10", "SO2", "NO2", "CO", "O3"}


def test_annual_validity_same_for_consecutive_and_shuffled_days():
    """Month counts by runs of consecutive days (the fast path) equal those of the general grouping."""
    rng = np.random.default_rng(11)
    dates = np.datetime64("2024-01-01") + np.arange(366)
    valid = rng.random((40, 366)) < rng.uniform(0.85, 1.0, (40, 1))
    ok, reasons = gb3095.annual_validity(valid, dates)
    perm = rng.permutation(366)
    ok2, reasons2 = gb3095.annual_validity(valid[:, perm], dates[perm])
    assert ok.tolist() == ok2.tolist() and reasons == reasons2
    assert 0 < ok.sum() < 40  # both outcomes occur


def test_daily_means_same_with_and_without_a_negative_value():
    """The branch-free NaN → 0 (used when no value is negative) and the masked copy (used otherwise) give
    identical daily sums, counts and means on every day that does not hold the negative value."""
    rng = np.random.default_rng(5)
    h = np.round(rng.gamma(2.0, 30.0, (6, 60 * 24)), 1)
    h[rng.random(h.shape) < 0.05] = np.nan
    h[2, 24 * 7: 24 * 8] = 50.0
    h[2, 24 * 7: 24 * 7 + 5] = np.nan  # a day with 19 hours
    h[3, 24 * 9: 24 * 10] = np.nan  # a day with none
    neg = h.copy()
    neg[5, 24 * 30 + 3] = -1.0
    fast, slow = gb3095.daily_mean(h), gb3095.daily_mean(neg)
    keep = np.ones(fast.raw.shape, dtype=bool)
    keep[5, 30] = False
    assert np.array_equal(fast.raw[keep], slow.raw[keep], equal_nan=True)
    assert np.array_equal(fast.count, slow.count) and np.array_equal(fast.valid, slow.valid)
    ref = np.where(np.isnan(h), 0.0, h).reshape(6, 60, 24).sum(axis=2)
    n = (~np.isnan(h)).reshape(6, 60, 24).sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        assert np.allclose(fast.raw, ref / n, rtol=1e-12, equal_nan=True)
    assert fast.count[2, 7] == 19 and not fast.valid[2, 7] and fast.count[3, 9] == 0
