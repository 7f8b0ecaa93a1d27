"""GB 3838-2002: class at each limit of each factor (exactly at the limit is the better class)."""

from __future__ import annotations

import pytest

from taizhang.standards import gb3838

# Table 1 limits for classes Ⅰ–Ⅴ, typed independently of the package's YAML (mg/L; coliform 个/L).
MAX_LIMITS = {
    "CODMn": [2, 4, 6, 10, 15], "COD": [15, 15, 20, 30, 40], "BOD5": [3, 3, 4, 6, 10],
    "NH3-N": [0.15, 0.5, 1.0, 1.5, 2.0], "TP": [0.02, 0.1, 0.2, 0.3, 0.4], "TN": [0.2, 0.5, 1.0, 1.5, 2.0],
    "Cu": [0.01, 1.0, 1.0, 1.0, 1.0], "Zn": [0.05, 1.0, 1.0, 2.0, 2.0], "F": [1.0, 1.0, 1.0, 1.5, 1.5],
    "Se": [0.01, 0.01, 0.01, 0.02, 0.02], "As": [0.05, 0.05, 0.05, 0.1, 0.1],
    "Hg": [0.00005, 0.00005, 0.0001, 0.001, 0.001], "Cd": [0.001, 0.005, 0.005, 0.005, 0.01],
    "Cr6": [0.01, 0.05, 0.05, 0.05, 0.1], "Pb": [0.01, 0.01, 0.05, 0.05, 0.1],
    "CN": [0.005, 0.05, 0.2, 0.2, 0.2], "phenol": [0.002, 0.002, 0.005, 0.01, 0.1],
    "petroleum": [0.05, 0.05, 0.05, 0.5, 1.0], "LAS": [0.2, 0.2, 0.2, 0.3, 0.3],
    "sulfide": [0.05, 0.1, 0.2, 0.5, 1.0], "coliform": [200, 2000, 10000, 20000, 40000],
}
TP_LAKE = [0.01, 0.025, 0.05, 0.1, 0.2]
DO = [7.5, 6, 5, 3, 2]

CASES = []
for _f, _lims in MAX_LIMITS.items():
    for _k, _lim in enumerate(_lims, start=1):
        best = min(k for k, v in enumerate(_lims, start=1) if v == _lim)  # equal limits: the best class
        CASES.append((_f, "river", _lim, best))
        nxt = next((k for k, v in enumerate(_lims, start=1) if v > _lim), 6)  # just above: next higher limit
        CASES.append((_f, "river", _lim * 1.001, nxt))
for _k, _lim in enumerate(TP_LAKE, start=1):
    CASES += [("TP", "lake", _lim, _k), ("TP", "lake", _lim * 1.001, _k + 1)]
for _k, _lim in enumerate(DO, start=1):
    CASES += [("DO", "river", _lim, _k), ("DO", "river", _lim * 0.999, _k + 1)]


@pytest.mark.parametrize("factor,waterbody,value,expected", CASES)
def test_class_at_each_limit(factor, waterbody, value, expected):
    assert int(gb3838.factor_class(factor, value, waterbody)) == expected


def test_limits_match_the_standard():
    for f, lims in MAX_LIMITS.items():
        assert gb3838.limits(f) == pytest.approx(lims)
    assert gb3838.limits("TP", "lake") == pytest.approx(TP_LAKE)
    assert gb3838.limits("DO") == pytest.approx(DO)


@pytest.mark.parametrize("ph,expected", [(5.99, 6), (6, 1), (7.5, 1), (9, 1), (9.01, 6)])
def test_ph(ph, expected):
    assert int(gb3838.factor_class("pH", ph)) == expected


def test_worst_single_factor_and_exceeding():
    r = gb3838.classify({"DO": 6.5, "CODMn": 3.5, "NH3-N": 1.2, "TP": 0.15})
    # DO Ⅱ, CODMn Ⅱ, NH3-N Ⅳ (1.0 < 1.2 ≤ 1.5), TP Ⅲ → Ⅳ; NH3-N exceeds Ⅲ by (1.2 − 1.0)/1.0 = 0.2
    assert r.klass == 4 and gb3838.class_name(r.klass) == "Ⅳ类"
    assert [(e["factor"], e["exceed_multiple"]) for e in r.exceeding] == [("NH3-N", 0.2)]


def test_lake_limits_and_total_nitrogen():
    s = {"TP": 0.06, "TN": 1.2, "DO": 8}
    river = gb3838.classify(s, "river")
    lake = gb3838.classify(s, "lake")
    assert river.klass == 2  # TP 0.06 river Ⅱ; TN not evaluated for rivers
    assert "TN" not in river.factor_classes
    assert lake.klass == 4 and lake.factor_classes == {"TP": 4, "TN": 4, "DO": 1}


def test_fecal_coliform_not_in_the_class():
    assert gb3838.classify({"coliform": 50000, "DO": 8}).klass == 1


def test_sections_and_shares():
    samples = [
        {"section": "甲断面", "date": "2024-01-05", "DO": 7, "NH3-N": 0.4},
        {"section": "甲断面", "date": "2024-02-05", "DO": 6, "NH3-N": 1.2},   # mean NH3-N 0.8 → Ⅲ
        {"section": "乙断面", "date": "2024-01-05", "DO": 4, "NH3-N": 0.2},   # DO Ⅳ
        {"section": "丙断面", "date": "2024-01-05", "DO": 8, "NH3-N": 2.5},   # 劣Ⅴ
        {"section": "丁湖", "date": "2024-01-05", "waterbody": "lake", "TP": 0.04, "DO": 8},  # lake TP Ⅲ
    ]
    res = gb3838.evaluate_sections(samples)
    classes = {s["section"]: s["class"] for s in res["sections"]}
    assert classes == {"甲断面": "Ⅲ类", "乙断面": "Ⅳ类", "丙断面": "劣Ⅴ类", "丁湖": "Ⅲ类"}
    assert [s["class"] for s in res["samples"]][:2] == ["Ⅱ类", "Ⅳ类"]
    assert res["summary"]["good_share"] == 50.0 and res["summary"]["bad_share"] == 25.0
    assert res["summary"]["class_iii_or_better"] == 2 and res["summary"]["worse_than_v"] == 1
