"""The Polars reader of large CSV files (monitoring/fastcsv.py) gives exactly the plain reader's data, block
after block, or leaves the file to the plain reader (whose messages name the lines)."""

from __future__ import annotations

import csv
import datetime as dt
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.errors import DataError
from taizhang.monitoring import fastcsv, read_air
from taizhang.monitoring.air import read_air_plain

POLS = ["PM2.5", "PM10", "SO2", "NO2", "CO", "O3"]
HEADER = ["站点", "时间"] + [f"{p}({'mg' if p == 'CO' else 'μg'}/m3)" for p in POLS]


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    """Every file through the fast reader, in blocks of a few KiB (so that block ends fall everywhere)."""
    monkeypatch.setattr(fastcsv, "MIN_BYTES", 0)
    monkeypatch.setattr(fastcsv, "BLOCK_BYTES", 3000)


def write(path, rows, encoding="utf-8", prefix=b""):
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows(rows)
    if prefix:
        path.write_bytes(prefix + path.read_bytes())
    return path


def same(a, b):
    assert (a.path, a.layout, a.stations, a.warnings) == (b.path, b.layout, b.stations, b.warnings)
    assert list(a.values) == list(b.values)
    assert np.array_equal(a.times, b.times) and np.array_equal(a.station_idx, b.station_idx)
    assert a.times.dtype == b.times.dtype
    for p in a.values:
        assert np.array_equal(a.values[p], b.values[p], equal_nan=True), p
        assert np.array_equal(np.signbit(a.values[p]), np.signbit(b.values[p])), p


def wide_rows(rng, stations=3, hours=300, odd=False):
    rows = [HEADER + (["备注"] if odd else [])]
    start = dt.datetime(2026, 2, 20)
    for s in range(stations):
        for h in range(hours):
            t = start + dt.timedelta(hours=h)
            vals = ["" if rng.random() < 0.03 else round(rng.uniform(0, 300), rng.randint(0, 2)) for _ in POLS]
            if odd:
                vals = [rng.choice(["—", "NA", "缺测", " ", "无效"]) if v == "" else
                        rng.choice([v, f" {v}", f"{v:e}", f"+{v}"]) for v in vals]
                t_cell = rng.choice([t.strftime("%Y-%m-%d %H:%M"), f"{t.year}/{t.month}/{t.day} {t.hour}:00",
                                     f"{t.year}年{t.month}月{t.day}日{t.hour}时", t.strftime("%Y%m%d%H")])
                rows.append([f" 站{s} " if rng.random() < 0.1 else f"站{s}", t_cell] + vals + ["x"])
            else:
                rows.append([f"站{s}", t.strftime("%Y-%m-%d %H:%M")] + vals)
    return rows


@pytest.mark.parametrize("odd", [False, True])
def test_wide_as_the_plain_reader(tmp_path, odd):
    p = write(tmp_path / "w.csv", wide_rows(random.Random(1), odd=odd))
    same(fastcsv.read_air_csv(p), read_air_plain(p))


def test_long_with_units_shuffled(tmp_path):
    rng = random.Random(2)
    rows = []
    for r in wide_rows(rng)[1:]:
        for p, v in zip(POLS, r[2:], strict=True):
            unit = rng.choice(["μg/m3", "ug/m3", "", "微克/立方米"]) if p != "CO" else rng.choice(["mg/m3", ""])
            if p == "CO" and v != "" and rng.random() < 0.3:
                v, unit = round(v * 1000, 3), "μg/m3"
            rows.append([r[0], r[1], rng.choice([p, p.lower()]), v, unit])
    rng.shuffle(rows)
    p = write(tmp_path / "long.csv", [["站点", "时间", "污染物", "浓度", "单位"]] + rows)
    fast = fastcsv.read_air_csv(p)
    assert fast.layout == "long"
    same(fast, read_air_plain(p))


@pytest.mark.parametrize("encoding,prefix", [("gb18030", b""), ("utf-8", b"\xef\xbb\xbf")])
def test_encodings(tmp_path, encoding, prefix):
    p = write(tmp_path / "e.csv", wide_rows(random.Random(3)), encoding=encoding, prefix=prefix)
    same(fastcsv.read_air_csv(p), read_air_plain(p))


def test_blank_lines_and_rows_of_empty_cells(tmp_path):
    rows = wide_rows(random.Random(4))
    rows = [[], ["", ""]] + rows[:100] + [[], [""] * 8, [""]] + rows[100:]
    p = write(tmp_path / "b.csv", rows)
    same(fastcsv.read_air_csv(p), read_air_plain(p))
    # a row of blanks (white space) is left to the plain reader, which skips it too
    rows[150] = ["  ", " "]
    p = write(tmp_path / "c.csv", rows)
    with pytest.raises(fastcsv.Fallback):
        fastcsv.read_air_csv(p)
    same(read_air(p), read_air_plain(p))


@pytest.mark.parametrize("change", ["bad number", "negative", "infinite", "duplicate", "no station", "24:00",
                                    "half hour", "bad unit", "two PM2.5 columns"])
def test_problems_are_left_to_the_plain_reader(tmp_path, change):
    rows = wide_rows(random.Random(5))
    if change == "bad number":
        rows[250][3] = "abc"
    elif change == "negative":
        rows[250][3] = "-2"
    elif change == "infinite":
        rows[250][3] = "1e400"
    elif change == "duplicate":
        rows[700] = list(rows[20])
    elif change == "no station":
        rows[250][0] = " "
    elif change == "24:00":
        rows[250][1] = "2026-02-21 24:00"
    elif change == "half hour":
        rows[250][1] = "2026-02-21 05:30"
    elif change == "bad unit":
        rows[0][2] = "PM2.5(ppb)"
    else:
        rows[0][3] = "PM2.5"
    p = write(tmp_path / "bad.csv", rows)
    with pytest.raises(fastcsv.Fallback):
        fastcsv.read_air_csv(p)
    with pytest.raises(DataError) as plain:
        read_air_plain(p)
    with pytest.raises(DataError) as through:
        read_air(p)
    assert str(through.value) == str(plain.value) and through.value.line == plain.value.line


def test_quoted_cells(tmp_path):
    """Quoted cells, with commas and line breaks: the same data whichever reader takes the file."""
    rows = wide_rows(random.Random(6))
    for i in range(1, len(rows), 37):
        rows[i][0] = f"站,{i % 3}"
    rows[400][0] = "站\n0"
    p = write(tmp_path / "q.csv", rows)
    same(read_air(p), read_air_plain(p))
    assert "站\n0" in read_air(p).stations


CELLS = ["12", "0", "3.5", " 7", "8 ", "+4", "1e2", "-0", "-3", "nan", "inf", "", " ", "—", "NA", "无效", "abc",
         "0.02L", "１２", "1_0", "."]
TIMES = ["2026-03-01 08:00", "2026/3/1 9:00", "2026年3月1日10时", "2026030111", " 2026-03-01 12:00", "2026-03-01 13:30",
         "2026-03-01 24:00", "", "x"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["甲", "乙", " 甲", ""]), st.sampled_from(TIMES),
                          st.sampled_from(CELLS), st.sampled_from(CELLS)), min_size=1, max_size=40))
def test_any_cells_give_the_plain_data_or_are_left_to_it(tmp_path, rows):
    p = write(tmp_path / "h.csv", [["站点", "时间", "PM2.5", "CO"]] + [list(r) for r in rows])
    try:
        fast = fastcsv.read_air_csv(p)
    except fastcsv.Fallback:
        return
    same(fast, read_air_plain(p))


@pytest.mark.parametrize("odd", [False, True])
def test_blocks_shorter_than_a_line(tmp_path, monkeypatch, odd):
    """Blocks of a few bytes (a line spans several reads) and no final line break: the same data."""
    monkeypatch.setattr(fastcsv, "BLOCK_BYTES", 7)
    p = write(tmp_path / "w.csv", wide_rows(random.Random(2), stations=2, hours=40, odd=odd))
    p.write_bytes(p.read_bytes().rstrip(b"\r\n"))
    same(fastcsv.read_air_csv(p), read_air_plain(p))
