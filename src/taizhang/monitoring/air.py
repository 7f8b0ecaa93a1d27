"""Hourly air-quality data from CSV / .xlsx, in the long or the wide layout (see docs/监测数据格式.md).

long: 站点, 时间, 污染物, 浓度, 单位 — one value per row.
wide: 站点, 时间, then one column per pollutant, the unit in the header (``PM2.5(μg/m3)``, ``CO(mg/m3)``)
or, without it, the default unit (CO mg/m³, the others μg/m³).
Units are checked: μg↔mg converted where the unit says so, unknown units refused.
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
    lookup,
    norm,
    parse_hour,
    parse_number,
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

    def to_hourly(self, year: int | None = None, stations: list[str] | None = None) -> HourlyData:
        """The whole calendar year as stations × hours arrays (hours without a record are missing)."""
        years = self.years()
        if year is None:
            if len(years) != 1:
                raise DataError(f"数据跨{len(years)}个年份（{years}），请指定年份", path=self.path)
            year = years[0]
        if year not in years:
            raise DataError(f"数据中没有{year}年的监测值（有：{years}）", path=self.path)
        names = self.stations if stations is None else stations
        for s in names:
            if s not in self.stations:
                raise DataError(f"数据中没有站点“{s}”（有：{'、'.join(self.stations)}）", path=self.path)
        start = np.datetime64(f"{year}-01-01T00", "h")
        n_hours = int((np.datetime64(f"{year + 1}-01-01T00", "h") - start).astype(int))
        pos = (self.times - start).astype(int)
        keep = (pos >= 0) & (pos < n_hours)
        order = {s: i for i, s in enumerate(names)}
        remap = np.array([order.get(s, -1) for s in self.stations])
        row = remap[self.station_idx]
        keep &= row >= 0
        arrays = {}
        for pol, vals in self.values.items():
            a = np.full((len(names), n_hours), np.nan)
            a[row[keep], pos[keep]] = vals[keep]
            arrays[pol] = a
        return HourlyData(list(names), dt.date(year, 1, 1), arrays)


def read_air(path: str | Path) -> AirData:
    rows = read_rows(path)
    header_line, header = rows[0]
    cols = lookup(aliases()["air_columns"])
    pols = lookup(aliases()["pollutants"])
    role = {}
    for j, cell in enumerate(header):
        key = cols.get(norm(cell))
        if key and key not in role:
            role[key] = j
    for need in ("station", "time"):
        if need not in role:
            names = "、".join(aliases()["air_columns"][need][:3])
            raise DataError(f"表头缺少“{names}”列", path=str(path), line=header_line)
    if "pollutant" in role and "value" in role:
        return _read_long(path, rows[1:], role, pols)
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
    records = []
    for line, r in rows[1:]:
        try:
            station, t = _station_time(r, role)
        except ValueError as exc:
            problems.add(line, str(exc))
            continue
        for j, (pol, factor) in wide_cols.items():
            try:
                v = parse_number(r[j] if j < len(r) else None)
            except ValueError as exc:
                problems.add(line, f"{pol}：{exc}")
                continue
            records.append((line, station, t, pol, np.nan if v is None else v * factor))
    return _build(path, "wide", records, warnings, problems)


def _station_time(r, role) -> tuple[str, dt.datetime]:
    s = r[role["station"]] if role["station"] < len(r) else None
    station = str(s).strip() if s is not None else ""
    if not station:
        raise ValueError("站点为空")
    return station, parse_hour(r[role["time"]] if role["time"] < len(r) else None)


def _read_long(path, rows, role, pols) -> AirData:
    problems = Problems(path)
    records = []
    for line, r in rows:
        try:
            station, t = _station_time(r, role)
            cell = r[role["pollutant"]] if role["pollutant"] < len(r) else None
            pol = pols.get(norm(cell))
            if pol is None:
                raise ValueError(f"无法识别的污染物“{cell}”")
            unit = r[role["unit"]] if "unit" in role and role["unit"] < len(r) else None
            factor = unit_factor(pol, None if unit is None else str(unit))
            v = parse_number(r[role["value"]] if role["value"] < len(r) else None)
        except ValueError as exc:
            problems.add(line, str(exc))
            continue
        records.append((line, station, t, pol, np.nan if v is None else v * factor))
    return _build(path, "long", records, [], problems)


def _build(path, layout, records, warnings, problems: Problems) -> AirData:
    """Assemble the records; duplicates join the row problems, then all are raised together."""
    if not records and not problems.items:
        raise DataError("文件中没有数据行", path=str(path))
    seen: dict[tuple, int] = {}
    stations: list[str] = []
    sidx: dict[str, int] = {}
    keys: dict[tuple, int] = {}  # (station, time) → record position
    times, st_idx = [], []
    values: dict[str, list] = {}
    for line, station, t, pol, v in records:
        k = (station, t, pol)
        if k in seen:
            problems.add(line, f"与第{seen[k]}行重复（{station} {t:%Y-%m-%d %H:%M} {pol}）")
            continue
        seen[k] = line
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
    problems.items.sort(key=lambda x: x[0])
    problems.raise_if_any()
    return AirData(str(path), layout, stations, np.array(times, dtype="datetime64[h]"),
                   np.array(st_idx, dtype=int), {p: np.array(v, dtype=float) for p, v in values.items()},
                   warnings)
