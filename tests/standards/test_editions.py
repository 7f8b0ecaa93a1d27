"""The standards by the date of the data: the switch day 2026-02-28 / 2026-03-01, GB 3095-2026's change from
transition to final limits on 2031-01-01, a year straddling the switch evaluated day by day, and --standard."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from taizhang.errors import DataError
from taizhang.standards import editions, gb3095, hj663


@pytest.mark.parametrize("day,choice,key", [
    (dt.date(2026, 2, 28), "auto", "2012"),
    (dt.date(2026, 3, 1), "auto", "2026-transition"),
    (dt.date(2030, 12, 31), "auto", "2026-transition"),
    (dt.date(2031, 1, 1), "auto", "2026-final"),
    (dt.date(2013, 6, 1), "auto", "2012"),
    (dt.date(2027, 6, 1), "2012", "2012"),
    (dt.date(2025, 6, 1), "2026", "2026-transition"),
    (dt.date(2032, 6, 1), "2026", "2026-final"),
])
def test_rules_on(day, choice, key):
    assert editions.rules_on(day, choice).key == key


def test_unknown_choice():
    with pytest.raises(DataError, match="标准“2018”不对"):
        editions.check_choice("2018")


def test_limits_by_phase():
    """GB 3095-2026 table 1, grade II: transition vs final, and the 2012 values they replace."""
    assert gb3095.limits("2012")["PM2.5"] == {"annual": 35, "daily": 75}
    assert gb3095.limits("2026-transition")["PM2.5"] == {"annual": 30, "daily": 60}
    assert gb3095.limits("2026-final")["PM2.5"] == {"annual": 25, "daily": 50}
    assert gb3095.limits("2026-transition")["PM10"] == {"annual": 60, "daily": 120}
    assert gb3095.limits("2026-final")["PM10"] == {"annual": 50, "daily": 100}
    assert gb3095.limits("2026-final")["SO2"]["annual"] == 20 and gb3095.limits("2026-final")["NO2"]["annual"] == 30
    assert gb3095.limits("2026-final", grade=1)["PM2.5"] == {"annual": 10, "daily": 25}


def _hourly(start: dt.date, days: int, pm25, **others) -> hj663.HourlyData:
    """One station, every hour of each day at that day's PM2.5 (a list, one value per day), other pollutants
    low and constant."""
    pm = np.repeat(np.asarray(pm25, dtype=float), 24)[None, :]
    base = {"PM10": 40.0, "SO2": 8.0, "NO2": 20.0, "CO": 0.5, "O3": 60.0} | others
    values = {"PM2.5": pm} | {p: np.full((1, days * 24), v) for p, v in base.items()}
    return hj663.HourlyData(["甲"], start, values)


def test_switch_day():
    """The same air on 2026-02-28 and 2026-03-01: AQI 82 under HJ 633-2012, 100 under HJ 633-2026."""
    d = hj663.compute_daily(_hourly(dt.date(2026, 2, 28), 2, [60, 60]))
    assert d.aqi.aqi[0].tolist() == [82, 100]
    rows = hj663.daily_table(d)
    assert [r["standard"] for r in rows] == ["HJ 633-2012", "HJ 633-2026"]
    assert [r["category"] for r in rows] == ["良", "良"]
    both12 = hj663.compute_daily(_hourly(dt.date(2026, 2, 28), 2, [60, 60]), standard="2012")
    assert both12.aqi.aqi[0].tolist() == [82, 82]
    both26 = hj663.compute_daily(_hourly(dt.date(2026, 2, 28), 2, [60, 60]), standard="2026")
    assert both26.aqi.aqi[0].tolist() == [100, 100]


def test_final_limits_from_2031():
    """PM2.5 55 every day: within the transition daily limit 60 on 2030-12-31, above the final limit 50 on
    2031-01-01; annual limits 30 for 2030 and 25 for 2031."""
    d = hj663.compute_daily(_hourly(dt.date(2030, 12, 31), 2, [55, 55]))
    e2030 = hj663.evaluate(d, year=2030, include_daily=False)
    e2031 = hj663.evaluate(d, year=2031, include_daily=False)
    p30, p31 = e2030["pollutants"]["PM2.5"], e2031["pollutants"]["PM2.5"]
    assert (p30["limit"], p30["daily_limit"], p30["exceed_days"]) == (30, 60, 0)
    assert (p31["limit"], p31["daily_limit"], p31["exceed_days"]) == (25, 50, 1)
    assert p30["limit_standard"] == "GB 3095-2026过渡阶段二级浓度限值（2030-12-31适用）"
    assert p31["limit_standard"].startswith("GB 3095-2026二级") and "过渡" not in p31["limit_standard"]
    assert e2030["standards"][0]["limits"] == "GB 3095-2026过渡阶段二级浓度限值"
    assert e2031["standards"][0]["rule_set"] == "2026-final"
    # the AQI itself is HJ 633-2026's on both days
    assert d.aqi.aqi[0].tolist() == [90, 90]  # 50 + 50/25·20 = 90


def test_straddling_year():
    """2026: January–February judged by the 2012 texts, March–December by the 2026 ones, day by day.
    PM2.5 70 every day: AQI 94 (2012) then 110 (2026); a daily exceedance only from March (limit 75 → 60);
    the annual mean 70 against the limit in force at the year's end (30); the report names both parts."""
    days = 365
    d = hj663.compute_daily(_hourly(dt.date(2026, 1, 1), days, [70] * days))
    ev = hj663.evaluate(d, year=2026)
    jan_feb = 31 + 28
    assert d.aqi.aqi[0, :jan_feb].tolist() == [94] * jan_feb  # 50 + 50/40·35 = 93.75 → 94
    assert d.aqi.aqi[0, jan_feb:].tolist() == [110] * (days - jan_feb)  # 100 + 50/55·10 = 109.1 → 110
    assert ev["aqi"]["good_days"] == jan_feb and ev["aqi"]["days_by_category"]["轻度污染"] == days - jan_feb
    pm = ev["pollutants"]["PM2.5"]
    assert pm["exceed_days"] == days - jan_feb and pm["daily_limit"] == 60
    assert pm["value"] == 70 and pm["limit"] == 30 and pm["compliant"] is False
    assert [(p["start"], p["end"], p["aqi"]) for p in ev["standards"]] == [
        ("2026-01-01", "2026-02-28", "HJ 633-2012"), ("2026-03-01", "2026-12-31", "HJ 633-2026")]
    assert "2026-01-01至2026-02-28：HJ 633-2012" in ev["standard"] and "HJ 663-2026全文未得" in ev["standard"]
    # under --standard 2012 the whole year is scored and judged by the 2012 texts
    ev12 = hj663.evaluate(hj663.compute_daily(_hourly(dt.date(2026, 1, 1), days, [70] * days), standard="2012"),
                          year=2026)
    assert ev12["aqi"]["good_days"] == days and ev12["pollutants"]["PM2.5"]["limit"] == 35
    assert ev12["pollutants"]["PM2.5"]["exceed_days"] == 0 and len(ev12["standards"]) == 1


def test_city_keeps_the_choice():
    d = hj663.compute_daily(_hourly(dt.date(2026, 2, 28), 2, [60, 60]), standard="2012")
    city = hj663.city_daily(d)
    assert city.standard == "2012" and city.aqi.aqi[0].tolist() == [82, 82]


def test_parts_and_summary():
    dates = np.datetime64("2026-02-27") + np.arange(4)
    ps = editions.parts(dates)
    assert [(p.start, p.stop, p.rules.key) for p in ps] == [(0, 2, "2012"), (2, 4, "2026-transition")]
    assert editions.summary(dates[:2]) == "HJ 633-2012；GB 3095-2012二级浓度限值；HJ 663-2013"
