"""Benchmark of big plans in the service: the review page, one review edit, publishing, the documents list.

    .venv/bin/python benchmarks/review.py                       # both databases, 500-task plans, 20 plans
    .venv/bin/python benchmarks/review.py --db sqlite --tasks 500 --plans 20 --runs 5
    .venv/bin/python benchmarks/review.py --seed-plan ../shared/seeds/003_170c7a9f9b5c38ba.txt

Measured through Django's test Client (the whole middleware stack, a logged-in reviewer), each database in a
child process of its own (Django settings are per process), on a database made afresh for the run: a SQLite
file under /tmp/taizhang-bench-review and the PostgreSQL database ``taizhang_bench_review`` (created and dropped
on ``--pg-url``, default ``postgres://postgres@127.0.0.1:5432``).

Plans are generated: ``--tasks`` tasks each (invented text in the genre of an action plan: a lead unit, one or
two supporting units, sometimes towns, a deadline or 长期坚持), imported as drafts with ``import_ledger``.
With ``--seed-plan`` a real plan file is also imported through the extractor (``import_document``).

Figures (median and max over ``--runs``, in ms; page weight in bytes and HTML elements):

- review page: the first page, a middle page, the 缺时限 filter; HTML size and elements;
- edit: one review edit (POST) and the review page it returns to (GET of the redirect);
- publish: publishing a whole plan (POST), one fresh plan per run;
- documents: the documents list with ``--plans`` plans of ``--tasks`` tasks.

Goals (issue 12): publish and edit well under a second on 500 tasks; documents list < 300 ms with 20 plans of
500 tasks. Prints a table per database and the figures as JSON on the last line; the figures of record, with
the machine's load, are in docs/dev/performance.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from ledger import setup_django  # benchmarks/ledger.py: the same settings and migrated database

ROOT = Path(__file__).resolve().parent.parent
# TAIZHANG_BENCH_DIR / TAIZHANG_BENCH_PG_DB: other places for the data, so that two checkouts can run the
# benchmark side by side without dropping each other's database
BENCH_DIR = Path(os.environ.get("TAIZHANG_BENCH_DIR", "/tmp/taizhang-bench-review"))
PG_DB = os.environ.get("TAIZHANG_BENCH_PG_DB", "taizhang_bench_review")

UNITS = ["生态环境局", "发展和改革委员会", "工业和信息化局", "公安局", "财政局", "自然资源和规划局", "住房和城乡建设局",
         "交通运输局", "水利局", "农业农村局", "商务局", "卫生健康委员会", "应急管理局", "市场监督管理局", "城市管理局"]
TOWNS = ["城关镇", "临河镇", "东岭镇", "西山乡", "南湖街道", "北塘街道"]
VERBS = ["推进", "加强", "开展", "完成", "深化", "强化", "严格", "实施", "建立", "整治"]
OBJECTS = ["燃煤锅炉淘汰", "扬尘污染管控", "露天焚烧秸秆巡查", "黑臭水体整治", "入河排污口排查", "工业企业提标改造",
           "挥发性有机物治理", "柴油货车污染治理", "餐饮油烟治理", "畜禽养殖污染防治", "农村生活污水治理"]
DETAILS = ["建立工作台账，实行销号管理", "每月开展一次专项检查", "确保按期完成整改任务", "形成长效监管机制",
           "对发现的问题立行立改", "定期向指挥部办公室报送进展", "完成后组织验收", "纳入年度考核"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- parent


def _pg(base: str, sql: str) -> None:
    import psycopg

    url = base.rstrip("/").replace("postgres://", "postgresql://", 1) + "/postgres"
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def run_child(db: str, args) -> dict:
    env = dict(os.environ)
    home = BENCH_DIR / db
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env["TAIZHANG_HOME"] = str(home)
    env["TAIZHANG_SECRET_KEY"] = "benchmark-only-secret"
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{home / 'bench.sqlite3'}"
    else:
        _pg(args.pg_url, f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        _pg(args.pg_url, f'CREATE DATABASE "{PG_DB}"')
        env["DATABASE_URL"] = args.pg_url.rstrip("/") + "/" + PG_DB
    cmd = [sys.executable, __file__, "--child", db, "--tasks", str(args.tasks), "--plans", str(args.plans),
           "--runs", str(args.runs)] + (["--seed-plan", args.seed_plan] if args.seed_plan else [])
    try:
        out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, text=True)
    finally:
        if db == "postgres":
            _pg(args.pg_url, f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- child: generate




def plan(n: int, seed: int, year: int) -> tuple[str, dict]:
    """An invented plan of ``n`` tasks: its text and the ledger an extraction of it yields (spans into the text)."""
    rnd = random.Random(seed)
    parts = [f"示范县{year}年污染防治攻坚行动方案（第{seed}号）\n", "一、总体要求\n",
             "坚持问题导向，压实部门责任，按月调度，确保各项任务按期完成。\n", "二、重点任务\n"]
    pos = sum(len(p) for p in parts)
    tasks = []
    for i in range(n):
        if i % 25 == 0:
            head = f"（{'一二三四五六七八九十'[i // 25 % 10]}）第{i // 25 + 1}组任务\n"
            parts.append(head)
            pos += len(head)
        title = f"{rnd.choice(VERBS)}{rnd.choice(OBJECTS)}"
        lead = rnd.choice(UNITS)
        support = rnd.sample([u for u in UNITS if u != lead], rnd.randint(1, 2))
        towns = rnd.sample(TOWNS, 2) if rnd.random() < 0.3 else []
        ongoing = rnd.random() < 0.1
        due = None if ongoing else date(year, rnd.randint(1, 12), 28)
        deadline = "长期坚持" if ongoing else f"{due.year}年{due.month}月底前"
        body = (f"{i + 1}.{title}。{rnd.choice(DETAILS)}，{rnd.choice(DETAILS)}。{deadline}完成。"
                f"牵头单位：县{lead}；配合单位：{'、'.join('县' + s for s in support)}"
                + (f"；落实单位：{'、'.join(towns)}" if towns else "") + "。\n")
        start = pos

        def unit(raw: str, name: str, body: str = body, start: int = start) -> dict:
            at = body.index(raw)
            return {"raw": raw, "name": name, "span": [start + at, start + at + len(raw)]}

        at = body.index(deadline)
        tasks.append({
            "id": f"T{i + 1}", "parent_id": None, "number": f"{i + 1}.", "kind": "measure", "title": title,
            "text": body.rstrip("\n"), "span": [start, start + len(body) - 1], "section": "二、重点任务",
            "lead_units": [unit(f"县{lead}", f"示范县{lead}")],
            "support_units": [unit(f"县{s}", f"示范县{s}") for s in support],
            "implementing_units": [unit(t, f"示范县{t}") for t in towns],
            "deadlines": [] if ongoing else [{"text": deadline, "date": due.isoformat(), "type": "by",
                                              "span": [start + at, start + at + len(deadline)]}],
            "immediate": False, "ongoing": ongoing, "status": None, "goal": None, "measures": []})
        parts.append(body)
        pos += len(body)
    text = "".join(parts)
    ledger = {"format": "taizhang.ledger/1",
              "document": {"title": parts[0].strip(), "doc_number": f"示政办发〔{year}〕{seed}号", "issuer": "示范县人民政府",
                           "issue_date": f"{year - 1}-12-01", "region": "示范县",
                           "source": {"name": f"plan-{seed}.txt", "sha256": hashlib.sha256(text.encode()).hexdigest(),
                                      "chars": len(text)}},
              "targets": [], "tasks": tasks,
              "warnings": [{"message": "此段文字未能归入任务", "span": [pos - 5, pos - 1]}]}
    return text, ledger


def import_plans(n_tasks: int, count: int, reviewer, first_seed: int = 1) -> list:
    from taizhang.service.ledger import services

    year = date.today().year + 1
    docs = []
    for k in range(count):
        text, ledger = plan(n_tasks, first_seed + k, year)
        docs.append(services.import_ledger(ledger, upload=services.Upload(f"plan-{first_seed + k}.txt", text.encode()),
                                           text=text, fmt="txt", user=reviewer))
    return docs


# ---------------------------------------------------------------- child: measure


def page_weight(html: str) -> tuple[int, int]:
    """Bytes of the page and the number of HTML elements in it (start tags)."""
    return len(html.encode("utf-8")), len(re.findall(r"<[a-zA-Z]", html))


def stats(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 1), "max": round(max(values), 1), "n": len(values)}


def measure(args) -> dict:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from taizhang.service.ledger.models import Task, UserProfile

    reviewer = User.objects.create_user("bench-reviewer", "r@example.invalid", "bench")
    UserProfile.objects.create(user=reviewer, role="reviewer")
    c = Client()
    c.force_login(reviewer)
    out: dict = {"vendor": connection.vendor, "tasks_per_plan": args.tasks}

    def get(url, params=None):
        t = time.perf_counter()
        resp = c.get(url, params or {})
        dt = (time.perf_counter() - t) * 1000
        assert resp.status_code == 200, (url, params, resp.status_code)
        return dt, resp.content.decode()

    t0 = time.perf_counter()
    docs = import_plans(args.tasks, args.runs + 1, reviewer)
    out["import_s_per_plan"] = round((time.perf_counter() - t0) / len(docs), 2)
    log(f"  imported {len(docs)} plans of {args.tasks} tasks ({out['import_s_per_plan']} s each)")
    doc = docs[0]
    url = reverse("web:document_detail", args=[doc.pk])
    views = {"first page": {}, "middle page": {"page": 8}, "缺时限 filter": {"show": "no_deadline"}}
    for name, params in views.items():
        get(url, params)  # warm-up
        times = []
        for _ in range(args.runs):
            dt, html = get(url, params)
            times.append(dt)
        size, elements = page_weight(html)
        out[f"review {name}"] = {**stats(times), "bytes": size, "elements": elements}
    task_ids = list(doc.tasks.order_by("position").values_list("pk", flat=True))
    post_times, follow_times = [], []
    for k in range(args.runs):
        task = Task.objects.get(pk=task_ids[(k * 97) % len(task_ids)])
        t = time.perf_counter()
        resp = c.post(reverse("web:review_edit", args=[doc.pk, task.pk]),
                      {"version": task.version, "title": f"{task.title}（改{k}）", "why": "基准测试"})
        post_times.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 302, resp.status_code
        t = time.perf_counter()
        follow = c.get(resp["Location"])
        follow_times.append((time.perf_counter() - t) * 1000)
        assert follow.status_code == 200
        assert Task.objects.get(pk=task.pk).version == task.version + 1, "the edit was not saved"
    out["edit POST"] = stats(post_times)
    out["edit: the page it returns to"] = stats(follow_times)
    pub = []
    for d in docs[1:]:
        t = time.perf_counter()
        resp = c.post(reverse("web:document_publish", args=[d.pk]), {"why": "基准测试"})
        pub.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 302
        d.refresh_from_db()
        assert d.state == "published", "the plan was not published"
    out["publish"] = stats(pub)
    more = max(0, args.plans - len(docs))
    t0 = time.perf_counter()
    import_plans(args.tasks, more, reviewer, first_seed=1000)
    log(f"  imported {more} more plans ({time.perf_counter() - t0:.0f} s)")
    get(reverse("web:documents"))
    times = [get(reverse("web:documents"))[0] for _ in range(args.runs)]
    out[f"documents list ({len(docs) + more} plans)"] = stats(times)
    if args.seed_plan:
        out.update(measure_seed(Path(args.seed_plan), reviewer, get, args.runs))
    return out


def measure_seed(path: Path, reviewer, get, runs: int) -> dict:
    """A real plan through the extractor: its review page, then publishing it."""
    from django.urls import reverse

    from taizhang.service.ledger import services
    from taizhang.service.ledger.models import Task

    with path.open("rb") as fh:
        doc = services.import_document(services.Upload(path.name, fh.read()), reviewer)
    n = doc.tasks.count()
    url = reverse("web:document_detail", args=[doc.pk])
    get(url)
    times = []
    for _ in range(runs):
        dt, html = get(url)
        times.append(dt)
    size, elements = page_weight(html)
    out = {f"real plan ({n} tasks): review first page": {**stats(times), "bytes": size, "elements": elements}}
    publish_url = reverse("web:document_publish", args=[doc.pk])
    dt, html = get(publish_url)
    size, elements = page_weight(html)
    out[f"real plan ({n} tasks): publish checks page"] = {**stats([dt]), "bytes": size, "elements": elements}
    # what a reviewer does before publishing it: a reason for each task without a lead unit, and 长期坚持 for
    # each without a deadline (written directly: the time measured is the publication's)
    problems = services.publish_problems(doc)
    Task.objects.filter(pk__in=[t.id for t in problems.no_lead]).update(no_lead_reason="由各镇分别落实")
    Task.objects.filter(pk__in=[t.id for t in problems.no_deadline]).update(ongoing=True)
    t = time.perf_counter()
    services.publish_document(doc, reviewer)
    out[f"real plan ({n} tasks): publish"] = stats([(time.perf_counter() - t) * 1000])
    return out


# ---------------------------------------------------------------- main


def show(res: dict) -> None:
    log(f"\n== {res['vendor']}")
    for k, v in res.items():
        if isinstance(v, dict):
            extra = f"  {v['bytes'] / 1024:.0f} KB, {v['elements']} elements" if "bytes" in v else ""
            log(f"  {k:<40} median {v['median']:>8.1f} ms   max {v['max']:>8.1f} ms{extra}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--tasks", type=int, default=500)
    ap.add_argument("--plans", type=int, default=20)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed-plan", help="a real plan file to import through the extractor as well")
    ap.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--child", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        setup_django()
        print(json.dumps(measure(args), ensure_ascii=False))
        return 0
    results = []
    for db in (("sqlite", "postgres") if args.db == "both" else (args.db,)):
        log(f"{db}: generating and measuring…")
        res = run_child(db, args)
        show(res)
        results.append(res)
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
