"""HJ 633-2026: every breakpoint of table 3 from both sides, notes b and c, rounding of the concentrations
(GB/T 8170, half to even) and of the indices (up), the hourly PM on the daily breakpoints, primary ties,
and the AQI of a day with a pollutant missing (§5.3.1). Expected values are worked by hand in the comments."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from taizhang.standards import hj633, hj663

E26 = hj633.edition("2026")
E12 = hj633.edition("2012")

# HJ 633-2026 table 3, typed here from the scanned text independently of the package's YAML.
LEVELS = [0, 50, 100, 150, 200, 300, 400, 500]
TABLE3 = {
    "SO2_24h": [0, 50, 150, 475, 800, 1600, 2100, 2620],
    "SO2_1h": [0, 150, 500, 650, 800],
    "NO2_24h": [0, 40, 80, 180, 280, 565, 750, 940],
    "NO2_1h": [0, 100, 200, 700, 1200, 2340, 3090, 3840],
    "CO_24h": [0, 2, 4, 14, 24, 36, 48, 60],
    "CO_1h": [0, 5, 10, 35, 60, 90, 120, 150],
    "O3_8h": [0, 100, 160, 215, 265, 800],
    "O3_1h": [0, 160, 200, 300, 400, 800, 1000, 1200],
    "PM10_24h": [0, 50, 120, 250, 350, 420, 500, 600],
    "PM2.5_24h": [0, 35, 60, 115, 150, 250, 350, 500],
    "PM10_1h": [0, 50, 120, 250, 350, 420, 500, 600],  # §4.2.4: the daily breakpoints
    "PM2.5_1h": [0, 35, 60, 115, 150, 250, 350, 500],
}
ABOVE = {"SO2_1h": 200, "O3_8h": 300}  # notes b and c; the other tables: 500 (top of the scale)
CASES = []
for _item, _bps in TABLE3.items():
    for _i, _bp in enumerate(_bps):
        CASES.append((_item, _bp, LEVELS[_i]))  # exactly at the breakpoint: its IAQI
        if _i > 0:  # just below: a fraction below the level, rounded up to it
            CASES.append((_item, _bp - 0.001, LEVELS[_i]))
        if _i < len(_bps) - 1:  # just above: a fraction above the level, rounded up to level + 1
            CASES.append((_item, _bp + 0.001, LEVELS[_i] + 1))
    CASES.append((_item, _bps[-1] + 0.001, ABOVE.get(_item, 500)))
    CASES.append((_item, _bps[-1] * 3, ABOVE.get(_item, 500)))


def test_table_matches_the_standard():
    for item, bps in TABLE3.items():
        assert E26.breakpoints(item).tolist() == bps, item
    assert E26.daily_items == ("SO2_24h", "NO2_24h", "PM10_24h", "CO_24h", "O3_8h", "PM2.5_24h")
    assert E26.hourly_items == ("SO2_1h", "NO2_1h", "PM10_1h", "CO_1h", "O3_1h", "PM2.5_1h")


@pytest.mark.parametrize("item,conc,expected", CASES)
def test_every_breakpoint_both_sides(item, conc, expected):
    assert E26.iaqi(item, conc) == expected
    # the lookup used for rounded report values gives the same at every breakpoint (integers, CO 0.1)
    dec = 1 if item.startswith("CO") else 0
    r = hj663.round_report(conc, dec)
    assert E26.iaqi_rounded(item, r, dec) == E26.iaqi(item, r)


@pytest.mark.parametrize("item,conc,expected", [
    ("PM2.5_24h", 60, 100),     # the new breakpoint: 100 (HJ 633-2012: 50 + 50/40·25 = 81.25 → 82)
    ("PM2.5_24h", 48, 76),      # 50 + 50/25·13 = 76
    ("PM2.5_24h", 61, 101),     # 100 + 50/55·1 = 100.9 → 101
    ("PM2.5_24h", 75, 114),     # 100 + 50/55·15 = 113.6 → 114 (2012: exactly 100)
    ("PM10_24h", 120, 100),     # the new breakpoint (2012: 50 + 50/100·70 = 85)
    ("PM10_24h", 85, 75),       # 50 + 50/70·35 = 75
    ("PM10_24h", 150, 112),     # 100 + 50/130·30 = 111.5 → 112 (2012: exactly 100)
    ("PM10_24h", 121, 101),     # 100 + 50/130·1 = 100.4 → 101
    ("SO2_1h", 700, 167),       # 150 + 50/150·50 = 166.7 → 167
    ("SO2_1h", 801, 200),       # note b
    ("SO2_1h", 5000, 200),      # note b, however high
    ("O3_8h", 801, 300),        # note c (2012: no sub-index, the O3 1-hour one is reported)
    ("O3_8h", 532.5, 250),      # 200 + 100/535·267.5 = 250
    ("CO_24h", 2.2, 55),        # 50 + 25·0.2 = 55
])
def test_hand_computed(item, conc, expected):
    assert E26.iaqi(item, conc) == expected


def test_changed_segments_against_2012():
    assert E12.iaqi("PM2.5_24h", 60) == 82 and E26.iaqi("PM2.5_24h", 60) == 100
    assert E12.iaqi("PM10_24h", 120) == 85 and E26.iaqi("PM10_24h", 120) == 100
    assert np.isnan(E12.iaqi("O3_8h", 801)) and np.isnan(E12.iaqi("SO2_1h", 801))


def test_daily_report_has_no_o3_1h_and_o3_8h_above_800_is_300():
    days = {"O3_8h": np.array([850.0, 300.0]), "O3_1h": np.array([900.0, 300.0])}
    r26 = E26.daily_aqi(days)
    assert np.isnan(r26.iaqi["O3_1h"]).all()  # not an item of the 2026 daily report
    # 850 → 300 (note c); 300: 200 + 100/535·35 = 206.5 → 207
    assert r26.iaqi["O3_8h"].tolist() == [300, 207] and r26.aqi.tolist() == [300, 207]
    r12 = E12.daily_aqi(days)  # 2012: the O3 1-hour sub-index 350 replaces the 8-hour one above 800
    assert r12.aqi.tolist() == [350, 207]


def test_issue_example_primary_tie():
    """A March 2026 day at PM2.5 60 and PM10 120: AQI 100 with both primary (2012 rules gave 85)."""
    day = {"PM2.5_24h": np.array([60.0]), "PM10_24h": np.array([120.0]), "SO2_24h": np.array([10.0]),
           "NO2_24h": np.array([30.0]), "CO_24h": np.array([0.8]), "O3_8h": np.array([90.0])}
    r = E26.daily_aqi(day)
    assert r.aqi.tolist() == [100]
    assert [hj633.PRIMARY_LABEL[i] for k, i in enumerate(r.items) if r.primary[k, 0]] == ["PM10", "PM2.5"]
    assert E12.daily_aqi(day).aqi.tolist() == [85]


@pytest.mark.parametrize("value,decimals,rounded", [
    (60.5, 0, 60),    # a half: to the even neighbour
    (61.5, 0, 62),
    (59.5, 0, 60),
    (58.5, 0, 58),
    (60.51, 0, 61),   # more than a half: up
    (2.25, 1, 2.2),   # CO to one decimal, half to even
    (2.35, 1, 2.4),   # 2.35 is 2.35000000000000008882 as a double: still a half, to even
    (0.15, 1, 0.2),   # 0.1499999999999999944 as a double: a half all the same
    (0.05, 1, 0.0),
])
def test_gb_t_8170_rounding(value, decimals, rounded):
    assert hj663.round_report(value, decimals) == rounded


def _hours(start: dt.datetime, n: int, **values) -> hj663.HourlyData:
    full = {"PM2.5": 20.0, "PM10": 40.0, "SO2": 10.0, "NO2": 30.0, "CO": 0.5, "O3": 60.0} | values
    return hj663.HourlyData(["甲"], start.date(), {p: np.full((1, n), v, dtype=float) for p, v in full.items()})


def test_hourly_report_rounds_and_scores_pm_on_daily_breakpoints():
    """2026 real-time report: the hour's own PM value on the daily breakpoints, from the very first hour
    (no 24-hour moving mean to wait for); values rounded half to even before scoring."""
    h = _hours(dt.datetime(2026, 3, 1), 48, **{"PM2.5": 60.5})  # rounds to 60 → 100
    times, res = hj663.compute_hourly(h)
    assert res.aqi[0, 0] == 100 and res.iaqi["PM2.5_1h"][0, 0] == 100
    assert "PM2.5_24h" not in res.items and "O3_8h" not in res.items
    h = _hours(dt.datetime(2026, 3, 1), 24, **{"PM2.5": 80.0, "SO2": 900.0})
    _, res = hj663.compute_hourly(h)
    # PM2.5 80: 100 + 50/55·20 = 118.2 → 119; SO2 900 → 200 (note b) is the larger
    assert res.iaqi["PM2.5_1h"][0, 0] == 119 and res.iaqi["SO2_1h"][0, 0] == 200 and res.aqi[0, 0] == 200
    # the same hours under 2012: PM waits for 20 hours of its 24-hour moving mean
    _, res12 = hj663.compute_hourly(h, standard="2012")
    assert np.isnan(res12.aqi[0, :19]).all() and not np.isnan(res12.aqi[0, 19])


def test_aqi_of_the_other_pollutants_counts_above_100():
    """§5.3.1: with PM2.5 missing, the AQI of the others is given when above 100, else none. 2012 gives none."""
    pm10 = np.full((1, 48), 300.0)  # day 1: PM10 300 → 150 + 50/100·50 = 175
    pm10[0, 24:] = 60.0  # day 2: PM10 60 → 50 + 50/70·10 = 57.1 → 58
    h = hj663.HourlyData(["甲"], dt.date(2026, 3, 1), {"PM2.5": np.full((1, 48), np.nan), "PM10": pm10,
                                                        "SO2": np.full((1, 48), 10.0)})
    d = hj663.compute_daily(h)
    assert d.aqi.aqi[0, 0] == 175 and d.aqi_partial[0].tolist() == [True, False]
    assert np.isnan(d.aqi.aqi[0, 1]) and not d.aqi_valid[0, 1]
    rows = hj663.daily_table(d)
    assert rows[0]["AQI"] == 175 and "缺测项目不影响发布" in rows[0]["note"] and rows[0]["standard"] == "HJ 633-2026"
    assert rows[1]["AQI"] is None and rows[1]["note"].startswith("无效日")
    d12 = hj663.compute_daily(h, standard="2012")
    assert np.isnan(d12.aqi.aqi).all()
    ev = hj663.evaluate(d, year=2026)
    assert ev["aqi"]["valid_days"] == 1 and ev["aqi"]["partial_days"] == 1 and ev["aqi"]["good_days"] == 0
