"""Benchmark: hourly data → daily AQI (HJ 633) and annual evaluation (HJ 663), 1 and 1,800 station-years.

Usage: .venv/bin/python benchmarks/aqi.py [--stations 1800] [--workers 2] [--chunk 50] [--baseline-per-chunk 3]

What is measured (all printed):
- the synthetic generator (seasonal + diurnal + day-to-day persistence + noise + missing hours and outages)
  is timed separately from the computation;
- ours, timed from the hourly arrays (``HourlyData``: one float64 array stations × 8760 hours per
  pollutant, NaN = missing) to the finished results: daily statistics with GB 3095 validity (24-h means
  ≥ 20 hours, O3 8-h means ≥ 6 hours, daily max 8-h ≥ 14 means), daily IAQI/AQI (HJ 633), then the annual
  evaluation (HJ 663) of every station as JSON-able dicts, in chunks of stations (memory stays bounded),
  over ``--workers`` processes;
- the import layer separately: a wide CSV written from synthetic data, read by ``read_air`` (parsing and
  unit checks) and turned into the hourly arrays by ``to_hourly``;
- baseline: a plain Python loop doing the same daily statistics (same validity rules, O3 8-h windows and
  daily maximum) and calling python-aqi (``aqi.ALGO_MEP``) for every sub-index and the AQI of each day,
  on the first ``--baseline-per-chunk`` station-years of every chunk, in the same process right after
  ours (same load). The ratio is baseline CPU time per station-year / ours per station-year; its median
  and spread over the chunks and the pooled ratio are printed. Also the IAQI step alone: python-aqi on
  the daily concentrations vs our vectorised IAQI on the same values.

numpy's BLAS is kept to one thread per process (the parallelism is over processes; several BLAS threads
per worker on 2 cores only compete with each other).
python-aqi's IAQIs differ from HJ 633 by design (integer truncation, EPA-style segments, half-even
rounding; see tests/standards/test_python_aqi.py); the agreement rate is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor

# this file is named aqi.py: keep its folder off sys.path so that ``import aqi`` finds python-aqi
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy is imported; see the docstring

import numpy as np  # noqa: E402

from taizhang.standards import hj633, hj663  # noqa: E402

E12 = hj633.edition("2012")

YEAR = 2023
DAYS = 365
HOURS = DAYS * 24


def synthetic(n_stations: int, seed: int) -> dict[str, np.ndarray]:
    """Hourly concentrations (stations × 8760) of a plausible northern-Chinese city year."""
    rng = np.random.default_rng(seed)
    t = np.arange(HOURS)
    doy = t / 24.0
    hod = t % 24
    winter = np.cos(2 * np.pi * (doy - 15) / 365.0)  # +1 mid-January, −1 mid-July
    # day-to-day persistence: AR(1) log factor per station (pollution episodes of several days)
    eps = rng.normal(0, 0.35, (n_stations, DAYS))
    ar = np.empty_like(eps)
    ar[:, 0] = eps[:, 0]
    for d in range(1, DAYS):
        ar[:, d] = 0.7 * ar[:, d - 1] + eps[:, d]
    episode = np.repeat(np.exp(ar), 24, axis=1)
    level = rng.uniform(0.6, 1.4, (n_stations, 1))
    traffic = 1 + 0.25 * np.exp(-((hod - 8) ** 2) / 4) + 0.35 * np.exp(-((hod - 20) ** 2) / 6)
    noise = rng.lognormal(0, 0.2, (6, n_stations, HOURS))
    pm25 = 45 * level * (1 + 0.45 * winter) * traffic * episode * noise[0]
    out = {
        "PM2.5": pm25,
        "PM10": pm25 * rng.uniform(1.5, 1.9, (n_stations, 1)) * noise[1] ** 0.5,
        "SO2": 12 * level * (1 + 0.6 * winter) * traffic * noise[2],
        "NO2": 35 * level * (1 + 0.3 * winter) * traffic * noise[3] * episode**0.5,
        "CO": 0.8 * level * (1 + 0.4 * winter) * traffic * episode**0.6 * noise[4],
        "O3": 75 * (1 - 0.5 * winter) * (0.35 + 0.9 * np.exp(-((hod - 15) ** 2) / 10)) * noise[5]
              * rng.uniform(0.8, 1.2, (n_stations, 1)),
    }
    # missing data: 1 % scattered hours, outages of 3–48 hours (≈ 4 per station-year), and for one station
    # in ten a long breakdown of 5–20 days (which can make the year invalid, as it does in real networks)
    gone = rng.random((n_stations, HOURS)) < 0.01
    for s in range(n_stations):
        for _ in range(rng.poisson(4)):
            a = rng.integers(0, HOURS)
            gone[s, a: a + rng.integers(3, 49)] = True
        if rng.random() < 0.1:
            a = rng.integers(0, HOURS)
            gone[s, a: a + 24 * rng.integers(5, 21)] = True
    for v in out.values():
        v[gone | (rng.random((n_stations, HOURS)) < 0.003)] = np.nan
        np.round(v, 1 if v is out["CO"] else 0, out=v)  # instruments report integers (CO 0.1 mg/m3)
    out["CO"] = np.round(out["CO"], 1)
    return out


def process_chunk(args) -> dict:
    """Generate and evaluate one chunk of stations; in the same process and moment, run the plain-Python +
    python-aqi baseline on the chunk's first station-years, so the ratio is measured under the same load."""
    start_station, n, seed, n_base = args
    t0 = time.perf_counter()
    values = synthetic(n, seed)
    t1 = time.perf_counter()
    c0 = time.process_time()
    data = hj663.HourlyData([f"站{start_station + i:04d}" for i in range(n)], dt.date(YEAR, 1, 1), values)
    daily = hj663.compute_daily(data)
    c1 = time.process_time()
    evs = hj663.evaluate_all(daily, year=YEAR, include_daily=False, include_invalid=False)
    c2 = time.process_time()
    base_times, same, both_n = [], 0, 0
    for st in range(min(n_base, n)):
        b0 = time.process_time()
        base = baseline_loop(values, st, DAYS)
        base_times.append(time.process_time() - b0)
        ours = daily.aqi.aqi[st]
        both = np.array([b is not None for b in base]) & ~np.isnan(ours)
        same += int(sum(1 for k in np.nonzero(both)[0] if base[k] == ours[k]))
        both_n += int(both.sum())
    # the IAQI step alone on the same daily values: python-aqi per value vs numpy over the chunk
    import aqi
    from aqi.algos import get_algo

    algo = get_algo(aqi.ALGO_MEP)
    todo = [(MEP[i], str(v)) for i in MEP for v in daily.values[i][0].tolist()
            if v == v and not (i == "O3_8h" and v > 800) and v <= E12.breakpoints(i)[-1]]
    t5 = time.process_time()
    for const, v in todo:
        algo.iaqi(const, v)
    t6 = time.process_time()
    for i in MEP:
        E12.iaqi(i, daily.values[i])
    t7 = time.process_time()
    return {
        "generate": t1 - t0, "daily": c1 - c0, "annual": c2 - c1, "n": n,
        "baseline": base_times, "baseline_same": same, "baseline_both": both_n,
        "pyaqi_per_value": (t6 - t5) / max(len(todo), 1), "numpy_per_value": (t7 - t6) / (n * DAYS * len(MEP)),
        "pm25": [e["pollutants"]["PM2.5"]["value"] for e in evs],
        "valid_years": sum(1 for e in evs if e["pollutants"]["PM2.5"]["valid"]),
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def import_timing(n_stations: int = 3) -> None:
    """The import layer on its own: a wide CSV of ``n_stations`` station-years → ``read_air`` → arrays."""
    import csv
    import tempfile

    from taizhang.monitoring.air import read_air

    values = synthetic(n_stations, seed=5)
    pols = ["PM2.5", "PM10", "SO2", "NO2", "CO", "O3"]
    hours = np.datetime64(f"{YEAR}-01-01T00", "h") + np.arange(HOURS)
    stamps = [str(h).replace("T", " ") + ":00" for h in hours]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "air.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["站点", "时间", "PM2.5(μg/m3)", "PM10(μg/m3)", "SO2(μg/m3)", "NO2(μg/m3)", "CO(mg/m3)",
                        "O3(μg/m3)"])
            cols = [values[p].tolist() for p in pols]
            for s in range(n_stations):
                for h in range(HOURS):
                    w.writerow([f"站{s}", stamps[h]] + ["" if c[s][h] != c[s][h] else c[s][h] for c in cols])
        size = os.path.getsize(path)
        t0 = time.process_time()
        air = read_air(path)
        t1 = time.process_time()
        hourly = air.to_hourly(YEAR)
        t2 = time.process_time()
    same = all(np.array_equal(hourly.values[p], values[p], equal_nan=True) for p in pols)
    print(f"\nimport (not in the ratio): wide CSV of {n_stations} station-years ({size / 2**20:.1f} MiB): read_air "
          f"{1000 * (t1 - t0) / n_stations:.0f} ms per station-year (parsing, units, checks), to_hourly "
          f"{1000 * (t2 - t1) / n_stations:.1f} ms per station-year; arrays equal to the generated ones: {same}")


MEP = {"SO2_24h": "so2_24h", "NO2_24h": "no2_24h", "PM10_24h": "pm10", "CO_24h": "co_24h",
       "O3_8h": "o3_8h", "O3_1h": "o3_1h", "PM2.5_24h": "pm25"}


def baseline_loop(values: dict[str, np.ndarray], station: int, days: int):
    """Plain Python: daily statistics with the same validity rules, then python-aqi for each sub-index."""
    import aqi
    from aqi.algos import get_algo

    algo = get_algo(aqi.ALGO_MEP)
    series = {p: values[p][station].tolist() for p in values}
    out = []
    for d in range(days):
        day = {}
        for p, item in (("SO2", "SO2_24h"), ("NO2", "NO2_24h"), ("PM10", "PM10_24h"), ("CO", "CO_24h"),
                        ("PM2.5", "PM2.5_24h")):
            hs = [x for x in series[p][d * 24: d * 24 + 24] if x == x]
            day[item] = round(sum(hs) / len(hs), 1 if p == "CO" else 0) if len(hs) >= 20 else None
        o3 = series["O3"][d * 24: d * 24 + 24]
        means = []
        for s in range(17):
            w = [x for x in o3[s: s + 8] if x == x]
            if len(w) >= 6:
                means.append(sum(w) / len(w))
        mx = max(means) if means else None
        day["O3_8h"] = round(mx) if mx is not None and (len(means) >= 14 or mx > 160) else None
        hs = [x for x in o3 if x == x]
        day["O3_1h"] = max(hs) if len(hs) >= 20 else None
        if any(day[i] is None for i in ("SO2_24h", "NO2_24h", "PM10_24h", "CO_24h", "PM2.5_24h", "O3_8h")):
            out.append(None)
            continue
        ccs = [(MEP[i], str(v)) for i, v in day.items() if v is not None and not (i == "O3_8h" and v > 800)]
        try:
            out.append(int(algo.aqi(ccs)))
        except (IndexError, TypeError):  # python-aqi has no value above its table
            out.append(None)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stations", type=int, default=1800)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=50)
    ap.add_argument("--baseline-per-chunk", type=int, default=3,
                    help="station-years of each chunk also run through the plain-Python + python-aqi baseline")
    ap.add_argument("--import-stations", type=int, default=3, help="station-years for the import timing (0: skip)")
    a = ap.parse_args(argv)
    print(f"CPU cores visible: {os.cpu_count()}; workers: {a.workers}; chunk: {a.chunk} stations; "
          f"BLAS threads per process: {os.environ.get('OPENBLAS_NUM_THREADS')}")
    print("timed as ours: hourly arrays (stations × 8760 per pollutant) → daily statistics with GB 3095 validity "
          "→ daily AQI (HJ 633) → annual evaluation (HJ 663) of every station; CPU time of the process")

    # 1 station-year: CPU time (median of 20 runs), and tracemalloc for the peak of Python/numpy allocations
    values = synthetic(1, seed=1)
    runs = []
    for _ in range(21):
        c0 = time.process_time()
        daily = hj663.compute_daily(hj663.HourlyData(["站0001"], dt.date(YEAR, 1, 1), values))
        ev = hj663.evaluate(daily, 0, year=YEAR)
        runs.append(time.process_time() - c0)
    tracemalloc.start()
    hj663.evaluate(hj663.compute_daily(hj663.HourlyData(["站0001"], dt.date(YEAR, 1, 1), values)), 0, year=YEAR)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    c0 = time.process_time()
    baseline_loop(values, 0, DAYS)
    base_one = time.process_time() - c0
    print(f"\n1 station-year: daily AQI + annual evaluation (with the daily series and the list of invalid days) "
          f"{1000 * np.median(runs[1:]):.1f} ms CPU (median of 20), tracemalloc peak {peak / 2**20:.1f} MiB; "
          f"PM2.5 {ev['pollutants']['PM2.5']['value']} μg/m3, good-days ratio {ev['aqi']['good_ratio']} %, "
          f"invalid entries {len(ev['invalid'])}; baseline {1000 * base_one:.0f} ms "
          f"→ {base_one / np.median(runs[1:]):.0f}× (one series: fixed per-call costs dominate)")
    if a.import_stations:
        import_timing(a.import_stations)

    # 1,800 station-years in chunks over worker processes
    chunks = [(s, min(a.chunk, a.stations - s), 1000 + s, a.baseline_per_chunk) for s in range(0, a.stations, a.chunk)]
    T0 = time.perf_counter()
    if a.workers > 1:
        with ProcessPoolExecutor(a.workers) as ex:
            results = list(ex.map(process_chunk, chunks))
    else:
        results = [process_chunk(c) for c in chunks]
    T1 = time.perf_counter()
    gen = sum(r["generate"] for r in results)
    dly = sum(r["daily"] for r in results)
    ann = sum(r["annual"] for r in results)
    bas = sum(sum(r["baseline"]) for r in results)
    n = sum(r["n"] for r in results)
    n_base = sum(len(r["baseline"]) for r in results)
    pm = np.array([x for r in results for x in r["pm25"] if x is not None])
    peak_worker = max(r["maxrss_kb"] for r in results) / 1024
    print(f"\n{n} station-years in {len(chunks)} chunks: wall {T1 - T0:.1f} s on {a.workers} worker(s), "
          f"including generation and the baseline runs; summed over workers: generation {gen:.1f} s, "
          f"daily statistics + daily AQI {dly:.2f} CPU-s, annual evaluation {ann:.2f} CPU-s, "
          f"baseline ({n_base} station-years) {bas:.1f} CPU-s")
    print(f"  ours: {(dly + ann):.2f} CPU-s for {n} station-years = {1000 * (dly + ann) / n:.3f} ms per station-year "
          f"→ ≈ {(dly + ann) / a.workers:.2f} s wall of computation on {a.workers} cores (goal < 60 s)")
    print(f"  peak RSS per worker {peak_worker:.0f} MiB; main process "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"  PM2.5 annual means {pm.min():.0f}–{pm.max():.0f} μg/m3 (median {np.median(pm):.0f}); "
          f"station-years meeting the 324-day/monthly rules for PM2.5: {sum(r['valid_years'] for r in results)}/{n}")
    per_sy_base = np.array([np.median(r["baseline"]) for r in results])
    per_sy_ours = np.array([(r["daily"] + r["annual"]) / r["n"] for r in results])
    ratio = per_sy_base / per_sy_ours
    all_base = np.array([x for r in results for x in r["baseline"]])
    q1, q3 = np.percentile(ratio, [25, 75])
    print(f"\nratio = (baseline CPU time per station-year) / (ours per station-year); baseline = plain Python daily "
          f"statistics (same validity rules, O3 8-h windows and daily maximum) + python-aqi MEP IAQI/AQI per day, no "
          f"annual evaluation; {n_base} station-years ({a.baseline_per_chunk} per chunk), each run in its worker "
          f"right after ours on the same chunk:")
    print(f"  baseline {1000 * np.median(all_base):.1f} ms per station-year (median; range "
          f"{1000 * all_base.min():.1f}–{1000 * all_base.max():.1f}), ours {1000 * np.median(per_sy_ours):.3f} ms "
          f"(median over chunks; range {1000 * per_sy_ours.min():.3f}–{1000 * per_sy_ours.max():.3f})")
    print(f"  ratio per chunk: median {np.median(ratio):.0f}×, interquartile {q1:.0f}–{q3:.0f}×, range "
          f"{ratio.min():.0f}–{ratio.max():.0f}× (goal ≥ 100×); pooled: "
          f"{(bas / n_base) / ((dly + ann) / n):.0f}×")
    same = sum(r["baseline_same"] for r in results)
    both = sum(r["baseline_both"] for r in results)
    print(f"  daily AQI identical on {100 * same / both:.1f} % of the {both} days both compute (python-aqi truncates "
          f"to integers, uses EPA-style segments and rounds half-even — explained in tests/standards/test_python_aqi.py)")
    pv = np.array([r["pyaqi_per_value"] for r in results])
    nv = np.array([r["numpy_per_value"] for r in results])
    print(f"  IAQI step alone: python-aqi {1e6 * np.median(pv):.2f} μs per value, numpy {1e9 * np.median(nv):.0f} ns "
          f"per value → {np.median(pv / nv):.0f}× (median over chunks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
