"""Benchmark of the monitoring readers (``read_air``): CSV and .xlsx, wide and long layouts.

    .venv/bin/python benchmarks/monitoring_read.py                 # every case, best of 3 runs
    .venv/bin/python benchmarks/monitoring_read.py --runs 5 --only csv

Generates invented hourly air data with the generator of ``benchmarks/monitoring_targets.py`` (six pollutants,
seasonal and daily cycle with noise) into a temporary folder, then times ``read_air`` on:

- 1 station-year in one file, wide layout;
- 10 station-years in one file, wide layout;
- 12 monthly files of 4 stations (one year), wide layout — the time is for all 12 files;
- 1 station-year in the long layout (one value per row, six times as many rows);

each as CSV and as .xlsx (timestamps as Excel date-time cells, numbers as numbers, as spreadsheet exports
have them; written with the sheet's dimension first, as Excel writes it — openpyxl's read-only reader scans
a sheet without it once more). Prints the best and the median wall time of ``--runs`` runs per case, and a digest of what was
read (stations, hours, every value) so that runs of two versions of the readers can be checked to give the
same data. Wall time on a possibly shared machine: compare runs made back to back; the CPU time of the process
(all its threads: Polars parses on several) is less sensitive to other work on the machine.

To compare with another version of the readers, run this file with that version first on ``PYTHONPATH``:
``PYTHONPATH=/path/to/other/src .venv/bin/python benchmarks/monitoring_read.py``.

National scale, end to end from files (``--national``)::

    .venv/bin/python benchmarks/monitoring_read.py --national [--stations 1800] [--layout wide|long] [--files 1]

writes one year of ``--stations`` stations (the synthetic generator of ``benchmarks/aqi.py``: seasonal and
daily cycles, pollution episodes, missing hours and outages; 2026, so the year straddles the change of
standards on 1 March) as CSV into ``--files`` files (one national file, or e.g. 36 files of 50 stations
as cities publish them), then times in this one process, as the ``aqi`` / ``evaluate`` commands do it:
reading every file (``read_air``), the hourly arrays (``to_hourly``), the daily statistics and daily AQI
of every station (``compute_daily``), the HJ 663 evaluation of every station (``evaluate_all``), and
separately the daily AQI table as ``taizhang aqi -o`` writes it. Prints wall and CPU time (CPU of all
threads: Polars parses on both cores), the load average before and after, and the peak memory.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import hashlib
import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from monitoring_targets import air_file  # noqa: E402  (the generator shared with the upload benchmark)

YEAR = 2024


def wide_rows(stations: int, month_from: int = 1, month_to: int = 12, seed: int = 1) -> list[list[str]]:
    data = air_file(YEAR, month_from, month_to, stations, random.Random(seed)).decode("utf-8")
    return list(csv.reader(io.StringIO(data)))


def long_rows(wide: list[list[str]]) -> list[list[str]]:
    columns = [h.removesuffix(")").split("(") for h in wide[0][2:]]  # "PM2.5(μg/m3)" → pollutant, unit
    out = [["站点", "时间", "污染物", "浓度", "单位"]]
    for r in wide[1:]:
        out.extend([r[0], r[1], p, v, u] for (p, u), v in zip(columns, r[2:], strict=True))
    return out


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


def write_xlsx(path: Path, rows: list[list[str]], value_cols: range) -> None:
    import openpyxl

    wb = openpyxl.Workbook()  # not write_only: the sheet then starts with its <dimension>, as Excel's do
    ws = wb.active
    ws.append(rows[0])
    for r in rows[1:]:
        cells: list = list(r)
        cells[1] = dt.datetime.strptime(r[1], "%Y-%m-%d %H:%M")
        for j in value_cols:
            cells[j] = float(r[j]) if r[j] else None
        ws.append(cells)
    wb.save(path)


def cases(folder: Path, only: str | None) -> list[tuple[str, list[Path]]]:
    """(label, files) of every case, the files written once into ``folder``."""
    plans = [("1 station-year, wide", [("w1", wide_rows(1))]),
             ("10 station-years in one file, wide", [("w10", wide_rows(10))]),
             ("12 monthly files × 4 stations, wide", [(f"m{m:02d}", wide_rows(4, m, m, seed=m)) for m in range(1, 13)]),
             ("1 station-year, long", [("l1", long_rows(wide_rows(1)))])]
    out = []
    for fmt in ("csv", "xlsx"):
        if only and fmt != only:
            continue
        for label, files in plans:
            paths = []
            for stem, rows in files:
                p = folder / f"{stem}.{fmt}"
                if fmt == "csv":
                    write_csv(p, rows)
                else:
                    write_xlsx(p, rows, range(3, 4) if stem.startswith("l") else range(2, 8))
                paths.append(p)
            out.append((f"{fmt:4} {label}", paths))
    return out


def digest(data) -> str:
    h = hashlib.sha256()
    h.update("\n".join(data.stations).encode())
    h.update(data.times.astype("int64").tobytes())
    h.update(data.station_idx.astype("int64").tobytes())
    for p in sorted(data.values):
        h.update(p.encode())
        h.update(np.ascontiguousarray(data.values[p], dtype=float).tobytes())
    return h.hexdigest()[:12]


def _generator():
    """``synthetic`` of benchmarks/aqi.py (loaded by path: its module name would shadow python-aqi's)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_aqi", Path(__file__).resolve().parent / "aqi.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


NATIONAL_YEAR = 2026


def write_national(folder: Path, stations: int, layout: str, files: int) -> list[Path]:
    """One year of ``stations`` stations as CSV, wide or long, in ``files`` files; generated 50 stations at a
    time (memory stays bounded)."""
    import polars as pl

    gen = _generator()
    hours = np.datetime64(f"{NATIONAL_YEAR}-01-01T00", "h") + np.arange(gen.HOURS)
    stamps = pl.Series([str(h).replace("T", " ") + ":00" for h in hours])
    per_file = -(-stations // files)
    paths = []
    for f in range(files):
        path = folder / f"national-{f + 1:02d}.csv"
        with open(path, "wb") as out:
            first = True
            for a in range(f * per_file, min((f + 1) * per_file, stations), 50):
                n = min(50, (f + 1) * per_file - a, stations - a)
                values = gen.synthetic(n, seed=1000 + a)
                names = pl.Series([f"站{a + i:04d}" for i in range(n)]).repeat_by(gen.HOURS).explode()
                times = pl.concat([stamps] * n)
                if layout == "wide":
                    df = pl.DataFrame({"站点": names, "时间": times} |
                                      {f"{p}({'mg' if p == 'CO' else 'μg'}/m3)": values[p].ravel() for p in values})
                else:
                    df = pl.concat([pl.DataFrame({"站点": names, "时间": times, "污染物": [p] * len(times),
                                                  "浓度": values[p].ravel(), "单位": ["mg/m3" if p == "CO" else "μg/m3"]
                                                  * len(times)}) for p in values])
                df.write_csv(out, include_header=first, null_value="")
                first = False
        paths.append(path)
    return paths


def national(args) -> int:
    import os
    import resource

    from taizhang.monitoring import read_air
    from taizhang.standards import hj663

    tmp = tempfile.mkdtemp(prefix="taizhang-bench-national-")
    folder = Path(tmp)
    try:
        g0 = time.perf_counter()
        paths = write_national(folder, args.stations, args.layout, args.files)
        size = sum(p.stat().st_size for p in paths) / 2**20
        print(f"generated {args.stations} station-years, {args.layout} layout, {len(paths)} file(s), {size:.0f} MiB "
              f"in {time.perf_counter() - g0:.0f} s (not timed below)")
        load0 = os.getloadavg()
        t0, c0 = time.perf_counter(), time.process_time()
        steps = {"read": [0.0, 0.0], "to_hourly": [0.0, 0.0], "daily AQI": [0.0, 0.0], "evaluation": [0.0, 0.0]}
        n_eval = n_days = 0
        tables = []

        def lap(name, w, c):
            steps[name][0] += time.perf_counter() - w
            steps[name][1] += time.process_time() - c
            return time.perf_counter(), time.process_time()

        for p in paths:
            w, c = time.perf_counter(), time.process_time()
            data = read_air(p)
            w, c = lap("read", w, c)
            hourly = data.to_hourly(NATIONAL_YEAR)
            w, c = lap("to_hourly", w, c)
            daily = hj663.compute_daily(hourly)
            w, c = lap("daily AQI", w, c)
            evs = hj663.evaluate_all(daily, year=NATIONAL_YEAR, include_daily=False, include_invalid=False)
            lap("evaluation", w, c)
            n_eval += len(evs)
            n_days += int(daily.aqi_valid.sum())
            tables.append(daily)
            del data, hourly
        t1, c1 = time.perf_counter(), time.process_time()
        load1 = os.getloadavg()
        print(f"end to end (files → daily AQI of every station-day → HJ 663 evaluation of every station): "
              f"{t1 - t0:.1f} s wall, {c1 - c0:.1f} CPU-s; load average before {load0[0]:.2f}, after {load1[0]:.2f} "
              f"(2 cores, shared); peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
        for name, (w, c) in steps.items():
            print(f"  {name:11} {w:6.1f} s wall {c:6.1f} CPU-s")
        print(f"  {n_eval} station evaluations, {n_days} station-days with an AQI")
        from taizhang.cli.standards import write_table

        w, c = time.perf_counter(), time.process_time()
        out = folder / "daily.csv"
        for k, daily in enumerate(tables):
            rows = hj663.daily_table(daily)
            with contextlib.redirect_stdout(io.StringIO()):  # its "已写入 …" line
                write_table(rows, str(out.with_stem(f"daily-{k}")))
        print(f"  daily AQI table written as CSV (taizhang aqi -o): {time.perf_counter() - w:.1f} s wall, "
              f"{time.process_time() - c:.1f} CPU-s more")
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=("csv", "xlsx"))
    ap.add_argument("--national", action="store_true", help="time files → daily AQI → HJ 663 at national scale")
    ap.add_argument("--stations", type=int, default=1800)
    ap.add_argument("--layout", choices=("wide", "long"), default="wide")
    ap.add_argument("--files", type=int, default=1)
    args = ap.parse_args()
    if args.national:
        return national(args)

    import taizhang.monitoring
    from taizhang.monitoring import read_air

    print(f"read_air from {Path(taizhang.monitoring.__file__).parent}; wall time, best / median of {args.runs} "
          f"runs, and the least CPU time (the machine may be shared and loaded)")
    with tempfile.TemporaryDirectory(prefix="taizhang-bench-read-") as tmp:
        for label, paths in cases(Path(tmp), args.only):
            times, cpu = [], []
            for _ in range(args.runs):
                t0, c0 = time.perf_counter(), time.process_time()
                read = [read_air(p) for p in paths]
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            records = sum(len(d.times) for d in read)
            digests = [digest(d) for d in read]
            size = sum(p.stat().st_size for p in paths) / 2**20
            combined = hashlib.sha256("".join(digests).encode()).hexdigest()[:12]
            print(f"{label:44} {min(times):7.3f} s  (median {statistics.median(times):7.3f} s, CPU {min(cpu):7.3f} s)  "
                  f"{records:7d} station-hours, {size:5.1f} MiB, digest {combined}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
