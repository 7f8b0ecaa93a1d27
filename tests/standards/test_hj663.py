"""HJ 663-2013 annual evaluation: percentile worked examples, station and city statistics, rounding."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from taizhang.standards import hj663


@pytest.mark.parametrize("values,p,expected", [
    (list(range(1, 11)), 95, 9.55),                 # k = 1 + 9·0.95 = 9.55 → 9 + 0.55·(10 − 9)
    (list(range(1, 11)), 90, 9.1),
    ([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], 90, 6.3),      # sorted 1 1 2 3 3 4 5 5 6 9; k = 9.1 → 6 + 0.1·3
    ([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], 95, 7.65),     # k = 9.55 → 6 + 0.55·3
    ([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, np.nan], 95, 7.65),  # missing days are not values
    ([7.0], 95, 7.0),
    ([2, 4], 50, 3.0),                              # k = 1.5
    ([3, 4, 8, 2, 5, 4], 90, 6.5),                  # ties: sorted 2 3 4 4 5 8; k = 5.5 → 5 + 0.5·(8 − 5)
])
def test_percentile_worked_examples(values, p, expected):
    assert hj663.percentile(np.array(values, dtype=float), p) == pytest.approx(expected)


def test_percentile_of_a_year_by_hand():
    # 365 daily CO values 0.0, 0.1 … 1.9 repeating: 0.0–0.4 appear 19 times (positions 1–95), 0.5–1.9 18 times.
    vals = (np.arange(365) % 20) * 0.1
    # k = 1 + 364·0.95 = 346.8; positions 330–347 hold 1.8 → X(346) = X(347) = 1.8
    assert hj663.percentile(vals, 95) == pytest.approx(1.8)
    # p90: k = 1 + 364·0.9 = 328.6; positions 312–329 hold 1.7 → 1.7
    assert hj663.percentile(vals, 90) == pytest.approx(1.7)
    assert hj663.percentile(vals, 95) == pytest.approx(np.percentile(vals, 95))  # same as numpy's "linear"


def test_percentile_rows_with_different_counts():
    x = np.array([[1, 2, 3, 4, np.nan], [10, 20, np.nan, np.nan, np.nan], [np.nan] * 5])
    out = hj663.percentile(x, 50)
    assert out[0] == 2.5 and out[1] == 15 and np.isnan(out[2])


@pytest.mark.parametrize("x,decimals,expected", [
    (35.5, 0, 36), (34.5, 0, 34), (35.4, 0, 35), (1.25, 1, 1.2), (1.35, 1, 1.4), (82.25, 1, 82.2),
])
def test_reporting_rounds_half_to_even(x, decimals, expected):
    assert hj663.round_report(x, decimals) == expected


@pytest.mark.parametrize("low,high,expected", [
    # 12 hours at each level: the exact mean is a half, but the binary sum is not
    (1.2, 1.3, 1.2),  # 1.25 (float: 1.2500000000000002) → 1.2
    (0.5, 0.6, 0.6),  # 0.55 (float: 0.5499999999999999) → 0.6
    (1.1, 1.2, 1.2),  # 1.15 (float: 1.1499999999999997) → 1.2
    (0.7, 0.8, 0.8), (0.2, 0.3, 0.2), (0.8, 0.9, 0.8),
])
def test_daily_mean_at_a_half_rounds_half_to_even_despite_binary_noise(low, high, expected):
    hours = {p: np.full((1, 24), 10.0) for p in ("PM2.5", "PM10", "SO2", "NO2", "O3")}
    hours["CO"] = np.array([[low] * 12 + [high] * 12])
    daily = hj663.compute_daily(hj663.HourlyData(["站A"], dt.date(2023, 1, 1), hours))
    assert daily.values["CO_24h"][0, 0] == expected


def test_eight_hour_mean_at_a_half_rounds_half_to_even():
    # every window holds 4 hours at 112.4 and 4 at 112.6 (alternating): exact mean 112.5 → 112
    o3 = np.array([[112.4, 112.6] * 12])
    hours = {p: np.full((1, 24), 10.0) for p in ("PM2.5", "PM10", "SO2", "NO2", "CO")}
    hours["O3"] = o3
    daily = hj663.compute_daily(hj663.HourlyData(["站A"], dt.date(2023, 1, 1), hours))
    assert daily.values["O3_8h"][0, 0] == 112


def _year(daily: dict[str, np.ndarray], year: int = 2023, stations=("站A",)) -> hj663.HourlyData:
    """Hourly data whose every hour of day d equals daily[p][s, d]."""
    vals = {p: np.repeat(np.atleast_2d(v).astype(float), 24, axis=-1) for p, v in daily.items()}
    return hj663.HourlyData(list(stations), dt.date(year, 1, 1), vals)


def _station_year():
    pm25 = np.array([30.0] * 295 + [80.0] * 65 + [200.0] * 5)
    return {
        "PM2.5": pm25, "PM10": np.full(365, 40.0), "SO2": np.full(365, 10.0), "NO2": np.full(365, 20.0),
        "CO": (np.arange(365) % 20) * 0.1, "O3": np.full(365, 80.0),
    }


def test_station_year_by_hand():
    ev = hj663.evaluate(hj663.compute_daily(_year(_station_year())), year=2023)
    p = ev["pollutants"]
    # PM2.5: (295·30 + 65·80 + 5·200)/365 = 15050/365 = 41.23 → 41 > 35: exceeds by (41 − 35)/35 = 0.17
    assert p["PM2.5"]["value"] == 41 and p["PM2.5"]["compliant"] is False and p["PM2.5"]["exceed_multiple"] == 0.17
    assert p["PM10"]["value"] == 40 and p["PM10"]["compliant"] is True
    assert p["CO"]["value"] == 1.8 and p["CO"]["unit"] == "mg/m3" and p["CO"]["compliant"] is True
    assert p["O3"]["value"] == 80 and p["O3"]["statistic"] == "日最大8小时平均第90百分位数"
    assert all(v["valid"] for v in p.values())
    a = ev["aqi"]
    # PM2.5 30 → IAQI 43 (优); 80 → 107 (轻度污染); 200 → 250 (重度污染)
    assert a["valid_days"] == 365 and a["good_days"] == 295 and a["good_ratio"] == 80.8  # 80.82 %
    assert a["days_by_category"] == {"优": 295, "良": 0, "轻度污染": 65, "中度污染": 0, "重度污染": 5, "严重污染": 0}
    assert a["heavy_days"] == 5
    assert a["primary_days"] == {"PM2.5": 70}
    assert ev["compliant"] is False
    assert ev["daily"]["AQI"][:1] == [43] and ev["daily"]["AQI"][-1] == 250


def test_city_is_the_mean_of_stations():
    d = {"PM2.5": np.array([np.full(365, 30.0), np.full(365, 41.0)])}
    daily = hj663.compute_daily(_year(d, stations=("甲", "乙")))
    city = hj663.city_daily(daily, "某市")
    ev = hj663.evaluate(city, year=2023)
    # (30 + 41)/2 = 35.5 each day, reported 36 (half to even), IAQI 50 + 1.25·1 = 51.25 → 52
    assert ev["name"] == "某市" and ev["scope"] == "city"
    assert ev["pollutants"]["PM2.5"]["value"] == 36
    assert ev["daily"]["AQI"][0] == 52


def test_city_day_uses_the_stations_that_have_a_valid_value():
    h = np.full((2, 365 * 24), 40.0)
    h[1, :] = 60.0
    h[1, :24] = np.nan  # station 乙 has nothing on 1 January
    daily = hj663.compute_daily(hj663.HourlyData(["甲", "乙"], dt.date(2023, 1, 1), {"PM2.5": h}))
    city = hj663.city_daily(daily)
    assert city.values["PM2.5_24h"][0, 0] == 40 and city.values["PM2.5_24h"][0, 1] == 50


def test_year_to_date():
    ev = hj663.evaluate(hj663.compute_daily(_year(_station_year())), year=2023, through=dt.date(2023, 1, 31))
    assert ev["period"] == {"start": "2023-01-01", "end": "2023-01-31", "days": 31, "days_in_year": 365,
                            "year_to_date": True}
    assert ev["pollutants"]["PM2.5"]["value"] == 30 and ev["pollutants"]["PM2.5"]["valid"] is None
    assert len(ev["daily"]["date"]) == 31


def test_short_year_is_flagged_invalid():
    d = {"PM2.5": np.full(365, 30.0)}
    hd = _year(d)
    hd.values["PM2.5"][:, 24 * 300:] = np.nan  # nothing after 27 October
    ev = hj663.evaluate(hj663.compute_daily(hd), year=2023)
    pm = ev["pollutants"]["PM2.5"]
    assert pm["valid"] is False and pm["value"] == 30
    assert "全年有效日数300天，少于324天" in pm["reasons"] and "11月有效日数0天，少于27天" in pm["reasons"]


def test_hourly_aqi_real_time_report():
    n = 48
    v = {"PM2.5": np.full(n, 80.0), "PM10": np.full(n, 40.0), "SO2": np.full(n, 10.0), "NO2": np.full(n, 50.0),
         "CO": np.full(n, 1.0), "O3": np.full(n, 100.0)}
    v["SO2"][19] = 900.0
    hd = hj663.HourlyData(["甲"], dt.date(2023, 1, 1), {k: x[None, :] for k, x in v.items()})
    times, res = hj663.compute_hourly(hd)
    assert str(times[19]) == "2023-01-01T19"
    # hour 18: the PM 24-hour moving means rest on 19 hours → no AQI; hour 19: 20 hours → valid
    assert np.isnan(res.aqi[0, 18])
    # PM2.5 80 → 107; SO2 1-h 900 > 800 → the 24-h moving mean (19·10 + 900)/20 = 54.5 → 53 is used;
    # O3 1-h 100 → 32; O3 8-h 100 → 50; NO2 1-h 50 → 25; CO 1-h 1 → 10; PM10 40 → 40
    got = {i: int(res.iaqi[i][0, 19]) for i in res.items}
    assert got == {"SO2_1h": 53, "NO2_1h": 25, "PM10_24h": 40, "CO_1h": 10, "O3_1h": 32, "O3_8h": 50,
                   "PM2.5_24h": 107}
    assert res.aqi[0, 19] == 107


def test_evaluate_all_equals_one_by_one():
    rng = np.random.default_rng(7)
    d = {p: rng.gamma(3, 15, (3, 365)) for p in ("PM2.5", "PM10", "SO2", "NO2", "O3")}
    d["CO"] = rng.gamma(3, 0.3, (3, 365))
    hd = _year(d, stations=("甲", "乙", "丙"))
    hd.values["PM2.5"][1, : 24 * 40] = np.nan  # 乙 loses 40 days of PM2.5
    daily = hj663.compute_daily(hd)
    together = hj663.evaluate_all(daily, year=2023)
    for i in range(3):
        assert hj663.evaluate(daily, i, year=2023) == together[i]
    assert together[1]["pollutants"]["PM2.5"]["valid"] is False
    assert together[1]["pollutants"]["PM2.5"]["reasons"] == ["1月有效日数0天，少于27天", "2月有效日数19天，少于25天"]


def test_round_report_in_place_equals_np_round_twice():
    """round_report's in-place arithmetic is exactly np.round(np.round(x, d + 6), d), signs of zero included."""
    rng = np.random.default_rng(1)
    for d in (0, 1, 2):
        x = np.concatenate([rng.uniform(-1000, 1000, 200_000), np.round(rng.uniform(-500, 500, 200_000) * 2) / 2,
                            np.round(rng.uniform(0, 100, 200_000), 1) + 0.05,
                            [np.nan, -0.0, 0.0, np.inf, -np.inf, 112.5, 113.5, 112.50000000000001]])
        ref = np.round(np.round(x + 0.0, d + 6), d)
        got = hj663.round_report(x.reshape(3, -1) if x.size % 3 == 0 else x, d).ravel()
        assert np.array_equal(ref, got, equal_nan=True) and np.array_equal(np.signbit(ref), np.signbit(got)), d
    assert hj663.round_report(112.5, 0) == 112 and hj663.round_report(0.25, 1) == 0.2


@pytest.mark.parametrize("p", [0, 50, 90, 95, 100])
def test_percentile_vectorised_equals_per_series_formula(p):
    """The vectorised percentile over (…, series, days) equals HJ 663's formula applied series by series."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 100, (3, 5, 365))
    x[rng.random(x.shape) < 0.3] = np.nan
    x[0, 0] = np.nan
    x[1, 1, :364] = np.nan
    got = hj663.percentile(x, p)
    for i in range(3):
        for j in range(5):
            v = np.sort(x[i, j][~np.isnan(x[i, j])])
            if not len(v):
                assert np.isnan(got[i, j])
                continue
            k = 1 + (len(v) - 1) * p / 100.0
            s = int(k)
            hi = v[min(s, len(v) - 1)]
            assert got[i, j] == v[s - 1] + (hi - v[s - 1]) * (k - s)
    assert hj663.percentile(x[2, 3], p) == got[2, 3]


def test_rounding_rows_of_a_stack_equals_round_report_row_by_row():
    """The daily values are rounded as one stack (CO to 0.1, the others to integers): the same as round_report
    applied to each row, halves and signs of zero included."""
    rng = np.random.default_rng(5)
    x = np.stack([np.round(rng.uniform(-50, 500, (2, 300)) * 20) / 20 for _ in range(3)])
    x[:, 0, :3] = np.array([np.nan, -0.0, 112.5])
    dec = (0, 1, 0)
    got = x + 0.0
    hj663.daily._round_rows(got, dec)
    for k, d in enumerate(dec):
        ref = hj663.round_report(x[k], d)
        assert np.array_equal(got[k], ref, equal_nan=True) and np.array_equal(np.signbit(got[k]), np.signbit(ref))


def test_series_as_python_numbers_none_int_or_float():
    from taizhang.standards.hj663.annual import _list

    a = np.array([np.nan, 3.0, -0.0, 2.5, np.inf, -np.inf, 1e20, 7.000000001, -4.0])
    out = _list(a)
    assert out == [None, 3, 0, 2.5, float("inf"), float("-inf"), 100000000000000000000, 7.000000001, -4]
    assert [type(x) for x in out] == [type(None), int, int, float, float, float, int, float, int]
