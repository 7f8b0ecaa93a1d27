"""Extraction throughput over the seed corpus, in-process: MB/s of UTF-8 input, seconds per stage, peak RSS;
then the PDF and .docx paths on a long plan.

    .venv/bin/python benchmarks/extract.py [--seeds ../shared/seeds] [--repeat 10] [--files DIR]

Goal (issues 2, 8): ≥ 1 MB/s per core and < 200 MB peak RSS with the normalisation layer in. Each pass re-reads
every file, so caches of the reader do not hide work; the lexicons are loaded once, as in a long-running service.

PDF and .docx (issue 8: a plan of ~166 pages in < 1 s and < 200 MB): seed 003 typeset as an A4 PDF (164 pages)
and written as a .docx (benchmarks/plan_files.py; made once into --files, a temporary folder by default), each
read and extracted in a process of its own so that its peak RSS is its own.
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
    ap.add_argument("--files", help="folder for the generated PDF and .docx (kept)")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # child process: time one file
    args = ap.parse_args()
    if args.one:
        return _one(Path(args.one))
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
    for stage in ("read", "normalise", "segment", "annotate", "extract", "resolve"):
        s = timings.get(stage, 0.0)
        print(f"  {stage:8s} {s:7.3f} s  ({100 * s / wall:4.1f} %)")
    print(f"peak RSS: {rss_mb:.1f} MB")
    ok = total_mb / cpu >= 1.0 and rss_mb < 200
    print("goal (>= 1 MB/s per core, < 200 MB RSS):", "met" if ok else "NOT met")
    seed = next((p for p in files if p.name.startswith("003")), None)
    if seed is not None:
        ok &= _formats(seed, args.files)
    return 0


def _formats(seed: Path, folder: str | None) -> bool:
    import subprocess
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from plan_files import plan_files

    with tempfile.TemporaryDirectory() as tmp:
        made = plan_files(seed, Path(folder or tmp))
        ok = True
        for path in made.values():
            out = subprocess.run([sys.executable, __file__, "--one", str(path)], capture_output=True, text=True)
            print(out.stdout.strip() or out.stderr.strip()[-500:])
            ok &= out.returncode == 0
    return ok


def _one(path: Path) -> int:
    """Read and extract one file (a child process): seconds and peak RSS."""
    from taizhang.pipeline import extract_document
    from taizhang.read import read_document

    t0 = time.perf_counter()
    doc = read_document(path)
    t1 = time.perf_counter()
    led = extract_document(doc)
    t2 = time.perf_counter()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = f", {doc.pages} pages" if doc.pages else ""
    ok = path.suffix != ".pdf" or (t2 - t0 < 1.0 and rss_mb < 200)
    print(f"{path.suffix[1:]:5s} {path.stat().st_size / 1e6:.2f} MB{pages}: read {t1 - t0:.2f} s, extract {t2 - t1:.2f} s, "
          f"total {t2 - t0:.2f} s, {len(led.tasks)} tasks, peak RSS {rss_mb:.0f} MB"
          + ("  (goal < 1 s, < 200 MB: " + ("met)" if ok else "NOT met)") if path.suffix == ".pdf" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
