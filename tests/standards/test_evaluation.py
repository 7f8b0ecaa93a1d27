"""The one path from files to evaluations (:mod:`taizhang.standards.evaluation`), used by the CLI and the service."""

from __future__ import annotations

import datetime as dt

from taizhang.standards.tracking import track_target

PM_TARGET = {"id": "G1", "indicator": "PM2.5年均浓度", "comparator": "<=", "value": 47, "unit": "微克/立方米",
             "year": 2023, "baseline_year": None}


def test_file_evaluations(tmp_path):
    from taizhang.standards.evaluation import evaluate_air_file, evaluate_water_file

    src = tmp_path / "a.csv"
    rows = ["站点,时间,PM2.5"]
    for h in range(24 * 31):
        t = dt.datetime(2024, 1, 1) + dt.timedelta(hours=h)
        rows += [f"甲,{t:%Y-%m-%d %H:%M},50", f"乙,{t:%Y-%m-%d %H:%M},40"]
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ev = evaluate_air_file(src, 2024, through=dt.date(2024, 1, 31))
    assert ev["scope"] == "city" and ev["pollutants"]["PM2.5"]["value"] == 45
    r = track_target({**PM_TARGET, "year": 2024}, ev)
    assert r["status"] == "on_track" and r["actual"] == 45
    assert evaluate_air_file(src, 2024, station="乙", through=dt.date(2024, 1, 31))["pollutants"]["PM2.5"]["value"] == 40
    w = tmp_path / "w.csv"
    w.write_text("断面,溶解氧\n甲,7\n乙,1\n", encoding="utf-8")
    assert evaluate_water_file(w)["summary"]["bad_share"] == 50.0
