"""Monitoring import: long and wide layouts, CSV and .xlsx, units, and bad rows named by file and line."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pytest

from taizhang.errors import DataError
from taizhang.monitoring import read_air, read_water


def _csv(tmp_path, name, lines, encoding="utf-8"):
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding=encoding)
    return p


def _xlsx(tmp_path, name, rows):
    p = tmp_path / name
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(p)
    return p


LONG = ["站点,时间,污染物,浓度,单位",
        "城东站,2024-01-01 00:00,PM2.5,35,μg/m3",
        "城东站,2024-01-01 00:00,CO,1.2,mg/m3",
        "城东站,2024-01-01 01:00,CO,900,μg/m³",
        "城西站,2024-01-01 00:00,PM2.5,0.05,mg/m3",
        "城西站,2024-01-01 01:00,PM2.5,,μg/m3"]


def test_long_csv(tmp_path):
    d = read_air(_csv(tmp_path, "long.csv", LONG))
    assert d.layout == "long" and d.stations == ["城东站", "城西站"]
    h = d.to_hourly()
    assert h.start == dt.date(2024, 1, 1) and h.values["PM2.5"].shape == (2, 24)  # the data's own day
    assert h.values["PM2.5"][0, 0] == 35
    assert h.values["PM2.5"][1, 0] == pytest.approx(50)  # 0.05 mg/m3 → 50 μg/m3
    assert np.isnan(h.values["PM2.5"][1, 1])  # empty cell = missing
    assert h.values["CO"][0, 0] == 1.2 and h.values["CO"][0, 1] == pytest.approx(0.9)  # μg → mg


def test_wide_xlsx_with_units_in_header(tmp_path):
    rows = [["站点名称", "监测时间", "PM2.5(μg/m3)", "PM10", "CO（mg/m³）", "O3(ug/m3)", "备注"],
            ["甲站", dt.datetime(2023, 3, 1, 0), 40, 60, 0.8, 90, "x"],
            ["甲站", dt.datetime(2023, 3, 1, 1), "—", 61, 0.7, 95, None]]
    d = read_air(_xlsx(tmp_path, "wide.xlsx", rows))
    assert d.layout == "wide"
    assert any("备注" in w for w in d.warnings)  # an unknown column is said, not silently dropped
    h = d.to_hourly(2023)
    col = 0  # the arrays start on the data's first day
    assert h.start == dt.date(2023, 3, 1)
    assert h.values["PM2.5"][0, col] == 40 and np.isnan(h.values["PM2.5"][0, col + 1])
    assert h.values["CO"][0, col + 1] == 0.7 and h.values["O3"][0, col] == 90


def test_wide_csv_in_gb18030(tmp_path):
    lines = ["站点,时间,PM2.5,SO2,NO2", "乙站,2023/1/1 0:00,12,5,20"]
    d = read_air(_csv(tmp_path, "gbk.csv", lines, encoding="gb18030"))
    assert d.to_hourly().values["SO2"][0, 0] == 5


def test_bad_rows_reported_with_file_and_line_and_nothing_returned(tmp_path):
    lines = ["站点,时间,污染物,浓度,单位",
             "甲站,2024-01-01 00:00,PM2.5,35,μg/m3",
             "甲站,2024-01-01 01:00,PM2.5,abc,μg/m3",
             "甲站,2024-01-01 02:00,PM2.5,30,ppm",
             "甲站,2024-01-01 03:00,苯,3,μg/m3",
             "甲站,2024-01-01 04:30,PM2.5,3,μg/m3",
             "甲站,2024-01-01 05:00,PM2.5,-2,μg/m3",
             "甲站,2024-01-01 00:00,PM2.5,36,μg/m3"]
    p = _csv(tmp_path, "bad.csv", lines)
    with pytest.raises(DataError) as ei:
        read_air(p)
    e = ei.value
    assert e.path == str(p) and e.line == 3
    msg = str(e)
    assert msg.startswith(f"{p}:3: 共6处问题，未导入任何数据。")
    for part in ("第3行：“abc”不是数值", "第4行：无法识别的单位“ppm”", "第5行：无法识别的污染物“苯”",
                 "第6行：时间“2024-01-01 04:30”不是整点", "第7行：浓度为负数", "第8行：与第2行重复"):
        assert part in msg


def test_wide_unknown_unit_in_header(tmp_path):
    p = _csv(tmp_path, "w.csv", ["站点,时间,PM2.5(ppb)", "甲,2024-01-01 00:00,3"])
    with pytest.raises(DataError, match=r"w.csv:1: .*单位“ppb”"):
        read_air(p)


def test_missing_columns_and_bad_files(tmp_path):
    with pytest.raises(DataError, match="缺少"):
        read_air(_csv(tmp_path, "a.csv", ["名字,数值", "x,1"]))
    with pytest.raises(DataError, match="不支持的文件类型"):
        read_air(_csv(tmp_path, "a.dat", ["x"]))
    with pytest.raises(DataError, match="文件不存在"):
        read_air(tmp_path / "none.csv")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(DataError, match="无法读取Excel"):
        read_air(broken)


def test_24_00_is_refused(tmp_path):
    p = _csv(tmp_path, "t.csv", ["站点,时间,PM2.5", "甲,2024-01-01 24:00,3"])
    with pytest.raises(DataError, match="24:00"):
        read_air(p)


def test_span_and_year_selection(tmp_path):
    """The arrays cover the data's own days (across a year end if the data do), a year's part of them, or
    the days asked for; never padded to a whole year."""
    p = _csv(tmp_path, "y.csv", ["站点,时间,PM2.5", "甲,2023-12-31 23:00,3", "甲,2024-01-01 00:00,4"])
    d = read_air(p)
    both = d.to_hourly()
    assert (both.start, both.days) == (dt.date(2023, 12, 31), 2)
    assert both.values["PM2.5"][0, 23] == 3 and both.values["PM2.5"][0, 24] == 4
    h = d.to_hourly(2024)
    assert (h.start, h.days) == (dt.date(2024, 1, 1), 1)
    assert h.values["PM2.5"][0, 0] == 4
    asked = d.to_hourly(2024, start=dt.date(2023, 6, 1), end=dt.date(2024, 1, 3))  # kept inside the year
    assert (asked.start, asked.days) == (dt.date(2024, 1, 1), 3)
    assert np.isnan(asked.values["PM2.5"][0, 24:]).all()
    with pytest.raises(DataError, match="没有2022年"):
        d.to_hourly(2022)
    with pytest.raises(DataError, match="没有站点"):
        d.to_hourly(2024, ["乙"])


def test_water_import(tmp_path):
    rows = [["断面名称", "采样日期", "水体类型", "溶解氧", "氨氮(mg/L)", "汞(μg/L)", "总磷", "pH"],
            ["甲断面", dt.date(2024, 1, 5), "河流", 7.1, 0.42, 0.04, "0.02L", 7.4],
            ["某水库", "2024-01-06", "湖库", 8.0, "<0.025", 0.02, 0.03, 8.1]]
    s = read_water(_xlsx(tmp_path, "water.xlsx", rows))
    assert s[0]["section"] == "甲断面" and s[0]["date"] == "2024-01-05" and s[0]["waterbody"] == "river"
    assert s[0]["Hg"] == pytest.approx(0.00004)  # μg/L → mg/L
    assert s[0]["TP"] == pytest.approx(0.01)  # below the detection limit 0.02 → half of it
    assert s[1]["waterbody"] == "lake" and s[1]["NH3-N"] == pytest.approx(0.0125)


def test_water_bad_rows(tmp_path):
    p = _csv(tmp_path, "w.csv", ["断面,日期,水体类型,氨氮", "甲,2024-01-05,海湾,0.3", "乙,2024-13-01,河流,0.3",
                                 ",2024-01-05,河流,0.3", "丙,2024-01-05,河流,很高"])
    with pytest.raises(DataError) as ei:
        read_water(p)
    msg = str(ei.value)
    assert ei.value.line == 2 and "共4处问题" in msg
    assert "第2行：无法识别的水体类型“海湾”" in msg and "第3行：无法识别的日期" in msg
    assert "第4行：断面为空" in msg and "第5行：氨氮：“很高”不是数值" in msg
