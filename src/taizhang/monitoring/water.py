"""Surface-water samples from CSV / .xlsx: 断面, 日期, 水体类型 (河流/湖库), one column per factor.

Units in the header (``总磷(mg/L)``, ``汞(μg/L)``) are converted to mg/L; without a unit mg/L is assumed
(pH dimensionless, fecal coliform 个/L). ``0.01L`` or ``<0.01`` (below the detection limit) counts as half
the limit.
"""

from __future__ import annotations

from pathlib import Path

from taizhang.errors import DataError
from taizhang.monitoring.table import (
    Problems,
    aliases,
    lookup,
    norm,
    parse_date,
    parse_number,
    read_rows,
    split_header,
)


def read_water(path: str | Path, *, default_waterbody: str = "river") -> list[dict]:
    rows = read_rows(path)
    header_line, header = rows[0]
    cols = lookup(aliases()["water_columns"])
    facs = lookup(aliases()["water_factors"])
    units = {}
    for key, spec in aliases()["water_units"].items():
        for s in spec["spellings"] + [key]:
            units[norm(s)] = spec["factor"]
    role, factor_cols = {}, {}
    problems = Problems(path)
    warnings = []
    for j, cell in enumerate(header):
        key = cols.get(norm(cell))
        if key and key not in role:
            role[key] = j
            continue
        name, unit = split_header(cell)
        f = facs.get(name)
        if f is None:
            if norm(cell):
                warnings.append(f"列“{cell}”不是GB 3838表1的项目，已忽略")
            continue
        if unit is not None and norm(unit) not in units:
            problems.add(header_line, f"列“{cell}”的单位“{unit}”无法识别（应为mg/L或μg/L）")
            continue
        factor_cols[j] = (f, units.get(norm(unit), 1.0) if unit is not None else 1.0)
    problems.raise_if_any()
    if "section" not in role:
        raise DataError("表头缺少“断面”列", path=str(path), line=header_line)
    if not factor_cols:
        raise DataError("表头没有可识别的水质项目列（如溶解氧、氨氮、总磷）", path=str(path), line=header_line)
    wb_names = lookup(aliases()["waterbody"])
    samples = []
    for line, r in rows[1:]:
        def cell(j, r=r):
            return r[j] if j < len(r) else None

        section = str(cell(role["section"]) or "").strip()
        if not section:
            problems.add(line, "断面为空")
            continue
        s = {"section": section, "line": line, "waterbody": default_waterbody, "date": None}
        try:
            if "date" in role:
                s["date"] = parse_date(cell(role["date"])).isoformat()
            if "waterbody" in role and cell(role["waterbody"]) not in (None, ""):
                wb = wb_names.get(norm(cell(role["waterbody"])))
                if wb is None:
                    raise ValueError(f"无法识别的水体类型“{cell(role['waterbody'])}”（应为河流或湖库）")
                s["waterbody"] = wb
        except ValueError as exc:
            problems.add(line, str(exc))
            continue
        for j, (f, factor) in factor_cols.items():
            try:
                v = parse_number(cell(j), below_limit=True)
            except ValueError as exc:
                problems.add(line, f"{header[j]}：{exc}")
                continue
            if v is not None:
                s[f] = v * factor
        samples.append(s)
    problems.raise_if_any()
    if not samples:
        raise DataError("文件中没有数据行", path=str(path))
    return samples
