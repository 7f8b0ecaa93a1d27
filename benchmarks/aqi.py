"""Benchmark: hourly data → daily AQI (HJ 633) and annual evaluation (HJ 663), 1 and 1,800 station-years.

Usage: .venv/bin/python benchmarks/aqi.py [--stations 1800] [--workers 2] [--chunk 100] [--baseline-days 730]

What is measured (all printed):
- the synthetic generator (seasonal + diurnal + day-to-day persistence + noise + missing hours and outages)
  is timed separately from the computation;
- ours: numpy daily statistics with GB 3095 validity, daily AQI, then the annual evaluation of every
  station, in chunks of stations (memory stays bounded), over ``--workers`` processes;
- baseline: a plain Python loop doing the same daily statistics and calling python-aqi (``aqi.ALGO_MEP``)
  for every sub-index, on the first ``--baseline-days`` station-days; its per-station-day time is
  extrapolated linearly to the full size (stated as such). Also the IAQI step alone: python-aqi on the
  daily concentrations vs our vectorised IAQI on the same values.
python-aqi's IAQIs differ from HJ 633 by design (integer truncation, EPA-style segments, half-even
rounding; see tests/test_standards_python_aqi.py); the agreement rate is printed.
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

import numpy as np  # noqa: E402

from taizhang.standards import hj633, hj663  # noqa: E402

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
    python-aqi baseline on the chunk's first station-year, so the ratio is measured under the same load."""
    start_station, n, seed = args
    t0 = time.perf_counter()
    values = synthetic(n, seed)
    t1 = time.perf_counter()
    data = hj663.HourlyData([f"站{start_station + i:04d}" for i in range(n)], dt.date(YEAR, 1, 1), values)
    daily = hj663.compute_daily(data)
    t2 = time.perf_counter()
    evs = hj663.evaluate_all(daily, year=YEAR, include_daily=False, include_invalid=False)
    t3 = time.perf_counter()
    base = baseline_loop(values, 0, DAYS)
    t4 = time.perf_counter()
    ours = daily.aqi.aqi[0]
    both = np.array([b is not None for b in base]) & ~np.isnan(ours)
    same = int(sum(1 for k in np.nonzero(both)[0] if base[k] == ours[k]))
    # the IAQI step alone on the same daily values: python-aqi per value vs numpy over the chunk
    import aqi
    from aqi.algos import get_algo

    algo = get_algo(aqi.ALGO_MEP)
    todo = [(MEP[i], str(v)) for i in MEP for v in daily.values[i][0].tolist()
            if v == v and not (i == "O3_8h" and v > 800) and v <= hj633.breakpoints(i)[-1]]
    t5 = time.perf_counter()
    for const, v in todo:
        algo.iaqi(const, v)
    t6 = time.perf_counter()
    for i in MEP:
        hj633.iaqi(i, daily.values[i])
    t7 = time.perf_counter()
    return {
        "generate": t1 - t0, "daily": t2 - t1, "annual": t3 - t2, "n": n,
        "baseline_station_year": t4 - t3, "baseline_same": same, "baseline_both": int(both.sum()),
        "pyaqi_per_value": (t6 - t5) / max(len(todo), 1), "numpy_per_value": (t7 - t6) / (n * DAYS * len(MEP)),
        "pm25": [e["pollutants"]["PM2.5"]["value"] for e in evs],
        "valid_years": sum(1 for e in evs if e["pollutants"]["PM2.5"]["valid"]),
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


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
    a = ap.parse_args(argv)
    print(f"CPU cores visible: {os.cpu_count()}; workers: {a.workers}; chunk: {a.chunk} stations")

    # 1 station-year, with tracemalloc for the peak of Python/numpy allocations
    values = synthetic(1, seed=1)
    hj663.evaluate(hj663.compute_daily(hj663.HourlyData(["warm-up"], dt.date(YEAR, 1, 1), values)), 0)
    tracemalloc.start()
    t0 = time.perf_counter()
    daily = hj663.compute_daily(hj663.HourlyData(["站0001"], dt.date(YEAR, 1, 1), values))
    ev = hj663.evaluate(daily, 0, year=YEAR)
    t1 = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\n1 station-year: daily AQI + annual evaluation {1000 * (t1 - t0):.1f} ms, "
          f"tracemalloc peak {peak / 2**20:.1f} MiB; PM2.5 {ev['pollutants']['PM2.5']['value']} μg/m3, "
          f"good-days ratio {ev['aqi']['good_ratio']} %, invalid entries {len(ev['invalid'])}")

    # 1,800 station-years in chunks over worker processes
    chunks = [(s, min(a.chunk, a.stations - s), 1000 + s) for s in range(0, a.stations, a.chunk)]
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
    bas = sum(r["baseline_station_year"] for r in results)
    n = sum(r["n"] for r in results)
    pm = np.array([x for r in results for x in r["pm25"] if x is not None])
    peak_worker = max(r["maxrss_kb"] for r in results) / 1024
    print(f"\n{n} station-years in {len(chunks)} chunks: wall {T1 - T0:.1f} s on {a.workers} worker(s), "
          f"including the baseline runs; summed over workers: generation {gen:.1f} s, "
          f"daily statistics + daily AQI {dly:.1f} s, annual evaluation {ann:.1f} s, baseline {bas:.1f} s")
    print(f"  ours: {(dly + ann):.1f} CPU-s for {n} station-years = {1000 * (dly + ann) / n:.2f} ms per station-year "
          f"→ ≈ {(dly + ann) / a.workers:.1f} s wall on {a.workers} cores")
    print(f"  peak RSS per worker {peak_worker:.0f} MiB; main process "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"  PM2.5 annual means {pm.min():.0f}–{pm.max():.0f} μg/m3 (median {np.median(pm):.0f}); "
          f"station-years meeting the 324-day/monthly rules for PM2.5: {sum(r['valid_years'] for r in results)}/{n}")
    per_sy_base = np.array([r["baseline_station_year"] for r in results])
    per_sy_ours = np.array([(r["daily"] + r["annual"]) / r["n"] for r in results])
    ratio = per_sy_base / per_sy_ours
    print(f"\nbaseline = plain Python daily statistics (same validity rules) + python-aqi MEP per day, no annual "
          f"evaluation; measured on the first station-year of each chunk ({len(chunks)} station-years), in the same "
          f"process right after ours:")
    print(f"  baseline {1000 * np.median(per_sy_base):.0f} ms per station-year (median), ours "
          f"{1000 * np.median(per_sy_ours):.2f} ms → ratio median {np.median(ratio):.0f}× "
          f"(range {ratio.min():.0f}–{ratio.max():.0f}×)")
    est = float(np.sum(per_sy_base * np.array([r["n"] for r in results])))
    print(f"  baseline extrapolated linearly to {n} station-years: {est:.0f} CPU-s vs ours {dly + ann:.1f} CPU-s "
          f"→ {est / (dly + ann):.0f}×")
    same = sum(r["baseline_same"] for r in results)
    both = sum(r["baseline_both"] for r in results)
    print(f"  daily AQI identical on {100 * same / both:.1f} % of the {both} days both compute (python-aqi truncates "
          f"to integers, uses EPA-style segments and rounds half-even — explained in tests/test_standards_python_aqi.py)")
    pv = np.array([r["pyaqi_per_value"] for r in results])
    nv = np.array([r["numpy_per_value"] for r in results])
    print(f"  IAQI step alone: python-aqi {1e6 * np.median(pv):.2f} μs per value, numpy {1e9 * np.median(nv):.0f} ns "
          f"per value → {np.median(pv / nv):.0f}× (median over chunks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
