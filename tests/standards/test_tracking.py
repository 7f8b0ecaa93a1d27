"""Target tracking: ledger targets against evaluations, for a whole year and during the year."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from taizhang.standards import gb3838, hj663
from taizhang.standards.tracking import indicator_rule, track_target


def _eval(pm25_daily, year=2023, through=None, **other):
    daily = {"PM2.5": np.asarray(pm25_daily, dtype=float)}
    daily.update({k: np.asarray(v, dtype=float) for k, v in other.items()})
    vals = {p: np.repeat(v[None, :], 24, axis=-1) for p, v in daily.items()}
    d = hj663.compute_daily(hj663.HourlyData(["全市"], dt.date(year, 1, 1), vals))
    return hj663.evaluate(d, year=year, through=through)


PM_TARGET = {"id": "G1", "indicator": "PM2.5年均浓度", "comparator": "<=", "value": 47, "unit": "微克/立方米",
             "year": 2023, "baseline_year": None}
GOOD_TARGET = {"id": "G2", "indicator": "空气质量优良天数比例", "comparator": ">=", "value": 72, "unit": "%",
               "year": 2023, "baseline_year": None}


@pytest.mark.parametrize("name,key", [
    ("PM2.5浓度", "PM2.5"), ("PM2.5年均浓度", "PM2.5"), ("细颗粒物（PM2.5）平均浓度", "PM2.5"), ("PM10年均浓度", "PM10"),
    ("空气质量优良天数比率", "good"), ("优良天数比例", "good"), ("重度及以上污染天数比率", "heavy"),
    ("国考断面优Ⅲ比例", "good_share"), ("地表水市控以上断面水质优良（达到或优于Ⅲ类）比例", "good_share"),
    ("劣V类比例", "bad_share"), ("劣Ⅴ类水体比例", "bad_share"), ("CO浓度", "CO"), ("臭氧浓度", "O3"),
])
def test_indicator_names(name, key):
    assert indicator_rule(name)["key"] == key


def test_emission_totals_are_not_computed_from_monitoring():
    t = {"indicator": "二氧化硫排放总量", "comparator": "reduce_by", "value": 20, "year": 2020, "baseline_year": 2015}
    r = track_target(t, _eval(np.full(365, 30)))
    assert r["status"] == "no_data" and "排放" in r["message"]


def test_mean_target_met_and_missed():
    r = track_target(PM_TARGET, _eval(np.full(365, 45)))
    assert r["status"] == "met" and r["actual"] == 45 and r["gap"] == -2 and r["by"] == 2
    r = track_target(PM_TARGET, _eval(np.full(365, 50)))
    assert r["status"] == "missed" and r["gap"] == 3 and "差3" in r["message"]


def test_ratio_target():
    aqi_good = np.array([30.0] * 250 + [80.0] * 115)  # 250 good days of 365 = 68.5 %
    r = track_target(GOOD_TARGET, _eval(aqi_good))
    assert r["actual"] == 68.5 and r["status"] == "missed" and r["gap"] == -3.5


def test_during_the_year_mean():
    # 181 days (to 30 June) at 50: year-to-date 50 > 47. The annual mean (rounded to an integer) stays
    # ≤ 47 while below 47.5: the remaining 184 days must average below (47.5·365 − 50·181)/184 = 45.04
    r = track_target(PM_TARGET, _eval(np.full(365, 50), through=dt.date(2023, 6, 30)))
    assert r["status"] == "at_risk" and r["days_remaining"] == 184
    assert r["remaining"]["required_mean_of_remaining_days"] == pytest.approx((47.5 * 365 - 50 * 181) / 184, abs=1e-3)
    assert "余下184天日均值须平均低于45.0" in r["message"]


def test_during_the_year_cannot_be_met_any_more():
    daily = np.full(365, 200.0)
    r = track_target(PM_TARGET, _eval(daily, through=dt.date(2023, 10, 31)))
    # 304 days at 200: even 0 for the remaining 61 days gives 166 > 47.5
    assert r["status"] == "cannot_meet" and r["status_text"] == "已无法达标"


def test_during_the_year_good_days_needed():
    # to 31 March: 90 valid days, 60 good. 72 % of 365 days: ratio (60 + x)/365 ≥ 72 % → x ≥ 202.8 → 203
    pm = np.array([30.0] * 60 + [80.0] * 30 + [30.0] * 275)
    r = track_target(GOOD_TARGET, _eval(pm, through=dt.date(2023, 3, 31)))
    assert r["remaining"]["required_days"] == 203 and r["days_remaining"] == 275
    assert r["status"] == "at_risk"  # needs 203/275 = 73.8 % good among the rest, so far 60/90 = 66.7 %


def test_reduce_by_against_baseline_year():
    t = {"id": "G3", "indicator": "PM2.5浓度", "comparator": "reduce_by", "value": 20, "unit": "%",
         "year": 2023, "baseline_year": 2015}
    base = _eval(np.full(365, 50), year=2015)
    r = track_target(t, _eval(np.full(365, 41)), baseline=base)
    # 20 % below 50 → at most 40; actual 41 → missed by 1
    assert r["threshold"] == 40 and r["status"] == "missed" and r["gap"] == 1
    assert track_target(t, _eval(np.full(365, 40)), baseline=base)["status"] == "met"
    assert track_target(t, _eval(np.full(365, 40)))["status"] == "no_data"  # no baseline given


def test_water_share_targets():
    ev = gb3838.evaluate_sections([
        {"section": "甲", "DO": 7, "NH3-N": 0.4}, {"section": "乙", "DO": 4}, {"section": "丙", "NH3-N": 2.5},
    ])
    t = {"id": "W1", "indicator": "国考断面优Ⅲ比例", "comparator": ">=", "value": 100, "unit": "%", "year": 2024}
    r = track_target(t, ev)
    assert r["actual"] == 33.3 and r["status"] == "missed" and r["gap"] == pytest.approx(-66.7)
    t2 = {"id": "W2", "indicator": "劣V类比例", "comparator": "<=", "value": 0, "unit": "%", "year": 2024}
    assert track_target(t2, ev)["status"] == "missed"
