"""The column-wise readers give exactly what the cell parsers give (the fast paths for common spellings and
the fallback to parse_hour / parse_number for everything else), and bad rows of large files keep their lines."""

from __future__ import annotations

import csv
import datetime as dt
import random

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.errors import DataError
from taizhang.monitoring import read_air
from taizhang.monitoring.air import _build, unit_factor
from taizhang.monitoring.table import (
    Problems,
    aliases,
    lookup,
    norm,
    parse_hour,
    parse_hours,
    parse_number,
    parse_numbers,
    read_rows,
)

TIME_CELLS = [
    "2024-01-01 08:00", "2024-1-1 8:00", "2024/01/01 08:00:00", "2024/1/31 23:00", "2024-01-01T08:00",
    "2024-01-01T08:00:00", "2024/1/1T8:00", "2024010108", "2024年1月1日8时", "2024年1月1日 8时", "2024年1月1日8:00",
    " 2024-03-01 00:00 ", "2024-01-01  08:00", "2024-02-29 05:00", "2023-02-29 05:00", "2024-01-01 24:00",
    "2024-01-01 08:30", "2024-01-01 08:00:01", "２０２４-01-01 08:00", "2024-13-01 08:00", "0000-01-01 00:00",
    "2024-01-01 08:00Z", "2024-1-1 08", "now", "", "  ", None, 2024010108, True, 7.5,
    dt.datetime(2024, 1, 1, 8), dt.datetime(2024, 1, 1, 8, 0, 0, 500), dt.datetime(2024, 1, 1, 8, 30),
    dt.datetime(1969, 12, 31, 23), dt.datetime(2024, 6, 1, 3, tzinfo=dt.timezone(dt.timedelta(hours=8))),
]

NUMBER_CELLS = [
    "35", " 35 ", "3.5e1", "+4", "-2", "-0", "0", "1_000", "３５", "３５．５", "nan", "NaN", "inf", "-inf", "1e400",
    "", " ", "-", "—", "NA", "n/a", "缺测", "无效", "abc", "0.02L", "<0.02", "0.02 l", "< 0.5", "1,5", None, 35, 3.5,
    0, True, False, -1, -0.5, float("nan"),
]


def expected_hour(cell):
    try:
        return int(np.datetime64(parse_hour(cell), "h").astype(np.int64)), None
    except ValueError as exc:
        return None, str(exc)


def expected_number(cell, below_limit):
    try:
        v = parse_number(cell, below_limit=below_limit)
    except ValueError as exc:
        return None, str(exc)
    return (np.nan if v is None else v), None


def assert_hours_like_cells(cells):
    col = parse_hours(cells)
    for i, cell in enumerate(cells):
        hour, message = expected_hour(cell)
        assert col.errors.get(i) == message, cell
        if message is None:
            assert col.hours[i] == hour, cell
    micro = any(isinstance(c, dt.datetime) and c.microsecond for c in cells)
    assert col.exact is not micro


def assert_numbers_like_cells(cells, below_limit):
    values, errors = parse_numbers(cells, below_limit=below_limit)
    for i, cell in enumerate(cells):
        v, message = expected_number(cell, below_limit)
        assert errors.get(i) == message, cell
        if message is None:
            assert np.array_equal(values[i], v, equal_nan=True) and np.signbit(values[i]) == np.signbit(v), cell


def test_times_column_equals_parse_hour_cell_by_cell():
    rng = random.Random(4)
    cells = TIME_CELLS * 30
    rng.shuffle(cells)
    assert_hours_like_cells(cells)  # cells of several types: each parsed on its own
    strings = [c for c in cells if isinstance(c, str)]
    assert_hours_like_cells(strings)  # only strings: each distinct one parsed once
    assert_hours_like_cells([])


def test_numbers_column_equals_parse_number_cell_by_cell():
    rng = random.Random(5)
    strings = [c for c in NUMBER_CELLS if isinstance(c, str)]
    # blocks that are all plain numbers (read by float() at once) next to blocks with markers and bad cells
    long_column = [f"{rng.uniform(0, 500):.{rng.randint(0, 3)}f}" for _ in range(10_000)]
    long_column[7_000:7_000] = strings
    for below_limit in (False, True):
        assert_numbers_like_cells(NUMBER_CELLS * 3, below_limit)
        assert_numbers_like_cells(strings, below_limit)
        assert_numbers_like_cells(long_column, below_limit)
        assert_numbers_like_cells([], below_limit)


SPELLINGS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y%m%d%H",
             "%Y年%m月%d日%H时", "%Y年%m月%d日 %H时", "%Y年%m月%d日%H:%M"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31)),
                          st.sampled_from(SPELLINGS), st.booleans(), st.sampled_from(["", " ", "  "])),
                min_size=1, max_size=30))
def test_times_column_on_generated_spellings(items):
    cells = []
    for t, fmt, unpadded, pad in items:
        s = t.strftime(fmt)
        if unpadded:  # 2024/1/5 8:00 as well as 2024/01/05 08:00
            s = s.replace("-0", "-").replace("/0", "/").replace(" 0", " ").replace("年0", "年").replace("月0", "月")
        cells.append(pad + s + pad)
    assert_hours_like_cells(cells)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 10**6),
                          st.floats(0, 1e4).map(lambda v: f"{v:g}"), st.floats(0, 1e4).map(lambda v: f"{v:.2f}L"),
                          st.sampled_from(NUMBER_CELLS), st.text(max_size=4)), max_size=40))
def test_numbers_column_on_generated_cells(cells):
    assert_numbers_like_cells(cells, below_limit=False)
    assert_numbers_like_cells(cells, below_limit=True)


# ------------------------------------------------------------------ whole files

POLS = ["PM2.5", "PM10", "SO2", "NO2", "CO", "O3"]


def generated(stations=3, hours=24 * 40, seed=1):
    """(station, time, values) of invented data, some values missing."""
    rng = random.Random(seed)
    start = dt.datetime(2024, 1, 1)
    out = []
    for s in range(stations):
        for h in range(hours):
            vals = [None if rng.random() < 0.03 else round(rng.uniform(1, 300), rng.randint(0, 2)) for _ in POLS]
            vals[4] = None if vals[4] is None else round(vals[4] / 100, 2)  # CO in mg/m3
            out.append((f"站{s + 1}", start + dt.timedelta(hours=h), vals))
    return out


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def odd_time(t, rng):
    return rng.choice([t.strftime("%Y-%m-%d %H:%M"), f"{t.year}/{t.month}/{t.day} {t.hour}:00",
                       t.strftime("%Y-%m-%dT%H:%M:%S"), t.strftime("%Y%m%d%H"), f"{t.year}年{t.month}月{t.day}日{t.hour}时",
                       " " + t.strftime("%Y/%m/%d %H:%M:%S"), t.strftime("%Y-%m-%d  %H:%M")])


def odd_number(v, rng):
    if v is None:
        return rng.choice(["", "—", "NA", "缺测", " - "])
    return rng.choice([repr(v), f" {v} ", f"{v:e}", f"+{v}", str(v).translate(str.maketrans("0123456789", "０１２３４５６７８９"))])


def assert_same_data(a, b):
    assert a.stations == b.stations and list(a.values) == list(b.values)
    assert np.array_equal(a.times, b.times) and np.array_equal(a.station_idx, b.station_idx)
    for p in a.values:
        assert np.array_equal(a.values[p], b.values[p], equal_nan=True), p


@pytest.mark.slow  # four readings of a generated year of data (a second of CPU)
def test_odd_spellings_read_as_the_plain_file(tmp_path):
    """The same data as a plain CSV (fast paths), with every odd spelling (cells through the cell parsers), as
    a worksheet and in the long layout: the same arrays."""
    data = generated()
    rng = random.Random(2)
    header = ["站点", "时间"] + [f"{p}({'mg' if p == 'CO' else 'μg'}/m3)" for p in POLS]
    plain = [header] + [[s, t.strftime("%Y-%m-%d %H:%M")] + ["" if v is None else v for v in vals]
                        for s, t, vals in data]
    odd = [header] + [[s, odd_time(t, rng)] + [odd_number(v, rng) for v in vals] for s, t, vals in data]
    reference = read_air(write_csv(tmp_path / "plain.csv", plain))
    assert len(reference.times) == len(data)
    assert_same_data(read_air(write_csv(tmp_path / "odd.csv", odd)), reference)
    wb = openpyxl.Workbook()
    wb.active.append(header)
    for s, t, vals in data:
        wb.active.append([s, t] + vals)
    wb.save(tmp_path / "plain.xlsx")
    assert_same_data(read_air(tmp_path / "plain.xlsx"), reference)
    units = {"CO": "mg/m3"}
    long = [["站点", "时间", "污染物", "浓度", "单位"]] + [
        [s, odd_time(t, rng), p, odd_number(v, rng), units.get(p, "μg/m3")]
        for s, t, vals in data for p, v in zip(POLS, vals, strict=True)]
    as_long = read_air(write_csv(tmp_path / "long.csv", long))
    assert as_long.layout == "long"
    assert_same_data(as_long, reference)
    # the long rows shuffled: the same hourly arrays
    shuffled = long[:1] + random.Random(3).sample(long[1:], len(long) - 1)
    a = read_air(write_csv(tmp_path / "shuffled.csv", shuffled)).to_hourly(2024, reference.stations)
    b = reference.to_hourly(2024)
    assert all(np.array_equal(a.values[p], b.values[p], equal_nan=True) for p in POLS)


def record_path(path):
    """A long-layout file read row by row with the cell parsers and assembled record by record (``_build``)."""
    rows = read_rows(path)
    pols = lookup(aliases()["pollutants"])
    records = []
    for line, (station, t, pol, value, *unit) in rows[1:]:
        p = pols[norm(pol)]
        v = parse_number(value)
        factor = unit_factor(p, str(unit[0]) if unit and unit[0] is not None else None)
        records.append((line, station, parse_hour(t), p, np.nan if v is None else v * factor))
    return _build(str(path), "long", records, [], Problems(path))


@pytest.mark.parametrize("micro", [0, 1000])
def test_long_worksheet_as_record_by_record(tmp_path, micro):
    """Stations and pollutants interleaved, times as date-time cells; with ``micro``, every other time a
    millisecond past the hour (a workbook's rounding: the same hour, so the same record)."""
    rng = random.Random(micro)
    rows = []
    for h in range(200):
        t = dt.datetime(2024, 5, 1) + dt.timedelta(hours=h)
        for s in rng.sample(["甲", "乙", "丙"], 3):
            rows += [[s, t + dt.timedelta(microseconds=micro * (h % 2)), "PM2.5", h], [s, t, "CO", 900, "μg/m3"],
                     [s, t, "O3", None if h % 7 == 0 else 2 * h, "ug/m3"]]
    rng.shuffle(rows)
    wb = openpyxl.Workbook()
    wb.active.append(["站点", "时间", "污染物", "浓度", "单位"])
    for r in rows:
        wb.active.append(r)
    wb.save(tmp_path / "long.xlsx")
    d = read_air(tmp_path / "long.xlsx")
    assert_same_data(d, record_path(tmp_path / "long.xlsx"))
    assert len(d.times) == 600 and np.nanmax(d.values["PM2.5"]) == 199


def big_wide(tmp_path, name, n_rows=20_000):
    rows = [["站点", "时间", "PM2.5", "SO2", "CO"]]
    start = dt.datetime(2023, 1, 1)
    for i in range(n_rows):
        rows.append([f"站{i % 4}", (start + dt.timedelta(hours=i // 4)).strftime("%Y-%m-%d %H:%M"), 30, 5, 0.8])
    return rows


def test_error_deep_in_a_large_file_keeps_its_line(tmp_path):
    rows = big_wide(tmp_path, "big.csv")
    rows[15_000][3] = "abc"  # line 15001
    rows[17_321][1] = "2023-02-30 01:00"  # line 17322
    rows[19_998] = list(rows[12_345])  # line 19999 repeats line 12346
    p = write_csv(tmp_path / "big.csv", rows[:10_000] + [[]] + rows[10_000:])  # a blank line shifts the rest
    with pytest.raises(DataError) as ei:
        read_air(p)
    e = ei.value
    assert e.line == 15_002
    assert str(e).startswith(f"{p}:15002: 共5处问题，未导入任何数据。")
    msg = str(e)
    assert "第15002行：SO2：“abc”不是数值" in msg
    assert "第17323行：无法识别的时间“2023-02-30 01:00”" in msg
    for pol in ("PM2.5", "SO2", "CO"):
        assert f"第20000行：与第12347行重复（站0 2023-05-09 14:00 {pol}）" in msg


def test_many_errors_in_a_large_long_file(tmp_path):
    rows = [["站点", "时间", "污染物", "浓度", "单位"]]
    start = dt.datetime(2023, 1, 1)
    for i in range(30_000):
        rows.append(["甲", (start + dt.timedelta(hours=i // 2)).strftime("%Y-%m-%d %H:%M"),
                     "PM2.5" if i % 2 else "CO", 3, "μg/m3" if i % 2 else "mg/m3"])
    bad = {25_001: (3, "x"), 25_101: (4, "ppb"), 25_201: (2, "苯"), 25_301: (0, " "), 25_401: (1, "2023-01-01 5:30")}
    for k in range(30):  # 30 more bad values further down
        bad[26_001 + 2 * k] = (3, "-1")
    for line, (j, cell) in bad.items():
        rows[line - 1][j] = cell
    with pytest.raises(DataError) as ei:
        read_air(write_csv(tmp_path / "long.csv", rows))
    e = ei.value
    msg = str(e)
    assert e.line == 25_001 and "共35处问题" in msg and "另有15处问题未列出" in msg
    for part in ("第25001行：“x”不是数值", "第25101行：无法识别的单位“ppb”", "第25201行：无法识别的污染物“苯”",
                 "第25301行：站点为空", "第25401行：时间“2023-01-01 5:30”不是整点", "第26001行：浓度为负数（-1）"):
        assert part in msg


def test_two_columns_of_one_pollutant_are_duplicates(tmp_path):
    p = write_csv(tmp_path / "two.csv", [["站点", "时间", "PM2.5", "细颗粒物"], ["甲", "2024-01-01 00:00", 3, 4],
                                        ["甲", "2024-01-01 01:00", 5, "x"]])
    with pytest.raises(DataError) as ei:
        read_air(p)
    assert "第2行：与第2行重复（甲 2024-01-01 00:00 PM2.5）" in str(ei.value)
    assert "第3行：PM2.5：“x”不是数值" in str(ei.value) and "共2处问题" in str(ei.value)


@pytest.mark.parametrize("cell,hour", [
    (dt.datetime(2024, 1, 1, 7, 59, 59, 999_600), dt.datetime(2024, 1, 1, 8)),
    (dt.datetime(2024, 1, 1, 8, 0, 0, 400), dt.datetime(2024, 1, 1, 8)),
    (dt.datetime(2024, 12, 31, 23, 59, 59, 999_999), dt.datetime(2025, 1, 1, 0)),
])
def test_a_workbook_time_off_by_microseconds_is_its_hour(cell, hour):
    assert parse_hour(cell) == hour


def test_a_workbook_time_off_by_a_minute_is_still_refused():
    with pytest.raises(ValueError, match="不是整点"):
        parse_hour(dt.datetime(2024, 1, 1, 8, 1))


def test_a_column_of_workbook_times_as_cell_by_cell():
    """A column of date-time cells only (as calamine gives them: a midnight as a date) takes the numpy
    path: the same hours and messages as parse_hour cell by cell, microseconds and all."""
    base = dt.datetime(2024, 3, 1)
    cells = [base + dt.timedelta(hours=h) for h in range(500)]
    cells[0] = base.date()
    cells += [dt.datetime(2024, 1, 1, 7, 59, 59, 999_600), dt.datetime(2024, 1, 1, 8, 0, 0, 499_999),
              dt.datetime(2024, 1, 1, 8, 30), dt.datetime(1969, 12, 31, 23), dt.date(1960, 5, 1),
              dt.datetime(2024, 12, 31, 23, 59, 59, 999_999)]
    assert_hours_like_cells(cells)


def test_a_column_of_worksheet_numbers_and_empty_cells():
    cells = [1.5, 2, "", 0.0, 300, "", -1.0, 7.25]
    assert_numbers_like_cells(cells, False)
    assert_numbers_like_cells([3.0, 4, 5.5], False)
