"""HJ 633-2012 IAQI / AQI: every breakpoint of every pollutant from both sides, rounding, the table notes."""

from __future__ import annotations

import numpy as np
import pytest

from taizhang.standards import hj633

E12 = hj633.edition("2012")

# HJ 633-2012 table 1, typed here independently of the package's YAML (μg/m³; CO mg/m³).
LEVELS = [0, 50, 100, 150, 200, 300, 400, 500]
TABLE1 = {
    "SO2_24h": [0, 50, 150, 475, 800, 1600, 2100, 2620],
    "SO2_1h": [0, 150, 500, 650, 800],
    "NO2_24h": [0, 40, 80, 180, 280, 565, 750, 940],
    "NO2_1h": [0, 100, 200, 700, 1200, 2340, 3090, 3840],
    "PM10_24h": [0, 50, 150, 250, 350, 420, 500, 600],
    "CO_24h": [0, 2, 4, 14, 24, 36, 48, 60],
    "CO_1h": [0, 5, 10, 35, 60, 90, 120, 150],
    "O3_1h": [0, 160, 200, 300, 400, 800, 1000, 1200],
    "O3_8h": [0, 100, 160, 215, 265, 800],
    "PM2.5_24h": [0, 35, 75, 115, 150, 250, 350, 500],
}
CASES = []
for _item, _bps in TABLE1.items():
    for _i, _bp in enumerate(_bps):
        CASES.append((_item, _bp, LEVELS[_i]))  # exactly at the breakpoint: its IAQI
        if _i > 0:  # just below: the interpolated value is a fraction below the level → rounds up to it
            CASES.append((_item, _bp - 0.001, LEVELS[_i]))
        if _i < len(_bps) - 1:  # just above: a fraction above the level → rounds up to level + 1
            CASES.append((_item, _bp + 0.001, LEVELS[_i] + 1))


def test_table_matches_the_standard():
    for item, bps in TABLE1.items():
        assert E12.breakpoints(item).tolist() == bps


@pytest.mark.parametrize("item,conc,expected", CASES)
def test_every_breakpoint_both_sides(item, conc, expected):
    assert E12.iaqi(item, conc) == expected


@pytest.mark.parametrize("item,conc,expected", [
    ("PM2.5_24h", 36, 52),      # 50 + 50/40·1 = 51.25 → 52
    ("PM2.5_24h", 35.8, 51),    # 50 + 1.25·0.8 = 51 exactly (float gives 51.0000000000004) → 51, not 52
    ("PM2.5_24h", 80, 107),     # 100 + 50/40·5 = 106.25 → 107
    ("PM10_24h", 51, 51),       # 50 + 50/100·1 = 50.5 → 51
    ("PM10_24h", 100, 75),      # exactly 75
    ("SO2_24h", 100, 75),       # 50 + 50/100·50 = 75
    ("SO2_24h", 151, 101),      # 100 + 50/325·1 = 100.15 → 101
    ("NO2_24h", 60, 75),        # 50 + 50/40·20 = 75
    ("NO2_24h", 81, 101),       # 100 + 50/100·1 = 100.5 → 101
    ("CO_24h", 3, 75),          # 50 + 50/2·1 = 75
    ("CO_24h", 0.9, 23),        # 50/2·0.9 = 22.5 → 23
    ("CO_24h", 1.2, 30),        # 30 exactly
    ("O3_8h", 130, 75),         # 50 + 50/60·30 = 75
    ("O3_8h", 161, 101),        # 100 + 50/55·1 = 100.91 → 101
    ("O3_1h", 170, 63),         # 50 + 50/40·10 = 62.5 → 63
    ("NO2_1h", 150, 75),
    ("PM2.5_24h", 0.1, 1),      # 50/35·0.1 = 0.14 → 1
])
def test_rounding_up(item, conc, expected):
    assert E12.iaqi(item, conc) == expected


def test_above_the_table():
    """Table 1 notes: an SO2 1-h value above 800 μg/m³ gets no sub-index (the SO2 24-h sub-index is reported
    instead); an O3 8-h value above 800 μg/m³ gets none either (the O3 1-h sub-index is reported). The other
    tables end at IAQI 500 and the standard gives no segment beyond: we report 500 (top of the scale) and
    flag the concentration as beyond table 1."""
    assert np.isnan(E12.iaqi("SO2_1h", 800.5))
    assert np.isnan(E12.iaqi("O3_8h", 801))
    assert E12.iaqi("O3_8h", 800) == 300
    assert E12.iaqi("PM2.5_24h", 650) == 500
    assert hj633.beyond_table(E12, "PM2.5_24h", [500, 500.1]).tolist() == [False, True]
    assert np.isnan(E12.iaqi("PM10_24h", -1))
    assert np.isnan(E12.iaqi("PM10_24h", np.nan))


def test_o3_8h_above_800_uses_o3_1h():
    r = E12.daily_aqi({"O3_8h": np.array([850.0, 300.0]), "O3_1h": np.array([900.0, 300.0])})
    # 900 μg/m³ 1-h: 300 + 100/200·100 = 350; 300 μg/m³ 8-h: 200 + 100/535·35 = 206.5 → 207
    assert r.iaqi["O3_8h"].tolist() == [350, 207]
    assert r.aqi.tolist() == [350, 207]


def test_so2_1h_above_800_uses_so2_24h_in_hourly_report():
    r = E12.hourly_aqi({"SO2_1h": np.array([900.0, 600.0]), "SO2_24h": np.array([200.0, 200.0])})
    # 200 μg/m³ 24-h: 100 + 50/325·50 = 107.7 → 108; 600 μg/m³ 1-h: 100 + 50/150·100 = 133.3 → 134
    assert r.iaqi["SO2_1h"].tolist() == [108, 134]


def test_aqi_primary_and_category():
    daily = {"PM2.5_24h": np.array([80.0, 20, 75, 30]), "PM10_24h": np.array([110.0, 30, 150, 40]),
             "O3_8h": np.array([50.0, 60, 60, 180])}
    r = E12.daily_aqi(daily)
    # day 1: PM2.5 107, PM10 80 → AQI 107, primary PM2.5; day 2: AQI 30 ≤ 50 → no primary
    # day 3: PM2.5 100 and PM10 100 tie → both primary; day 4: O3_8h 100+50/55·20 = 118.2 → 119
    assert r.aqi.tolist() == [107, 30, 100, 119]
    prim = [[hj633.PRIMARY_LABEL[it] for k, it in enumerate(r.items) if r.primary[k, d]] for d in range(4)]
    assert prim == [["PM2.5"], [], ["PM10", "PM2.5"], ["O3_8h"]]


@pytest.mark.parametrize("aqi,level,category,colour", [
    (0, "一级", "优", "绿色"), (50, "一级", "优", "绿色"), (51, "二级", "良", "黄色"), (100, "二级", "良", "黄色"),
    (101, "三级", "轻度污染", "橙色"), (150, "三级", "轻度污染", "橙色"), (151, "四级", "中度污染", "红色"),
    (200, "四级", "中度污染", "红色"), (201, "五级", "重度污染", "紫色"), (300, "五级", "重度污染", "紫色"),
    (301, "六级", "严重污染", "褐红色"), (500, "六级", "严重污染", "褐红色"),
])
def test_categories(aqi, level, category, colour):
    assert hj633.describe(aqi) == {"level": level, "category": category, "colour": colour}


def test_vectorised_shapes():
    c = np.full((3, 365), 75.0)
    assert E12.iaqi("PM2.5_24h", c).shape == (3, 365)
    assert (E12.iaqi("PM2.5_24h", c) == 100).all()


@pytest.mark.parametrize("item", list(TABLE1))
@pytest.mark.parametrize("decimals", [0, 1])
def test_lookup_table_equals_formula_on_rounded_values(item, decimals):
    """iaqi_rounded (table indexed by the rounded value) gives exactly iaqi on values rounded the way the
    daily report rounds them: every step from below zero to past the top, random values, NaN, −0.0."""
    from taizhang.standards.hj663 import round_report

    rng = np.random.default_rng(7)
    top = TABLE1[item][-1]
    step = 10.0**-decimals
    grid = np.arange(-3, int(top / step) + 50) * step
    rand = rng.uniform(-5, top * 1.3, 20_000)
    c = round_report(np.concatenate([grid, rand, [np.nan, -0.0, -0.4 * step, top + step, 1e9, -1e9]]), decimals)
    c = c.reshape(1, -1) if c.size % 2 else c.reshape(2, -1)
    assert np.array_equal(E12.iaqi_rounded(item, c, decimals), E12.iaqi(item, c), equal_nan=True)


def test_daily_aqi_with_rounded_inputs_matches_formula_path():
    rng = np.random.default_rng(3)
    daily = {"SO2_24h": rng.uniform(0, 900, (4, 365)), "NO2_24h": rng.uniform(0, 300, (4, 365)),
             "PM10_24h": rng.uniform(0, 700, (4, 365)), "CO_24h": rng.uniform(0, 70, (4, 365)),
             "O3_1h": rng.uniform(0, 1300, (4, 365)), "O3_8h": rng.uniform(0, 900, (4, 365)),
             "PM2.5_24h": rng.uniform(0, 600, (4, 365))}
    daily["PM2.5_24h"][0, :10] = np.nan
    dec = {k: 1 if k.startswith("CO") else 0 for k in daily}
    from taizhang.standards.hj663 import round_report

    daily = {k: round_report(v, dec[k]) for k, v in daily.items()}
    fast, slow = E12.daily_aqi(daily, dec), E12.daily_aqi(daily)
    assert np.array_equal(fast.aqi, slow.aqi, equal_nan=True)
    assert np.array_equal(fast.primary, slow.primary)
    for k in daily:
        assert np.array_equal(fast.iaqi[k], slow.iaqi[k], equal_nan=True), k


def test_stacked_lookup_equals_item_by_item():
    """iaqi_rounded_stack (one lookup in the tables joined end to end) gives exactly iaqi_rounded item by item,
    NaN, negative values, −0.0 and values far above the tables included."""
    from taizhang.standards.hj663 import round_report

    rng = np.random.default_rng(11)
    items = E12.daily_items
    dec = tuple(1 if i.startswith("CO") else 0 for i in items)
    conc = np.stack([round_report(rng.uniform(-20, TABLE1[i][-1] * 1.2, (3, 400)), d) for i, d in zip(items, dec, strict=True)])
    conc[:, :, :4] = np.array([np.nan, -0.0, -1.0, 1e9])
    got = E12.iaqi_rounded_stack(items, conc, dec)
    for k, (item, d) in enumerate(zip(items, dec, strict=True)):
        assert np.array_equal(got[k], E12.iaqi_rounded(item, conc[k], d), equal_nan=True), item
