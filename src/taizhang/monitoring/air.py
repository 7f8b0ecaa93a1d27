"""Hourly air-quality data from CSV / .xlsx, in the long or the wide layout (see docs/监测数据格式.md).

long: 站点, 时间, 污染物, 浓度, 单位 — one value per row.
wide: 站点, 时间, then one column per pollutant, the unit in the header (``PM2.5(μg/m3)``, ``CO(mg/m3)``)
or, without it, the default unit (CO mg/m³, the others μg/m³).
Units are checked: μg↔mg converted where the unit says so, unknown units refused.

Columns are read whole (:func:`~taizhang.monitoring.table.parse_hours`, ``parse_numbers``) and the arrays built
from them directly; row by row work is left to the rows with a problem, which are reported with their lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from taizhang.errors import DataError
from taizhang.monitoring.table import (
    Problems,
    aliases,
    column,
    gc_paused,
    lookup,
    memo_map,
    norm,
    parse_hour,
    parse_hours,
    parse_numbers,
    read_rows,
    split_header,
)
from taizhang.standards.hj663 import HourlyData

_FACTOR = {("ug/m3", "mg/m3"): 0.001, ("mg/m3", "ug/m3"): 1000.0}


def canonical_unit(pollutant: str) -> str:
    cu = aliases()["canonical_unit"]
    return cu.get(pollutant, cu["default"])


def unit_factor(pollutant: str, unit: str | None) -> float:
    """Factor from ``unit`` to the pollutant's canonical unit; ValueError for an unknown unit."""
    target = canonical_unit(pollutant)
    if unit is None or norm(unit) == "":
        return 1.0
    u = lookup(aliases()["air_units"]).get(norm(unit))
    if u is None:
        raise ValueError(f"无法识别的单位“{unit}”（{pollutant}应为{_display(target)}）")
    return 1.0 if u == target else _FACTOR[(u, target)]


def _display(unit: str) -> str:
    return unit.replace("ug", "μg").replace("m3", "m³")


@dataclass
class AirData:
    path: str
    layout: str  # long | wide
    stations: list[str]
    times: np.ndarray  # datetime64[h] of each record
    station_idx: np.ndarray
    values: dict[str, np.ndarray] = field(default_factory=dict)  # pollutant → value per record (NaN missing)
    warnings: list[str] = field(default_factory=list)

    def years(self) -> list[int]:
        return sorted({int(y) + 1970 for y in np.unique(self.times.astype("datetime64[Y]").astype(int))})

    def span(self, year: int | None = None) -> tuple[dt.date, dt.date]:
        """The first and the last day with a record (within ``year`` if given)."""
        t = self.times
        if len(t) and year is not None:
            lo, hi = np.datetime64(f"{year}-01-01T00", "h"), np.datetime64(f"{year + 1}-01-01T00", "h")
            if not (t.min() >= lo and t.max() < hi):  # only a year's part of the data: keep that
                t = t[(t >= lo) & (t < hi)]
        if not len(t):
            raise DataError(f"数据中没有{year}年的监测值（有：{self.years()}）", path=self.path)
        return t.min().astype("datetime64[D]").item(), t.max().astype("datetime64[D]").item()

    def to_hourly(self, year: int | None = None, stations: list[str] | None = None, *,
                  start: dt.date | None = None, end: dt.date | None = None) -> HourlyData:
        """Stations × hours arrays over whole days from ``start`` to ``end`` (hours without a record are
        missing). By default the data's own span: its first to its last day with a record, within ``year``
        when given (``start`` / ``end`` then default to that year's first and last day with data, and are
        kept inside the year). The arrays may share memory with ``values``: read them, do not change them."""
        first, last = self.span(year)
        start = first if start is None else start
        end = last if end is None else end
        if year is not None:
            start, end = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
        if end < start:
            raise DataError(f"时段{start}至{end}不对：结束日期早于开始日期", path=self.path)
        names = self.stations if stations is None else stations
        for s in names:
            if s not in self.stations:
                raise DataError(f"数据中没有站点“{s}”（有：{'、'.join(self.stations)}）", path=self.path)
        n_hours = ((end - start).days + 1) * 24
        shape = (len(names), n_hours)
        if list(names) == self.stations and len(self.times) == shape[0] * shape[1] and len(self.times) and \
                (self.station_idx.reshape(shape) == np.arange(shape[0])[:, None]).all() and \
                (self.times.reshape(shape) == np.datetime64(start, "h") + np.arange(n_hours)).all():
            # every station hour present, in order (a national file as exported): the values are the arrays
            return HourlyData(list(names), start, {p: v.reshape(shape) for p, v in self.values.items()})
        pos = self.times.astype(np.int64) - np.datetime64(start, "h").astype(np.int64)
        order = {s: i for i, s in enumerate(names)}
        remap = np.array([order.get(s, -1) for s in self.stations], dtype=np.int64)
        row = remap[self.station_idx]
        keep = (pos >= 0) & (pos < n_hours) & (row >= 0)
        # one flat position per record (station row · hours + hour), the records outside dropped once
        flat = row * n_hours + pos
        everything = bool(keep.all())
        if not everything:
            flat = flat[keep]
        arrays = {}
        for pol, vals in self.values.items():
            a = np.full(shape, np.nan)
            a.ravel()[flat] = vals if everything else vals[keep]
            arrays[pol] = a
        return HourlyData(list(names), start, arrays)


@dataclass
class Layout:
    """What a header says: the column of each role (station, time, pollutant, value, unit), the long or wide
    layout, and for the wide one each pollutant column with its unit factor; warnings for ignored columns."""

    role: dict[str, int]
    long: bool
    wide_cols: dict[int, tuple[str, float]]
    warnings: list[str]


def layout(path, header_line: int, header: list) -> Layout:
    """The layout of a file from its header row; a header naming no station or time column, a unit it cannot
    read, or no pollutant raises :class:`DataError` with the line."""
    cols = lookup(aliases()["air_columns"])
    pols = lookup(aliases()["pollutants"])
    role: dict[str, int] = {}
    for j, cell in enumerate(header):
        key = cols.get(norm(cell))
        if key and key not in role:
            role[key] = j
    for need in ("station", "time"):
        if need not in role:
            names = "、".join(aliases()["air_columns"][need][:3])
            raise DataError(f"表头缺少“{names}”列", path=str(path), line=header_line)
    if "pollutant" in role and "value" in role:
        return Layout(role, True, {}, [])
    wide_cols = {}
    warnings = []
    problems = Problems(path)
    for j, cell in enumerate(header):
        if j in role.values() or cell in (None, ""):
            continue
        name, unit = split_header(cell)
        pol = pols.get(name)
        if pol is None:
            warnings.append(f"第{header_line}行：列“{cell}”不是可识别的污染物，已忽略")
            continue
        try:
            wide_cols[j] = (pol, unit_factor(pol, unit))
        except ValueError as exc:
            problems.add(header_line, f"列“{cell}”：{exc}")
    problems.raise_if_any()
    if not wide_cols:
        raise DataError("表头既不是长表（站点、时间、污染物、浓度、单位），也没有污染物列（宽表）",
                        path=str(path), line=header_line)
    return Layout(role, False, wide_cols, warnings)


@gc_paused()
def read_air(path: str | Path) -> AirData:
    """Read an hourly air file. A CSV file is read by the column-wise reader of :mod:`.fastcsv` (Polars) when it
    holds nothing that reader leaves to this one; otherwise, and for .xlsx, row by row here, which gives every
    problem with its line."""
    if Path(path).suffix.lower() in (".csv", ".txt") and Path(path).is_file():
        from taizhang.monitoring import fastcsv

        try:
            return fastcsv.read_air_csv(path)
        except fastcsv.Fallback:
            pass
    return read_air_plain(path)


def read_air_plain(path: str | Path) -> AirData:
    """:func:`read_air` row by row (CSV by the csv module, .xlsx by calamine), every problem with its line."""
    rows = read_rows(path)
    header_line, header = rows[0]
    lay = layout(path, header_line, header)
    if lay.long:
        return _read_long(path, rows[1:], lay.role, lookup(aliases()["pollutants"]))
    return _read_wide(path, rows[1:], lay.role, lay.wide_cols, lay.warnings)


def _station_name(cell) -> str:
    return "" if cell is None else str(cell).strip()


class _Rows:
    """The data rows' stations and hours, and the first problem of each row whose station or time is bad."""

    def __init__(self, path, rows, role):
        self.path = str(path)
        self.lines = [line for line, _ in rows]
        self.cells = [r for _, r in rows]
        if not self.cells:
            raise DataError("文件中没有数据行", path=self.path)
        self.time_cells = column(self.cells, role["time"])
        times = parse_hours(self.time_cells)
        self.hours = times.hours
        self.errors = times.errors  # row → message; an empty station is said instead of a bad time
        self.stations = memo_map(_station_name, column(self.cells, role["station"]))
        self.errors.update((i, "站点为空") for i, s in enumerate(self.stations) if not s)
        self.station_names = list(dict.fromkeys(self.stations))  # in order of appearance
        index = {s: k for k, s in enumerate(self.station_names)}
        self.station_idx = np.fromiter(map(index.__getitem__, self.stations), dtype=np.int64,
                                       count=len(self.stations))

    def ok(self) -> np.ndarray:
        ok = np.ones(len(self.cells), dtype=bool)
        ok[list(self.errors)] = False
        return ok

    def station_hour(self) -> np.ndarray:
        """One code per row for its station and hour."""
        return self.hours * len(self.station_names) + self.station_idx

    def suspects(self, ok: np.ndarray, also: tuple[np.ndarray, int] | None = None) -> list[int]:
        """The good rows whose station and hour (and ``also``: codes and their number) occur in another good
        row too: the duplicates, whose first lines and messages :func:`_duplicates` gives."""
        key = self.station_hour()
        if also is not None:
            key = key * also[1] + also[0]
        rows = np.flatnonzero(ok)
        _, inverse, counts = np.unique(key[rows], return_inverse=True, return_counts=True)
        return rows[counts[inverse] > 1].tolist()

    def time(self, i: int) -> dt.datetime:
        return parse_hour(self.time_cells[i])

    def raise_problems(self, row_problems: list[tuple[int, str]], records) -> None:
        """Row problems (row, message) in row order and duplicates among ``records`` — (row, station, time,
        pollutant) in row order — raised together, ordered by line."""
        problems = Problems(self.path)
        for i, msg in row_problems:
            problems.add(self.lines[i], msg)
        problems.items.extend(_duplicates((self.lines[i], s, t, p) for i, s, t, p in records))
        problems.items.sort(key=lambda x: x[0])
        problems.raise_if_any()


def _read_wide(path, rows, role, wide_cols, warnings) -> AirData:
    data = _Rows(path, rows, role)
    ok = data.ok()
    values: dict[str, np.ndarray] = {}
    cell_errors: dict[int, list[str]] = {}  # row → messages, in column order
    bad_cells = []  # per column: rows whose cell is bad
    for j, (pol, factor) in wide_cols.items():
        v, errors = parse_numbers(column(data.cells, j))
        for i, msg in errors.items():
            if ok[i]:  # a row with a bad station or time is not read further
                cell_errors.setdefault(i, []).append(f"{pol}：{msg}")
        bad_cells.append(errors)
        values[pol] = v * factor
    row_problems = []
    for i in sorted(data.errors.keys() | cell_errors.keys()):
        row_problems.extend([(i, data.errors[i])] if i in data.errors else [(i, m) for m in cell_errors[i]])
    if len(values) < len(wide_cols):  # two columns of one pollutant: every good row may hold duplicates
        suspects = np.flatnonzero(ok).tolist()
    else:
        suspects = data.suspects(ok)
    records = [(i, data.stations[i], data.time(i), pol) for i in suspects
               for (pol, _), errors in zip(wide_cols.values(), bad_cells, strict=True) if i not in errors]
    data.raise_problems(row_problems, records)
    return AirData(str(path), "wide", data.station_names, data.hours.astype("datetime64[h]"), data.station_idx,
                   values, warnings)


def _read_long(path, rows, role, pols) -> AirData:
    data = _Rows(path, rows, role)
    ok = data.ok()
    pol_cells = column(data.cells, role["pollutant"])
    pol_names = memo_map(lambda c: pols.get(norm(c)), pol_cells)
    pol_errors = {i: f"无法识别的污染物“{pol_cells[i]}”" for i, p in enumerate(pol_names) if p is None}
    units = [None if u is None else str(u) for u in column(data.cells, role["unit"])] if "unit" in role \
        else [None] * len(data.cells)
    pairs = list(zip(pol_names, units, strict=True))
    factor_of = {pair: _factor_or_message(*pair) for pair in dict.fromkeys(pairs) if pair[0] is not None}
    outcomes = list(map(factor_of.get, pairs))  # factor, message, or None (unknown pollutant)
    unit_errors = {i: f for i, f in enumerate(outcomes) if type(f) is str}
    factors = np.array([f if type(f) is float else 1.0 for f in outcomes])
    values, value_errors = parse_numbers(column(data.cells, role["value"]))
    values *= factors
    row_problems = []  # the first problem of each row, in the order the checks were made before
    for i in sorted(data.errors.keys() | pol_errors.keys() | unit_errors.keys() | value_errors.keys()):
        for errors in (data.errors, pol_errors, unit_errors, value_errors):
            if i in errors:
                row_problems.append((i, errors[i]))
                break
    good = ok.copy()
    good[[i for i, _ in row_problems]] = False
    pol_order = list(dict.fromkeys(p for p in pol_names if p is not None))  # pollutants in order of appearance
    code = {p: k for k, p in enumerate(pol_order)} | {None: 0}
    pol_idx = np.fromiter(map(code.__getitem__, pol_names), dtype=np.int64, count=len(pol_names))
    suspects = data.suspects(good, (pol_idx, len(code)))
    data.raise_problems(row_problems, [(i, data.stations[i], data.time(i), pol_names[i]) for i in suspects])
    times, station_idx, columns = long_records(data.station_hour(), data.hours, data.station_idx, pol_idx, values,
                                               pol_order)
    return AirData(str(path), "long", data.station_names, times, station_idx, columns, [])


def long_records(station_hour: np.ndarray, hours: np.ndarray, station_idx: np.ndarray, pol_idx: np.ndarray,
                 values: np.ndarray, pol_order: list[str]) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Rows of the long layout (one value each, with a code per station and hour) as records: one per station
    and hour in order of first appearance, each pollutant's values put in its column."""
    n = len(station_hour)
    lo = int(station_hour.min()) if n else 0
    span = int(station_hour.max()) - lo + 1 if n else 0
    if span <= 4 * n + 1024:  # dense codes (the usual case): the first row of each code without sorting the rows
        key = station_hour - lo if lo else station_hour
        idx = np.int32 if n < 2**31 - 1 else np.int64  # row numbers in 4 bytes where they fit (less memory)
        first_of = np.full(span, n, dtype=idx)
        np.minimum.at(first_of, key, np.arange(n, dtype=idx))
        codes = np.flatnonzero(first_of < n)
        first = first_of[codes]
        del first_of
        rank_of = np.empty(span, dtype=idx)
        order = np.argsort(first)
        rank_of[codes[order]] = np.arange(len(order))
        pos = rank_of[key]
    else:
        _, first, inverse = np.unique(station_hour, return_index=True, return_inverse=True)
        order = np.argsort(first)
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        pos = rank[inverse]
    columns = {}
    for k, pol in enumerate(pol_order):
        rows_k = pol_idx == k
        a = np.full(len(order), np.nan)
        a[pos[rows_k]] = values[rows_k]
        columns[pol] = a
    first_rows = first[order]
    return hours[first_rows].astype("datetime64[h]"), station_idx[first_rows], columns


def _factor_or_message(pol: str, unit: str | None) -> float | str:
    try:
        return unit_factor(pol, unit)
    except ValueError as exc:
        return str(exc)


def _duplicates(records) -> list[tuple[int, str]]:
    """(line, message) of each record — (line, station, time, pollutant) — repeating an earlier one."""
    seen: dict[tuple, int] = {}
    out = []
    for line, station, t, pol in records:
        k = (station, t, pol)
        if k in seen:
            out.append((line, f"与第{seen[k]}行重复（{station} {t:%Y-%m-%d %H:%M} {pol}）"))
        else:
            seen[k] = line
    return out


def _build(path, layout, records, warnings, problems: Problems) -> AirData:
    """Assemble records (line, station, time, pollutant, value) one by one: the readers' result built the
    plain way, which the tests compare the column-wise readers with (the readers themselves do not use it)."""
    problems.items.extend(_duplicates(r[:4] for r in records))
    problems.items.sort(key=lambda x: x[0])
    problems.raise_if_any()
    stations: list[str] = []
    sidx: dict[str, int] = {}
    keys: dict[tuple, int] = {}  # (station, time) → record position
    times, st_idx = [], []
    values: dict[str, list] = {}
    for _line, station, t, pol, v in records:
        if station not in sidx:
            sidx[station] = len(stations)
            stations.append(station)
        pos = keys.get((station, t))
        if pos is None:
            pos = keys[(station, t)] = len(times)
            times.append(np.datetime64(t, "h"))
            st_idx.append(sidx[station])
            for lst in values.values():
                lst.append(np.nan)
        if pol not in values:
            values[pol] = [np.nan] * len(times)
        values[pol][pos] = v
    return AirData(str(path), layout, stations, np.array(times, dtype="datetime64[h]"),
                   np.array(st_idx, dtype=int), {p: np.array(v, dtype=float) for p, v in values.items()},
                   warnings)
