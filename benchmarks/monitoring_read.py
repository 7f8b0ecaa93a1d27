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
"""

from __future__ import annotations

import argparse
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=("csv", "xlsx"))
    args = ap.parse_args()

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
