"""The aqi / evaluate / water / track-target commands on files the tests write."""

from __future__ import annotations

import csv
import datetime as dt
import json

import openpyxl
import pytest

from taizhang.cli.main import main


def _air_csv(path, stations=("城东站", "城西站"), year=2023, drop_hours=()):
    """A full year, wide layout: PM2.5 30 μg/m3 every hour at 城东站, 80 in January at 城西站 else 40."""
    start = dt.datetime(year, 1, 1)
    n = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days * 24
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["站点", "时间", "PM2.5(μg/m3)", "PM10(μg/m3)", "SO2", "NO2", "CO(mg/m3)", "O3"])
        for s in stations:
            for h in range(n):
                t = start + dt.timedelta(hours=h)
                pm = 30 if s == "城东站" else (80 if t.month == 1 else 40)
                if (s, h) in drop_hours:
                    pm = ""
                w.writerow([s, t.strftime("%Y-%m-%d %H:%M"), pm, 50, 8, 25, 0.6, 70])
    return path


@pytest.fixture(scope="module")
def air_file(tmp_path_factory):
    return _air_csv(tmp_path_factory.mktemp("air") / "air.csv", drop_hours={("城东站", h) for h in range(5)})


def test_aqi_to_xlsx_and_csv(air_file, tmp_path):
    out = tmp_path / "aqi.xlsx"
    assert main(["aqi", str(air_file), "-o", str(out)]) == 0
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["站点", "日期", "SO2 24小时平均(μg/m3)"] and "首要污染物" in header and "类别" in header
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2 * 365
    first = dict(zip(header, rows[0], strict=False))
    # 1 January at 城东站 has 19 PM2.5 hours: no valid daily AQI, and the reason is written
    assert first["AQI"] is None and "PM2.5_24h小时值19个，少于20个" in first["说明"]
    jan = dict(zip(header, rows[365], strict=False))  # 城西站, 1 January: PM2.5 80 → 107
    assert jan["AQI"] == 107 and jan["首要污染物"] == "PM2.5" and jan["类别"] == "轻度污染"
    out_csv = tmp_path / "city.csv"
    assert main(["aqi", str(air_file), "--city", "-o", str(out_csv)]) == 0
    lines = out_csv.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 366 and lines[0].startswith("站点,日期")


def test_evaluate_json_and_xlsx(air_file, tmp_path, capsys):
    out = tmp_path / "eval.xlsx"
    assert main(["evaluate", str(air_file), "--year", "2023", "--station", "城西站", "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"已写入 {out}\n"  # with -o, nothing else
    assert main(["evaluate", str(air_file), "--year", "2023", "--station", "城西站"]) == 0
    res = json.loads(capsys.readouterr().out)
    ev = res["evaluations"][0]
    # 城西站 PM2.5: (31·80 + 334·40)/365 = 43.4 → 43
    assert ev["name"] == "城西站" and ev["pollutants"]["PM2.5"]["value"] == 43
    assert ev["aqi"]["good_days"] == 334 and ev["aqi"]["good_ratio"] == 91.5
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["污染物评价", "AQI统计", "无效时段", "所用标准"]
    assert [c.value for c in wb["所用标准"][2]][4:6] == ["HJ 633-2012", "GB 3095-2012二级浓度限值"]
    assert [c.value for c in wb["污染物评价"][1]][:4] == ["评价对象", "污染物", "统计量", "数值"]
    out_json = tmp_path / "city.json"
    assert main(["evaluate", str(air_file), "--year", "2023", "--city", "-o", str(out_json)]) == 0
    city = json.loads(out_json.read_text(encoding="utf-8"))["evaluations"][0]
    assert city["scope"] == "city"
    # 1 Jan: only 城西站 valid (80); January city days (30 + 80)/2 = 55; then (30 + 40)/2 = 35
    assert city["daily"]["PM2.5"][:2] == [80, 55] and city["daily"]["PM2.5"][40] == 35


def test_evaluate_errors_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("站点,时间,PM2.5\n甲,2023-01-01 00:00,abc\n", encoding="utf-8")
    assert main(["evaluate", str(bad), "--year", "2023"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2:" in err and "“abc”不是数值" in err
    assert main(["aqi", str(bad), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert not (tmp_path / "x.xlsx").exists()


def test_water_command(tmp_path, capsys):
    src = tmp_path / "water.csv"
    src.write_text("断面,日期,水体类型,溶解氧,氨氮,总磷\n"
                   "甲断面,2024-01-05,河流,7.0,0.4,0.1\n"
                   "乙断面,2024-01-05,河流,4.0,0.2,0.1\n"
                   "丙库,2024-01-05,湖库,8.0,0.2,0.06\n", encoding="utf-8")
    assert main(["water", str(src)]) == 0
    res = json.loads(capsys.readouterr().out)
    assert {s["section"]: s["class"] for s in res["sections"]} == {"甲断面": "Ⅱ类", "乙断面": "Ⅳ类", "丙库": "Ⅳ类"}
    out = tmp_path / "water.xlsx"
    assert main(["water", str(src), "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["断面类别", "逐次样品", "汇总"]
    summary = [c.value for c in wb["汇总"][2]]
    assert summary == [3, 1, 33.3, 0, 0.0, "GB 3838-2002"]


def test_track_target_command(air_file, tmp_path, capsys):
    ledger = tmp_path / "ledger.json"
    ledger.write_text(json.dumps({"format": "taizhang.ledger/1", "targets": [
        {"id": "G1", "indicator": "PM2.5年均浓度", "comparator": "<=", "value": 35, "unit": "微克/立方米",
         "year": 2023, "baseline_year": None},
        {"id": "G2", "indicator": "优良天数比率", "comparator": ">=", "value": 90, "unit": "%", "year": 2023,
         "baseline_year": None},
        {"id": "G3", "indicator": "VOCs排放总量", "comparator": "reduce_by", "value": 10, "unit": "%", "year": 2023,
         "baseline_year": 2020},
    ]}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "track.json"
    assert main(["track-target", str(ledger), "--air", str(air_file), "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"已写入 {out}\n"
    assert main(["track-target", str(ledger), "--air", str(air_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("G1\tPM2.5年均浓度\t未达标")
    assert lines[-1] == "依据：HJ 633-2012；GB 3095-2012二级浓度限值；HJ 663-2013"
    res = json.loads(out.read_text(encoding="utf-8"))
    assert res[0]["actual"] == 37 and res[0]["gap"] == 2
    assert res[1]["status"] == "met" and res[2]["status"] == "no_data"
    assert main(["track-target", str(ledger), "--air", str(air_file), "--through", "2023-03-31"]) == 0
    assert "年内至今" in capsys.readouterr().out


def test_aqi_hourly(tmp_path):
    src = tmp_path / "h.csv"
    lines = ["站点,时间,PM2.5,PM10,SO2,NO2,CO,O3"]
    for h in range(30):
        t = dt.datetime(2024, 5, 1) + dt.timedelta(hours=h)
        lines.append(f"甲,{t:%Y-%m-%d %H:%M},80,40,10,50,1.0,100")
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "h.csv.out.csv"
    assert main(["aqi", str(src), "--hourly", "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 2 * 24  # the data's two days, not the whole year
    assert {r["标准"] for r in rows} == {"HJ 633-2012"}
    first_valid = next(r for r in rows if r["AQI"])
    assert first_valid["时间"] == "2024-05-01 19:00" and first_valid["AQI"] == "107"
    assert first_valid["首要污染物"] == "PM2.5" and first_valid["类别"] == "轻度污染"


def _days_csv(path, days, pm25=60, pm10=120):
    """Whole days of hours at one station, PM2.5 and PM10 constant (the issue's example), other pollutants low."""
    lines = ["站点,时间,PM2.5,PM10,SO2,NO2,CO,O3"]
    for day in days:
        for h in range(24):
            lines.append(f"甲,{day} {h:02d}:00,{pm25},{pm10},8,20,0.5,60")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_aqi_covers_the_datas_own_span(tmp_path, capsys):
    """Hourly data of two days in one week give those days and the missing ones between, not a year; by the
    2026 texts (AQI 100, both particles primary); --from/--to widen or narrow the span."""
    src = _days_csv(tmp_path / "week.csv", ["2026-03-02", "2026-03-05"])
    assert main(["aqi", str(src)]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [r["日期"] for r in rows] == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]
    assert [r["AQI"] for r in rows] == ["100", "", "", "100"]
    assert rows[0]["首要污染物"] == "PM10、PM2.5" and rows[0]["标准"] == "HJ 633-2026"
    assert rows[1]["说明"].startswith("无效日：") and "小时值0个，少于20个" in rows[1]["说明"]
    assert main(["aqi", str(src), "--from", "2026-03-01", "--to", "2026-03-07"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [r["日期"] for r in rows] == [f"2026-03-0{d}" for d in range(1, 8)]
    assert main(["aqi", str(src), "--from", "2026-03-04"]) == 0
    assert [r["日期"] for r in csv.DictReader(capsys.readouterr().out.splitlines())] == ["2026-03-04", "2026-03-05"]


def test_standard_option(tmp_path, capsys):
    """The issue's example day judged by the 2012 rules on demand (AQI 85), and a 2025 day by the 2026 ones."""
    src = _days_csv(tmp_path / "d.csv", ["2025-12-31", "2026-03-02"])
    assert main(["aqi", str(src), "--standard", "2012", "--from", "2026-03-02"]) == 0
    (row,) = csv.DictReader(capsys.readouterr().out.splitlines())
    assert row["AQI"] == "85" and row["首要污染物"] == "PM10" and row["标准"] == "HJ 633-2012"
    assert main(["aqi", str(src), "--to", "2025-12-31"]) == 0
    (row,) = csv.DictReader(capsys.readouterr().out.splitlines())
    assert row["AQI"] == "85" and row["标准"] == "HJ 633-2012"  # auto: a 2025 day keeps the 2012 rules
    assert main(["aqi", str(src), "--standard", "2026", "--to", "2025-12-31", "-o", str(tmp_path / "a.json")]) == 0
    assert capsys.readouterr().out == f"已写入 {tmp_path / 'a.json'}\n"
    (row,) = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert row["AQI"] == 100 and row["standard"] == "HJ 633-2026"
    assert main(["evaluate", str(src), "--year", "2026", "--standard", "2012"]) == 0
    ev = json.loads(capsys.readouterr().out)["evaluations"][0]
    assert ev["standards"][0]["aqi"] == "HJ 633-2012" and ev["pollutants"]["PM2.5"]["limit"] == 35
    assert ev["period"] == {"start": "2026-03-02", "end": "2026-03-02", "days": 1, "days_in_year": 365,
                            "year_to_date": False}
    with pytest.raises(SystemExit) as exit_:
        main(["aqi", str(src), "--standard", "2018"])
    assert exit_.value.code == 2 and "invalid choice: '2018'" in capsys.readouterr().err
