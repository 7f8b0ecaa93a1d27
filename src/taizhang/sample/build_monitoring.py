"""Build the bundled sample air-monitoring file: three invented stations of the sample county (青禾县), hourly
from 1 January to 30 April 2026, so that the data straddle the change of national standards on 1 March.

    python -m taizhang.sample.build_monitoring [OUTFILE]     # default: sample_air.csv beside this file

The values are invented by a deterministic model (Python's ``random`` with a fixed seed, whose sequence is
stable across Python versions): a winter-to-spring decline of particles and CO with pollution episodes of a
few days, traffic peaks of NO2 and CO, an afternoon O3 peak growing towards summer. A few gaps are written on
purpose so that the outputs show invalid days: scattered missing hours, a two-day outage of one station in
February, and an afternoon without PM2.5 at one station in March. Wide layout, units in the header, UTF-8
with a byte-order mark (so that Excel shows the Chinese names).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import sys
from pathlib import Path

STATIONS = (("城东站", 1.10), ("城西站", 0.95), ("开发区站", 1.20))  # name, level of local emissions
START = dt.datetime(2026, 1, 1)
END = dt.datetime(2026, 5, 1)
HEADER = ["站点", "时间", "PM2.5(μg/m3)", "PM10(μg/m3)", "SO2(μg/m3)", "NO2(μg/m3)", "CO(mg/m3)", "O3(μg/m3)"]
SEED = 20260301


def rows() -> list[list]:
    rng = random.Random(SEED)
    days = (END - START).days
    # pollution episodes shared by the stations: an AR(1) factor per day
    episode, x = [], 0.0
    for _ in range(days):
        x = 0.75 * x + rng.gauss(0, 0.28)
        episode.append(math.exp(x))
    out = []
    for name, level in STATIONS:
        outage = range(24 * 40, 24 * 42) if name == "城西站" else range(0)  # 10–11 February
        for h in range(days * 24):
            t = START + dt.timedelta(hours=h)
            d, hour = h // 24, t.hour
            season = 1.0 - 0.45 * d / days  # January high, April lower
            traffic = 1 + 0.3 * math.exp(-((hour - 8) ** 2) / 4) + 0.35 * math.exp(-((hour - 19) ** 2) / 6)
            noise = [rng.lognormvariate(0, 0.18) for _ in range(6)]
            pm25 = 62 * level * season * episode[d] * (0.85 + 0.15 * traffic) * noise[0]
            values = [
                round(pm25),
                round(pm25 * (1.55 + 0.25 * (d / days)) * noise[1] ** 0.5),  # dustier in spring
                round(9 * level * season * noise[2]),
                round(32 * level * traffic * noise[3] * episode[d] ** 0.4),
                round(0.9 * level * season * traffic * episode[d] ** 0.5 * noise[4], 1),
                round((45 + 70 * d / days) * (0.4 + 0.9 * math.exp(-((hour - 15) ** 2) / 9)) * noise[5]),
            ]
            if h in outage:
                continue
            if rng.random() < 0.008:  # a scattered missing hour
                values = [""] * 6
            if name == "开发区站" and t.date() == dt.date(2026, 3, 18) and 12 <= hour < 18:
                values[0] = ""  # an afternoon without PM2.5: 18 hours that day, an invalid PM2.5 day
            out.append([name, t.strftime("%Y-%m-%d %H:%M"), *values])
    return out


def build(path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows())
    return path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path(__file__).resolve().parent / "sample_air.csv"
    print(build(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
