"""Extraction throughput over the seed corpus, in-process: MB/s of UTF-8 input, seconds per stage, peak RSS.

    .venv/bin/python benchmarks/extract.py [--seeds ../shared/seeds] [--repeat 10]

Goal (issue 2): ≥ 1 MB/s per core and < 200 MB peak RSS. Each pass re-reads every file, so caches of the
reader do not hide work; the lexicons are loaded once, as in a long-running service.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default=str(ROOT.parent / "shared" / "seeds"))
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()
    from taizhang.pipeline import extract_file

    files = sorted(p for p in Path(args.seeds).iterdir() if p.suffix in (".txt", ".docx", ".pdf"))
    if not files:
        print(f"no documents in {args.seeds}", file=sys.stderr)
        return 2
    size = sum(len(p.read_text(encoding="utf-8").encode("utf-8")) if p.suffix == ".txt" else p.stat().st_size
               for p in files)
    for p in files:  # warm-up: lexicons, regexes
        extract_file(p)
    timings: dict[str, float] = {}
    tasks = 0
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    for _ in range(args.repeat):
        for p in files:
            tasks += len(extract_file(p, timings=timings).tasks)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    total_mb = size * args.repeat / 1e6
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents: {len(files)} x {args.repeat} = {total_mb:.2f} MB of UTF-8 input, {tasks} tasks")
    print(f"throughput: {total_mb / wall:.2f} MB/s wall, {total_mb / cpu:.2f} MB/s per CPU-second")
    for stage in ("read", "segment", "extract", "resolve"):
        s = timings.get(stage, 0.0)
        print(f"  {stage:8s} {s:7.3f} s  ({100 * s / wall:4.1f} %)")
    print(f"peak RSS: {rss_mb:.1f} MB")
    ok = total_mb / cpu >= 1.0 and rss_mb < 200
    print("goal (>= 1 MB/s per core, < 200 MB RSS):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
