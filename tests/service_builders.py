"""Builders of the ledger-service tests: an invented plan and its ledger, users, and small client helpers.

The plan text below is invented for these tests (a fictional county), in the genre of a real action plan.
The fixtures (tests/service/conftest.py) are built from these; tests import what they need directly.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import date
from pathlib import Path

# The plan runs next year, so that its deadlines are ahead of whatever day the tests run on.
YEAR = date.today().year + 1
PLAN_TEXT = """桐溪县{Y}年大气污染防治攻坚行动方案
一、总体目标
到{Y}年底，全县PM2.5年均浓度控制在32微克/立方米以下，力争达到30微克/立方米；优良天数比率达到85%以上。
二、主要任务
（一）推进燃煤锅炉淘汰。{Y}年9月底前，完成全县10蒸吨/小时以下燃煤锅炉淘汰。牵头单位：县环保局；配合单位：县市监局、各乡镇人民政府。
（二）加强扬尘污染管控。建筑工地严格落实“六个百分之百”，长期坚持。牵头单位：县住建局；配合单位：县城管局。
（三）整治露天焚烧秸秆。{Y}年6月30日前建立网格巡查制度，立行立改。牵头单位：县农业农村局；落实单位：各乡镇人民政府。
""".replace("{Y}", str(YEAR))


def month(offset: int = 0) -> str:
    """A report period (YYYY-MM): this month, or ``offset`` months from it. Reports may be made for the months
    from the plan's publication to this one: a test reporting on an earlier month publishes its plan earlier
    (``Document.published_at``)."""
    from django.utils import timezone

    today = timezone.localdate()
    k = today.year * 12 + today.month - 1 + offset
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def _span(text: str, needle: str, after: int = 0) -> list[int]:
    start = text.index(needle, after)
    return [start, start + len(needle)]


def build_ledger(text: str = PLAN_TEXT, *, region: str = "桐溪县") -> dict:
    """The ledger JSON (taizhang.ledger/1) an extraction of PLAN_TEXT yields, with spans into ``text``."""

    def unit(raw, name, after, **kw):
        return {"raw": raw, "name": name, "span": _span(text, raw, after), **kw}

    t1 = _span(text, "推进燃煤锅炉淘汰。")[0]
    t2 = _span(text, "加强扬尘污染管控。")[0]
    t3 = _span(text, "整治露天焚烧秸秆。")[0]
    line_end = lambda s: text.index("\n", s)  # noqa: E731
    return {
        "format": "taizhang.ledger/1",
        "document": {"title": f"桐溪县{YEAR}年大气污染防治攻坚行动方案", "doc_number": None, "issuer": "桐溪县人民政府",
                     "issue_date": f"{YEAR - 1}-12-01", "region": region,
                     "source": {"name": "plan.txt", "sha256": hashlib.sha256(text.encode()).hexdigest(),
                                "chars": len(text)}},
        "targets": [
            {"id": "G1", "indicator": "PM2.5浓度", "comparator": "<=", "value": 32, "unit": "微克/立方米",
             "year": YEAR, "baseline_year": None, "stretch_value": 30,
             "text": "PM2.5年均浓度控制在32微克/立方米以下，力争达到30微克/立方米",
             "span": _span(text, "PM2.5年均浓度控制在32微克/立方米以下，力争达到30微克/立方米")},
            {"id": "G2", "indicator": "优良天数比率", "comparator": ">=", "value": 85, "unit": "%", "year": YEAR,
             "baseline_year": None, "stretch_value": None, "text": "优良天数比率达到85%以上",
             "span": _span(text, "优良天数比率达到85%以上")},
        ],
        "tasks": [
            {"id": "T1", "parent_id": None, "number": "二.（一）", "kind": "measure", "title": "推进燃煤锅炉淘汰",
             "text": text[t1:line_end(t1)], "span": [t1, line_end(t1)],
             "lead_units": [unit("县环保局", "桐溪县生态环境局", t1, renamed_from="桐溪县环境保护局")],
             "support_units": [unit("县市监局", "桐溪县市场监督管理局", t1)],
             "implementing_units": [unit("各乡镇人民政府", "各乡镇人民政府", t1, generic=True)],
             "deadlines": [{"text": f"{YEAR}年9月底前", "date": f"{YEAR}-09-30", "type": "by",
                            "span": _span(text, f"{YEAR}年9月底前")}],
             "immediate": False, "ongoing": False, "status": None, "goal": None, "measures": []},
            {"id": "T2", "parent_id": None, "number": "二.（二）", "kind": "measure", "title": "加强扬尘污染管控",
             "text": text[t2:line_end(t2)], "span": [t2, line_end(t2)],
             "lead_units": [unit("县住建局", "桐溪县住房和城乡建设局", t2)],
             "support_units": [unit("县城管局", "桐溪县城市管理局", t2)],
             "implementing_units": [], "deadlines": [],
             "immediate": False, "ongoing": True, "status": None, "goal": None, "measures": []},
            {"id": "T3", "parent_id": None, "number": "二.（三）", "kind": "measure", "title": "整治露天焚烧秸秆",
             "text": text[t3:line_end(t3)], "span": [t3, line_end(t3)],
             "lead_units": [unit("县农业农村局", "桐溪县农业农村局", t3)],
             "support_units": [],
             "implementing_units": [unit("各乡镇人民政府", "各乡镇人民政府", t3, generic=True)],
             "deadlines": [{"text": f"{YEAR}年6月30日前", "date": f"{YEAR}-06-30", "type": "by",
                            "span": _span(text, f"{YEAR}年6月30日前")}],
             "immediate": True, "ongoing": False, "status": None, "goal": None, "measures": []},
        ],
        "warnings": [],
    }


def make_user(username, role=None, organisation=None, superuser=False):
    """A user (password ``pw-<username>``) with a ledger role and unit, if given."""
    from django.contrib.auth.models import User

    from taizhang.service.ledger.models import UserProfile

    if superuser:
        user = User.objects.create_superuser(username, f"{username}@example.invalid", "pw-" + username)
    else:
        user = User.objects.create_user(username, f"{username}@example.invalid", "pw-" + username)
    if role:
        UserProfile.objects.create(user=user, role=role, organisation=organisation)
    return user


def as_user(client, user):
    """The test client, logged in as ``user``."""
    client.force_login(user)
    return client


def api_client(user):
    """A fresh test client logged in as ``user`` (for the API)."""
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def follow_messages(client, resp) -> str:
    """The page a screen's POST redirected to (with its messages)."""
    return client.get(resp["Location"]).content.decode()


def media_files(folder: str = "") -> list[Path]:
    """The files stored under MEDIA_ROOT (or one of its folders)."""
    from django.conf import settings

    root = Path(settings.MEDIA_ROOT) / folder
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# The invented plan with one more measure (T4, under T3) and its sub-item (T5, under T4).
TREE_TEXT = PLAN_TEXT + "（四）开展秸秆综合利用。推广秸秆还田。\n1.建设秸秆收储点。牵头单位：县农业农村局。\n"


def tree_ledger() -> dict:
    ledger = build_ledger(TREE_TEXT)
    t4 = TREE_TEXT.index("开展秸秆综合利用。")
    t5 = TREE_TEXT.index("建设秸秆收储点。")
    ledger["tasks"] += [
        {"id": "T4", "parent_id": "T3", "number": "二.（四）", "kind": "measure", "title": "开展秸秆综合利用",
         "text": "开展秸秆综合利用。推广秸秆还田。", "span": [t4, TREE_TEXT.index("\n", t4)],
         "lead_units": [], "support_units": [], "implementing_units": [], "deadlines": [],
         "immediate": False, "ongoing": True, "status": None, "goal": "秸秆综合利用率95%", "measures": ["推广秸秆还田"]},
        {"id": "T5", "parent_id": "T4", "number": "1", "kind": "subtask", "title": "",
         "text": "建设秸秆收储点。牵头单位：县农业农村局。", "span": [t5, TREE_TEXT.index("\n", t5)],
         "lead_units": [{"raw": "县农业农村局", "name": "桐溪县农业农村局",
                         "span": [TREE_TEXT.index("县农业农村局", t5), TREE_TEXT.index("县农业农村局", t5) + 6]}],
         "support_units": [], "implementing_units": [], "deadlines": [],
         "immediate": False, "ongoing": False, "status": None, "goal": None, "measures": []},
    ]
    ledger["targets"][0]["task_id"] = "T3"
    ledger["targets"][1]["task_id"] = "T1"
    return ledger


def run_threads(fn, n):
    """Run ``fn(i)`` for i < n in n real threads started together (a barrier), each with its own database
    connection, closed when it ends. Returns (results by i, exceptions raised)."""
    from django.db import connections

    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def worker(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results, errors
