"""Benchmark of stored monitoring data and the target view.

    .venv/bin/python benchmarks/monitoring_targets.py                       # 4 stations, one year, 12 monthly files
    .venv/bin/python benchmarks/monitoring_targets.py --stations 10 --files 1 --runs 20

Runs in a throw-away SQLite database under a temporary TAIZHANG_HOME (never the user's data). Generates a
year of invented hourly air data (six pollutants, a seasonal and daily cycle with noise) for ``--stations``
stations, split into ``--files`` monthly files (CSV), and stores them with the service (as an upload does).
Then measures:

- upload: reading, parsing and storing each file (``services.add_monitoring_dataset``);
- evaluation, cold: merging the stored datasets of the year, HJ 663 city evaluation and the tracking of a
  plan's targets (cache cleared before each run);
- the target view (``/documents/<pk>/targets/``) through Django's test Client with a warm cache.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import os
import random
import statistics
import sys
import tempfile
import time


def air_file(year: int, month_from: int, month_to: int, stations: int, rng: random.Random) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["站点", "时间", "PM2.5(μg/m3)", "PM10(μg/m3)", "SO2(μg/m3)", "NO2(μg/m3)", "CO(mg/m3)", "O3(μg/m3)"])
    start = dt.datetime(year, month_from, 1)
    end = dt.datetime(year + (month_to == 12), month_to % 12 + 1, 1)
    for s in range(stations):
        t = start
        while t < end:
            season = 1 + 0.5 * math.cos(2 * math.pi * (t.timetuple().tm_yday - 15) / 365)
            hour = 1 + 0.2 * math.sin(2 * math.pi * (t.hour - 8) / 24)
            pm = max(1.0, 30 * season * hour * rng.lognormvariate(0, 0.35))
            w.writerow([f"监测站{s + 1}", t.strftime("%Y-%m-%d %H:%M"), round(pm), round(pm * 1.6), round(8 * season),
                        round(25 * hour), round(0.6 * season, 1), round(max(2.0, 90 / season * hour))])
            t += dt.timedelta(hours=1)
    return buf.getvalue().encode("utf-8")


def ledger(year: int) -> dict:
    targets = [("PM2.5浓度", "<=", 32, "微克/立方米", None), ("优良天数比率", ">=", 85, "%", None),
               ("PM10浓度", "<=", 60, "微克/立方米", None), ("臭氧浓度", "<=", 160, "微克/立方米", None)]
    return {"format": "taizhang.ledger/1",
            "document": {"title": f"基准县{year}年大气污染防治方案", "region": "基准县"},
            "targets": [{"id": f"G{i}", "indicator": ind, "comparator": comp, "value": v, "unit": unit, "year": year,
                         "baseline_year": base, "text": ind} for i, (ind, comp, v, unit, base) in enumerate(targets, 1)],
            "tasks": [], "warnings": []}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stations", type=int, default=4)
    ap.add_argument("--files", type=int, choices=(1, 2, 3, 4, 6, 12), default=12, help="files per year")
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()

    home = tempfile.mkdtemp(prefix="taizhang-bench-monitoring-")
    os.environ["TAIZHANG_HOME"] = home
    os.environ.pop("DATABASE_URL", None)
    from taizhang.service import setup

    setup()
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from taizhang.service.ledger import monitoring, services
    from taizhang.service.ledger.models import UserProfile

    call_command("migrate", interactive=False, verbosity=0)
    setup_test_environment()
    admin = User.objects.create_superuser("admin", "", "x")
    UserProfile.objects.create(user=admin, role="admin")
    doc = services.import_ledger(ledger(args.year), upload=services.Upload("plan.txt", b"plan"), text="plan",
                                 fmt="txt", user=admin)
    rng = random.Random(1)
    step = 12 // args.files
    upload_s, rows = [], 0
    for m in range(1, 13, step):
        data = air_file(args.year, m, m + step - 1, args.stations, rng)
        t0 = time.perf_counter()
        ds = services.add_monitoring_dataset((f"{args.year}-{m:02d}.csv", data), admin, jurisdiction=doc.jurisdiction)
        upload_s.append(time.perf_counter() - t0)
        rows += ds.records
    print(f"{args.stations} stations, {rows} station-hours in {args.files} files "
          f"(SQLite, {os.cpu_count()} CPUs; the machine may be shared)")
    print(f"upload (read + parse + store): {sum(upload_s):.2f} s in all, {statistics.mean(upload_s) * 1000:.0f} ms "
          f"per file, {sum(upload_s) / rows * 1e6:.1f} µs per station-hour")
    targets = list(doc.targets.all())
    cold = []
    for _ in range(args.runs):
        cache.clear()
        t0 = time.perf_counter()
        res = monitoring.track_targets(targets, doc.jurisdiction)
        cold.append(time.perf_counter() - t0)
    print(f"evaluation + tracking, cold cache: median {statistics.median(cold) * 1000:.0f} ms, "
          f"max {max(cold) * 1000:.0f} ms")
    for r in res:
        print(f"  {r['indicator']}: {r['status_text']} — {r['message']}")
    client = Client()
    client.force_login(admin)
    url = f"/documents/{doc.pk}/targets/"
    assert client.get(url).status_code == 200
    warm = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        assert client.get(url).status_code == 200
        warm.append(time.perf_counter() - t0)
    print(f"target view, warm cache: median {statistics.median(warm) * 1000:.0f} ms, max {max(warm) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
