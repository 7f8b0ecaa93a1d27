"""Fixtures of the ledger-service tests: people in every role, an invented plan and its ledger.

The plan text below is invented for these tests (a fictional county), in the genre of a real action plan.
"""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

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


@pytest.fixture
def plan_text() -> str:
    return PLAN_TEXT


@pytest.fixture
def make_ledger():
    return build_ledger


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test logins


@pytest.fixture(autouse=True)
def _audit_triggers(request):
    """Keep the audit table's refusal triggers in place during every database test.

    A transactional test (``transactional_db`` / ``live_server``) ends with Django's flush, which empties
    every table — the audit table included, which its triggers refuse; they are dropped just before that
    flush (test teardown is the only place this happens) and reinstalled by the next test."""
    names = request.fixturenames
    transactional = "transactional_db" in names or "live_server" in names
    if not transactional and "db" not in names:
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connections

    from taizhang.service.ledger import dbtriggers

    for conn in connections.all():
        if conn.settings_dict.get("ENGINE"):
            dbtriggers.install(conn)
    yield
    if transactional:
        for conn in connections.all():
            dbtriggers.remove(conn)


@pytest.fixture
def jurisdiction(db):
    from taizhang.service.ledger.models import Jurisdiction

    return Jurisdiction.objects.create(name="桐溪县", level="county")


def _user(username, role=None, organisation=None, superuser=False):
    from django.contrib.auth.models import User

    from taizhang.service.ledger.models import UserProfile

    if superuser:
        user = User.objects.create_superuser(username, f"{username}@example.invalid", "pw-" + username)
    else:
        user = User.objects.create_user(username, f"{username}@example.invalid", "pw-" + username)
    if role:
        UserProfile.objects.create(user=user, role=role, organisation=organisation)
    return user


@pytest.fixture
def people(db, jurisdiction):
    """admin, reviewer, liaison_a (桐溪县生态环境局: lead of T1), liaison_b (桐溪县住房和城乡建设局: not on T1),
    leader, inspector."""
    from taizhang.service.ledger.models import Organisation

    org_a = Organisation.objects.create(jurisdiction=jurisdiction, name="桐溪县生态环境局")
    org_b = Organisation.objects.create(jurisdiction=jurisdiction, name="桐溪县住房和城乡建设局")
    return {
        "admin": _user("admin", "admin", superuser=True),
        "reviewer": _user("reviewer", "reviewer"),
        "liaison_a": _user("liaison_a", "liaison", org_a),
        "liaison_b": _user("liaison_b", "liaison", org_b),
        "leader": _user("leader", "leader"),
        "inspector": _user("inspector", "inspector"),
        "org_a": org_a,
        "org_b": org_b,
    }


@pytest.fixture
def import_plan(people):
    """import_plan(text=PLAN_TEXT, name="plan.txt") → a draft Document imported by the reviewer."""
    from taizhang.service.ledger import services

    def _import(text: str = PLAN_TEXT, name: str = "plan.txt", ledger: dict | None = None, user=None):
        return services.import_ledger(ledger or build_ledger(text), upload=services.Upload(name, text.encode()),
                                      text=text, fmt="txt", user=user or people["reviewer"])

    return _import


@pytest.fixture
def draft(import_plan):
    return import_plan()


@pytest.fixture
def published(draft, people):
    from taizhang.service.ledger import services

    services.publish_document(draft, people["reviewer"])
    draft.refresh_from_db()
    return draft


@pytest.fixture
def task1(published):
    return published.tasks.get(key="T1")


@pytest.fixture
def evidence():
    from taizhang.service.ledger.services import Upload

    return Upload("验收报告.pdf", b"%PDF-1.4 invented evidence of boiler removal\n", "application/pdf")


