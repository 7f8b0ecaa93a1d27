"""Benchmark of the ledger screens at scale: 100k tasks and 1M progress reports.

    .venv/bin/python benchmarks/ledger.py                  # both databases, default sizes
    .venv/bin/python benchmarks/ledger.py --db sqlite --tasks 20000 --reports 200000 --runs 10
    .venv/bin/python benchmarks/ledger.py --db postgres --rebuild

Data go into a dedicated benchmark database, never the user's: a SQLite file under /tmp
(``/tmp/taizhang-bench/bench.sqlite3``) and the PostgreSQL database ``taizhang_bench`` (created by this script
on ``--pg-url``, default ``postgres://postgres@127.0.0.1:5432``). They are generated once with bulk_create
(invented tasks, units, deadlines, reports) and reused by later runs unless ``--rebuild``
(``TAIZHANG_BENCH_DIR`` and ``TAIZHANG_BENCH_PG_DB`` name other ones).

Measured through Django's test Client (the whole middleware stack, a logged-in leader): the ledger list
(``/ledger/``) under realistic filter combinations, and the dashboard (``/``). Prints p50 / p95 / max in ms and
the number of SQL queries per request; goals: list p95 < 100 ms, dashboard p95 < 200 ms.
Each database runs in its own child process (Django settings are per process).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# TAIZHANG_BENCH_DIR / TAIZHANG_BENCH_PG_DB: another place for the data, so that two checkouts can run the
# benchmark side by side without sharing (and regenerating) one database
BENCH_DIR = Path(os.environ.get("TAIZHANG_BENCH_DIR", "/tmp/taizhang-bench"))
SQLITE_PATH = BENCH_DIR / "bench.sqlite3"
PG_DB = os.environ.get("TAIZHANG_BENCH_PG_DB", "taizhang_bench")
GOALS = {"list": 100.0, "dashboard": 200.0}

UNIT_NAMES = [
    "生态环境局", "发展和改革委员会", "工业和信息化局", "公安局", "财政局", "自然资源和规划局", "住房和城乡建设局",
    "交通运输局", "水利局", "农业农村局", "商务局", "卫生健康委员会", "应急管理局", "市场监督管理局",
    "城市管理局", "林业局", "统计局", "气象局", "供销合作社", "文化广电和旅游局",
]
TOWNS = ["城关镇", "临河镇", "东岭镇", "西山乡", "南湖街道", "北塘街道", "高新区管委会", "经济开发区管委会"]
VERBS = ["推进", "加强", "开展", "完成", "深化", "强化", "严格", "实施", "建立", "整治"]
OBJECTS = ["燃煤锅炉淘汰", "扬尘污染管控", "露天焚烧秸秆巡查", "黑臭水体整治", "入河排污口排查", "工业企业提标改造",
           "挥发性有机物治理", "柴油货车污染治理", "餐饮油烟治理", "畜禽养殖污染防治", "农村生活污水治理",
           "危险废物规范化管理", "饮用水水源地保护", "矿山生态修复", "建筑垃圾消纳场整治", "加油站油气回收"]
DETAILS = ["建立工作台账，实行销号管理", "每月开展一次专项检查", "确保按期完成整改任务", "形成长效监管机制",
           "对发现的问题立行立改", "定期向指挥部办公室报送进展", "完成后组织验收", "纳入年度考核"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- parent: one child process per database


def pg_admin_url(base: str) -> str:
    return base.rstrip("/").replace("postgres://", "postgresql://", 1) + "/postgres"


def ensure_pg_database(base: str) -> None:
    import psycopg

    with psycopg.connect(pg_admin_url(base), autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
            log(f"created PostgreSQL database {PG_DB}")


def drop_pg_database(base: str) -> None:
    import psycopg

    with psycopg.connect(pg_admin_url(base), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')


def run_child(db: str, args) -> dict:
    env = dict(os.environ)
    env["TAIZHANG_HOME"] = str(BENCH_DIR / "home")
    env["TAIZHANG_SECRET_KEY"] = "benchmark-only-secret"
    if db == "sqlite":
        if args.rebuild and SQLITE_PATH.exists():
            SQLITE_PATH.unlink()
        env["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        if args.rebuild:
            drop_pg_database(args.pg_url)
        ensure_pg_database(args.pg_url)
        env["DATABASE_URL"] = args.pg_url.rstrip("/") + "/" + PG_DB
    cmd = [sys.executable, __file__, "--child", db, "--tasks", str(args.tasks), "--reports", str(args.reports),
           "--runs", str(args.runs)] + (["--recommended-indexes"] if args.recommended_indexes else [])
    out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- child: generate and measure


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.service.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def generate(n_tasks: int, n_reports: int, seed: int = 20240601) -> None:
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.utils import timezone

    from taizhang.service.ledger import lights
    from taizhang.service.ledger.models import (
        Assignment,
        Deadline,
        Document,
        Jurisdiction,
        Organisation,
        ProgressReport,
        Task,
        UserProfile,
    )

    rnd = random.Random(seed)
    today = date.today()
    t0 = time.perf_counter()
    with transaction.atomic():
        county = Jurisdiction.objects.create(name="示范县", level="county")
        orgs = Organisation.objects.bulk_create(
            [Organisation(jurisdiction=county, name=f"示范县{n}") for n in UNIT_NAMES]
            + [Organisation(jurisdiction=county, name=f"示范县{t}", kind="territorial") for t in TOWNS]
            + [Organisation(jurisdiction=county, name=f"示范县{n}（{i}）") for i in range(2, 5) for n in UNIT_NAMES[:30]]
        )
        depts = [o for o in orgs if o.kind == "department"]
        towns = [o for o in orgs if o.kind == "territorial"]
        admin = User.objects.create_superuser("bench-admin", "admin@example.invalid", "bench")
        leader = User.objects.create_user("bench-leader", "leader@example.invalid", "bench")
        UserProfile.objects.create(user=leader, role="leader")
        n_docs = max(1, n_tasks // 1000)
        published_at = timezone.now() - timedelta(days=900)
        docs = Document.objects.bulk_create([
            Document(title=f"示范县{2023 + i % 4}年污染防治攻坚行动方案（第{i + 1}号）", jurisdiction=county,
                     original=f"originals/bench/{i}.txt", original_name=f"plan-{i}.txt",
                     sha256=f"{i:064x}", size=1000, text="（基准测试数据，无原文）", format="txt", imported_by=admin,
                     state="published", published_at=published_at)
            for i in range(n_docs)
        ])
    log(f"  organisations, users, {len(docs)} documents: {time.perf_counter() - t0:.1f}s")

    states = ["active"] * 60 + ["claimed"] * 10 + ["closed"] * 25 + ["draft"] * 5
    batch = 5000
    t0 = time.perf_counter()
    made = 0
    task_meta: list[tuple[int, int, date | None]] = []  # (task id, lead org id, start)
    while made < n_tasks:
        size = min(batch, n_tasks - made)
        tasks = []
        for k in range(size):
            i = made + k
            state = rnd.choice(states)
            ongoing = rnd.random() < 0.06
            start = today - timedelta(days=rnd.randint(30, 900))
            due = None if ongoing else start + timedelta(days=rnd.randint(60, 1100))
            pct = None if state == "draft" else (100 if state in ("claimed", "closed") else rnd.choice(
                [None, 10, 20, 30, 40, 50, 60, 70, 80, 90]))
            last_period = "" if pct is None else f"{(today - timedelta(days=rnd.randint(0, 120))):%Y-%m}"
            title = f"{rnd.choice(VERBS)}{rnd.choice(OBJECTS)}"
            tasks.append(Task(
                document_id=docs[i % len(docs)].pk, key=f"T{i}", position=i // len(docs),
                number=f"{i // len(docs) + 1}", kind="measure", title=title,
                text=f"{title}。{rnd.choice(DETAILS)}，{rnd.choice(DETAILS)}。", state=state,
                ongoing=ongoing, due_date=due, start_date=start, last_percent=pct, last_period=last_period,
                behind_after=lights.behind_after(start, due, pct),
                closed_at=(timezone.now() - timedelta(days=rnd.randint(0, 400))) if state == "closed" else None,
            ))
        with transaction.atomic():
            created = Task.objects.bulk_create(tasks, batch_size=batch)
            asg, dls = [], []
            for t in created:
                lead = rnd.choice(depts)
                asg.append(Assignment(task_id=t.pk, organisation_id=lead.pk, role="lead"))
                for o in rnd.sample([d for d in depts if d.pk != lead.pk], rnd.randint(0, 2)):
                    asg.append(Assignment(task_id=t.pk, organisation_id=o.pk, role="support"))
                if rnd.random() < 0.4:
                    asg.append(Assignment(task_id=t.pk, organisation_id=rnd.choice(towns).pk, role="territorial"))
                if t.due_date:
                    dls.append(Deadline(task_id=t.pk, type="by", date=t.due_date, text=f"{t.due_date:%Y年%m月}底前"))
                task_meta.append((t.pk, lead.pk, t.start_date))
            Assignment.objects.bulk_create(asg, batch_size=batch)
            Deadline.objects.bulk_create(dls, batch_size=batch)
        made += size
    log(f"  {made} tasks with units and deadlines: {time.perf_counter() - t0:.1f}s")

    t0 = time.perf_counter()
    now = timezone.now()
    done = 0
    while done < n_reports:
        size = min(20000, n_reports - done)
        reps = []
        for _ in range(size):
            tid, org, start = task_meta[rnd.randrange(len(task_meta))]
            back = rnd.randint(0, 720)
            at = now - timedelta(days=back, minutes=rnd.randint(0, 1440))
            reps.append(ProgressReport(task_id=tid, organisation_id=org, period=f"{at:%Y-%m}",
                                       text="按序时推进，本月完成现场检查并督促整改。", percent=rnd.randint(0, 100),
                                       submitted_by_id=admin.pk))
        with transaction.atomic():
            ProgressReport.objects.bulk_create(reps, batch_size=5000)
        done += size
        if done % 200000 == 0:
            log(f"    {done} reports…")
    # submitted_at is auto_now_add: spread it over the periods for realism
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("UPDATE ledger_progressreport SET submitted_at = to_timestamp(period || '-15', 'YYYY-MM-DD')")
            cur.execute("VACUUM ANALYZE") if connection.get_autocommit() else None
        else:
            cur.execute("UPDATE ledger_progressreport SET submitted_at = period || '-15 08:00:00'")
            cur.execute("ANALYZE")
    # bulk_create bypasses the services: the dashboard's stored monthly report counts are rebuilt here
    from taizhang.service.ledger.models import ReportMonthCount

    ReportMonthCount.rebuild()
    log(f"  {done} progress reports: {time.perf_counter() - t0:.1f}s")


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def measure(runs: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from taizhang.service.ledger.models import Document, Organisation, Task

    c = Client()
    from django.contrib.auth.models import User

    c.force_login(User.objects.get(username="bench-leader"))
    rnd = random.Random(7)
    orgs = list(Organisation.objects.filter(kind="department").values_list("pk", flat=True))
    docs = list(Document.objects.values_list("pk", flat=True))
    n = Task.objects.count()
    today = date.today()

    def combos():
        unit = rnd.choice(orgs)
        d0 = today + timedelta(days=rnd.randint(-200, 200))
        return [
            ("全部（默认排序）", {}),
            ("状态=推进中", {"state": "active"}),
            ("灯色=红", {"light": "red"}),
            ("灯色=黄，按时限排序", {"light": "yellow", "sort": "due"}),
            ("单位+牵头", {"unit": unit, "role": "lead"}),
            ("单位+红灯", {"unit": unit, "light": "red"}),
            ("文件", {"document": rnd.choice(docs)}),
            ("时限区间（3个月）", {"due_from": d0.isoformat(), "due_to": (d0 + timedelta(days=90)).isoformat()}),
            ("关键词", {"q": rnd.choice(OBJECTS)[:4]}),
            # a two-character word, the commonest search: shorter than a trigram, so tested row by row
            ("关键词（两字）", {"q": rnd.choice(["扬尘", "锅炉", "秸秆", "油烟", "排污", "水体"])}),
            ("第40页，时限倒序", {"sort": "-due", "page": 40}),
            ("推进中+按灯色排序", {"state": "active", "sort": "light"}),
            ("单位+配合+关键词", {"unit": unit, "role": "support", "q": "扬尘"}),
        ]

    def timed(url, params):
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            resp = c.get(url, params)
            dt = (time.perf_counter() - t) * 1000
        assert resp.status_code == 200, (url, params, resp.status_code)
        return dt, len(q.captured_queries)

    for _name, params in combos():  # warm-up
        timed("/ledger/", params)
    timed("/", {})
    per_combo: dict[str, list[float]] = {}
    list_times: list[float] = []
    list_queries = []
    for _ in range(runs):
        for name, params in combos():
            dt, nq = timed("/ledger/", params)
            per_combo.setdefault(name, []).append(dt)
            list_times.append(dt)
            list_queries.append(nq)
    from django.core.cache import cache

    dash_times, dash_queries = [], []
    for _ in range(max(runs, 10)):
        cache.clear()  # cold: the dashboard's aggregates computed afresh on every request
        dt, nq = timed("/", {})
        dash_times.append(dt)
        dash_queries.append(nq)
    # the dashboard of one plan and of a chosen month (cold too)
    by_scope: dict[str, list[float]] = {}
    period = f"{(today.replace(day=1) - timedelta(days=40)):%Y-%m}"
    for _ in range(max(runs, 10)):
        for name, url, params in (("方案", "/", {"document": rnd.choice(docs)}), ("月份", "/", {"period": period}),
                                  ("单位排名", "/rankings/", {})):
            cache.clear()
            by_scope.setdefault(name, []).append(timed(url, params)[0])
    timed("/", {})  # computed once, then cached
    warm_times = []
    for _ in range(max(runs, 10)):  # warm: no change since the last request (cache keyed by the audit head)
        warm_times.append(timed("/", {})[0])
    from taizhang.service.ledger.models import ProgressReport

    return {
        "vendor": connection.vendor,
        "tasks": n,
        "reports": ProgressReport.objects.count(),
        "list": {"n": len(list_times), "p50": statistics.median(list_times), "p95": percentile(list_times, 95),
                 "max": max(list_times), "queries": max(list_queries)},
        "list_by_filter": {k: {"p50": statistics.median(v), "p95": percentile(v, 95)} for k, v in per_combo.items()},
        "dashboard": {"n": len(dash_times), "p50": statistics.median(dash_times),
                      "p95": percentile(dash_times, 95), "max": max(dash_times), "queries": max(dash_queries)},
        "dashboard_by_scope": {k: {"p50": statistics.median(v), "p95": percentile(v, 95)} for k, v in by_scope.items()},
        "dashboard_cached": {"n": len(warm_times), "p50": statistics.median(warm_times),
                             "p95": percentile(warm_times, 95), "max": max(warm_times), "queries": 0},
    }


# Extra indexes to try: with --recommended-indexes they are created in the benchmark database, measured, and
# dropped again. The dashboard's and the list's indexes are in the ledger's migration 0003 (task_light_cover,
# task_state_closed, task_doc_position, assignment_role_task_org; reports per month from ReportMonthCount).
RECOMMENDED_INDEXES = {
    "report_period": ("ledger_progressreport", ["period"]),
}


def recommended_indexes(create: bool) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for name, (table, cols) in RECOMMENDED_INDEXES.items():
            if create:
                cur.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({", ".join(cols)})')
            else:
                cur.execute(f'DROP INDEX IF EXISTS "{name}"')


def child(db: str, args) -> None:
    setup_django()
    from taizhang.service.ledger.models import ProgressReport, Task

    have_tasks = Task.objects.count()
    if have_tasks != args.tasks or ProgressReport.objects.count() != args.reports:
        if have_tasks:
            log(f"[{db}] existing benchmark data has other sizes: run with --rebuild")
            sys.exit(2)
        log(f"[{db}] generating {args.tasks} tasks and {args.reports} progress reports…")
        generate(args.tasks, args.reports)
    recommended_indexes(create=False)
    analyze()
    log(f"[{db}] measuring ({args.runs} runs per filter combination)…")
    out = {"base": measure(args.runs)}
    if args.recommended_indexes:
        recommended_indexes(create=True)
        analyze()
        log(f"[{db}] measuring again with the recommended indexes…")
        out["with_recommended_indexes"] = measure(args.runs)
        recommended_indexes(create=False)
    print(json.dumps(out, ensure_ascii=False))


def report(results: dict[str, dict]) -> None:
    for db, variants in results.items():
        for variant, r in variants.items():
            print(f"\n== {db} ({r['vendor']}), {variant}: {r['tasks']} tasks, {r['reports']} progress reports")
            for key, label, goal in (("list", "ledger list /ledger/", GOALS["list"]),
                                     ("dashboard", "dashboard / (cold)", GOALS["dashboard"]),
                                     ("dashboard_cached", "dashboard / (cached)", GOALS["dashboard"])):
                m = r[key]
                ok = "OK" if m["p95"] < goal else "OVER GOAL"
                print(f"  {label:24s} n={m['n']:4d}  p50={m['p50']:7.1f} ms  p95={m['p95']:7.1f} ms  "
                      f"max={m['max']:7.1f} ms  queries/request={m['queries']}  goal p95<{goal:.0f} ms: {ok}")
            for name, m in r.get("dashboard_by_scope", {}).items():
                label = {"方案": "dashboard of one plan", "月份": "dashboard of one month"}.get(name, "/rankings/")
                print(f"    {label} ({name}) (cold)  p50={m['p50']:7.1f} ms  p95={m['p95']:7.1f} ms")
            for name, m in r["list_by_filter"].items():
                print(f"    {name:20s} p50={m['p50']:7.1f} ms  p95={m['p95']:7.1f} ms")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--reports", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=20, help="timed requests per filter combination")
    ap.add_argument("--rebuild", action="store_true", help="drop and regenerate the benchmark data")
    ap.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    ap.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    ap.add_argument("--recommended-indexes", action="store_true",
                    help="measure again with the indexes of RECOMMENDED_INDEXES (then dropped)")
    ap.add_argument("--child", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args)
        return 0
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    results = {}
    for db in (("sqlite", "postgres") if args.db == "both" else (args.db,)):
        results[db] = run_child(db, args)
    report(results)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
