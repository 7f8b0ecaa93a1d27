"""Fixtures of the ledger-service tests (tests/service, and the service's commands in tests/cli): people in
every role, the invented plan (service_builders.py) imported as a draft, published, and its first task; every
database test runs with the audit table's triggers in place and its stored files in a temporary folder.
A conftest.py takes them with ``from service_fixtures import *``."""

from __future__ import annotations

import pytest

from service_builders import PLAN_TEXT, TREE_TEXT, build_ledger, make_user, tree_ledger

__all__ = ["plan_text", "make_ledger", "_media_root", "_audit_triggers", "jurisdiction", "people", "import_plan", "draft", "published", "task1", "evidence", "tree"]


@pytest.fixture
def plan_text() -> str:
    return PLAN_TEXT


@pytest.fixture
def make_ledger():
    return build_ledger


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # the audit chain's key and anchor of this test (as TAIZHANG_HOME would hold them)
    settings.TAIZHANG_AUDIT_KEY_FILE = tmp_path / "audit_key"
    settings.TAIZHANG_AUDIT_ANCHOR = tmp_path / "audit_anchor.json"
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


@pytest.fixture
def people(db, jurisdiction):
    """admin, reviewer, liaison_a (桐溪县生态环境局: lead of T1), liaison_b (桐溪县住房和城乡建设局: not on T1),
    leader, inspector."""
    from taizhang.service.ledger.models import Organisation

    org_a = Organisation.objects.create(jurisdiction=jurisdiction, name="桐溪县生态环境局")
    org_b = Organisation.objects.create(jurisdiction=jurisdiction, name="桐溪县住房和城乡建设局")
    return {
        "admin": make_user("admin", "admin", superuser=True),
        "reviewer": make_user("reviewer", "reviewer"),
        "liaison_a": make_user("liaison_a", "liaison", org_a),
        "liaison_b": make_user("liaison_b", "liaison", org_b),
        "leader": make_user("leader", "leader"),
        "inspector": make_user("inspector", "inspector"),
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


@pytest.fixture
def tree(import_plan):
    """A draft of the plan with two more tasks, T4 under T3 and T5 under T4: (document, tasks by key)."""
    doc = import_plan(TREE_TEXT, name="tree.txt", ledger=tree_ledger())
    return doc, {t.key: t for t in doc.tasks.all()}
