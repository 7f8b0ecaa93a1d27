"""Permission crawl: every URL pattern (admin, API, UI) × every kind of user, GET and the relevant writes.

The test fails when a route has no expectation. UI routes' expectations live in ui_route_expectations.py.
A user is *refused* when the answer is 401/403 or a redirect to a login page; *allowed* otherwise (a 400 or
409 for an allowed user means the permission gate let the request through to input validation).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from knox.models import AuthToken

from service_builders import month
from taizhang.service.ledger import services
from taizhang.service.ledger.models import AuditEvent, Organisation

_spec = importlib.util.spec_from_file_location("ui_route_expectations", Path(__file__).with_name(
    "ui_route_expectations.py"))
_ui = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ui)
UI_ROUTE_EXPECTATIONS = _ui.UI_ROUTE_EXPECTATIONS

USERS = ("anonymous", "admin", "reviewer", "liaison_a", "liaison_b", "leader", "inspector")
EVERYONE = set(USERS)
VIEWERS = EVERYONE - {"anonymous"}
REVIEWERS = {"admin", "reviewer"}
VERIFIERS = {"admin", "inspector"}
REPORTERS = {"admin", "liaison_a"}  # admin, or the liaison of the task's lead unit
ADMIN = {"admin"}
NOBODY: set[str] = set()

API_EXPECTATIONS: dict[str, dict] = {
    "api:schema": {"GET": EVERYONE},
    "api:docs": {"GET": EVERYONE},
    "api:token": {"POST": EVERYONE, "data": {"username": "nobody", "password": "wrong"}},
    "api:document-list": {"GET": VIEWERS, "POST": REVIEWERS},
    "api:document-detail": {"GET": VIEWERS, "kwargs": {"pk": "document"}},
    "api:document-publish": {"POST": REVIEWERS, "kwargs": {"pk": "draft_document"}},
    "api:document-original": {"GET": VIEWERS, "kwargs": {"pk": "document"}},
    "api:task-list": {"GET": VIEWERS},
    "api:task-detail": {"GET": VIEWERS, "PATCH": REVIEWERS, "kwargs": {"pk": "task"},
                        "data": {"version": "task.version", "title": "改正的名称"}},
    "api:task-claim": {"POST": REPORTERS, "kwargs": {"pk": "task"}},
    "api:task-close": {"POST": VERIFIERS, "kwargs": {"pk": "claimed_task"}, "data": {"note": "核查通过"}},
    "api:task-reject": {"POST": VERIFIERS, "kwargs": {"pk": "claimed_task"}, "data": {"note": "不通过"}},
    "api:task-reopen": {"POST": VERIFIERS, "kwargs": {"pk": "closed_task"}, "data": {"reason": "反弹回潮"}},
    "api:task-deadline-change": {"POST": REPORTERS | {"reviewer"}, "kwargs": {"pk": "task"},
                                 "data": {"new_date": "2099-12-31", "reason": "延期"}},
    "api:task-split": {"POST": REVIEWERS, "kwargs": {"pk": "draft_task"}},
    "api:task-merge": {"POST": REVIEWERS, "kwargs": {"pk": "draft_task"}},
    "api:task-delete": {"POST": REVIEWERS, "kwargs": {"pk": "draft_task"}},
    "api:task-units": {"POST": REVIEWERS, "kwargs": {"pk": "draft_task"}},
    "api:task-timeline": {"GET": VIEWERS, "kwargs": {"pk": "task"}},
    "api:report-list": {"GET": VIEWERS, "POST": REPORTERS,
                        "data": {"task": "task.pk", "period": month(), "text": "进展", "percent": "40"}},
    # a report and its evidence: not to a unit with no part in the task (liaison_b); the task's row and summary
    # stay shared
    "api:report-detail": {"GET": VIEWERS - {"liaison_b"}, "kwargs": {"pk": "report"}},
    "api:evidence-detail": {"GET": VIEWERS - {"liaison_b"}, "kwargs": {"pk": "evidence"}},
    "api:target-list": {"GET": VIEWERS},
    "api:target-detail": {"GET": VIEWERS, "kwargs": {"pk": "target"}},
    "api:target-tracking": {"GET": VIEWERS, "kwargs": {"pk": "target"}},
    "api:organisation-list": {"GET": VIEWERS},
    "api:organisation-detail": {"GET": VIEWERS, "kwargs": {"pk": "organisation"}},
    "api:deadline-change-list": {"GET": VIEWERS},
    "api:deadline-change-detail": {"GET": VIEWERS, "kwargs": {"pk": "deadline_change"}},
    "api:deadline-change-approve": {"POST": ADMIN, "kwargs": {"pk": "deadline_change"}},
    "api:deadline-change-reject": {"POST": ADMIN, "kwargs": {"pk": "deadline_change"}},
}

# Routes without a name, keyed by their pattern: the URL to request and who may get past the gate.
UNNAMED = {
    "admin/(?P<url>.*)$": {"GET": ADMIN, "url": "/admin/ledger/no-such-page/"},  # the admin's catch-all
}

READONLY_ADMIN_MODELS = {"document", "task", "progressreport", "auditevent", "monitoringdataset"}
NO_ADD_ADMIN_MODELS = {"accessattempt", "accesslog", "accessfailurelog"}  # django-axes' records of logins


def admin_expectation(name: str) -> dict | None:
    """The Django admin is for the office admin (a superuser) only; ledger data there is view-only."""
    short = name.split(":", 1)[1]
    if short == "login":
        return {"GET": EVERYONE}
    if short == "logout":
        return {"POST": EVERYONE}  # logging out is harmless; anonymous is simply redirected
    if short == "autocomplete":
        return {"GET": NOBODY}  # no model declares autocomplete_fields: refused even to the admin
    if short in ("index", "app_list", "password_change", "password_change_done", "jsi18n", "view_on_site"):
        return {"GET": ADMIN}
    m = re.fullmatch(r"(\w+?)_(\w+)_(changelist|add|change|delete|history|password_change)", short)
    if not m:
        return None
    model, view = m.group(2), m.group(3)
    readonly = model in READONLY_ADMIN_MODELS
    if view == "add" and model in NO_ADD_ADMIN_MODELS:
        return {"GET": NOBODY, "POST": NOBODY}
    if view in ("add", "delete"):
        allowed = NOBODY if readonly else ADMIN
        return {"GET": allowed, "POST": allowed}
    if view in ("change", "password_change"):
        return {"GET": ADMIN, "POST": NOBODY if readonly else ADMIN}
    return {"GET": ADMIN}


def walk(patterns=None, prefix="", ns=None):
    """Every URL pattern: (name or regex, namespace-qualified name, kwarg names)."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            new_ns = ":".join(x for x in (ns, p.namespace) if x) or None
            yield from walk(p.url_patterns, prefix + str(p.pattern), new_ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            name = f"{ns}:{p.name}" if ns and p.name else p.name
            yield route, name


def all_routes() -> dict[str, str]:
    routes = {}
    for route, name in walk():
        routes.setdefault(name or route, route)
    return routes


def expectation(key: str) -> dict | None:
    if key.startswith("admin:"):
        return admin_expectation(key)
    m = re.fullmatch(r"admin/(\w+)/(\w+)/<path:object_id>/", key)
    if m:  # the admin's bare-object URL: a redirect to the change page
        return {"GET": ADMIN, "model": (m.group(1), m.group(2))}
    return API_EXPECTATIONS.get(key) or UI_ROUTE_EXPECTATIONS.get(key) or UNNAMED.get(key)


def _request_undone(people, who: str, method: str, url: str, data: dict):
    """One request as ``who`` (a fresh session each time: a logout route must not end the crawl's session),
    with whatever it writes rolled back, so that every request of the crawl meets the same world."""
    client = Client()
    if who != "anonymous":
        client.force_login(people[who])
    with transaction.atomic():
        sid = transaction.savepoint()
        if method == "GET":
            resp = client.get(url)
        elif method == "POST":
            resp = client.post(url, data)
        else:
            resp = client.patch(url, data, content_type="application/json")
        transaction.savepoint_rollback(sid)
    return resp


def test_every_route_has_an_expectation():
    missing = [f"{k}  ({r})" for k, r in all_routes().items() if expectation(k) is None]
    assert not missing, "routes without a permission expectation:\n" + "\n".join(missing)
    stale = [k for k in [*API_EXPECTATIONS, *UI_ROUTE_EXPECTATIONS] if k not in all_routes()]
    assert not stale, f"expectations for routes that no longer exist: {stale}"


@pytest.fixture
def world(people, import_plan, published, plan_text, evidence):
    adm, la = people["admin"], people["liaison_a"]
    tasks = {t.key: t for t in published.tasks.all()}
    task = tasks["T1"]
    report = services.submit_progress(task, la, period=month(), text="已排查", percent=30, files=[evidence])
    services.claim_completion(tasks["T3"], adm, text="网格已建立", files=[evidence])
    services.claim_completion(tasks["T2"], adm, text="已落实", files=[evidence])
    services.close_task(tasks["T2"], people["inspector"], note="核查通过")
    draft_document = import_plan(text=plan_text + "（第二批）\n", name="plan2.txt")
    change = services.request_deadline_change(task, la, new_date=task.due_date.replace(day=1), reason="提前")
    AuthToken.objects.create(user=adm)
    for record in (AccessAttempt, AccessLog, AccessFailureLog):  # the login records the admin site lists
        record.objects.create(username="nobody", ip_address="10.0.0.9", user_agent="crawl", path_info="/login/",
                              **({"failures_since_start": 1} if record is AccessAttempt else {}))
    services.set_warning_days(adm, 15)
    for t in (task, tasks["T2"], tasks["T3"]):
        t.refresh_from_db()
    # a draft task and a deleted one, each renamed twice first, so that their history holds an old and a new title
    # that no other task has
    rv = people["reviewer"]
    draft_task, deleted_task = draft_document.tasks.get(key="T1"), draft_document.tasks.get(key="T2")
    for t, prefix in ((draft_task, "草稿任务"), (deleted_task, "已删除任务")):
        for title in (f"{prefix}的旧名称", f"{prefix}的新名称"):
            t.refresh_from_db()
            services.edit_task(t, rv, version=t.version, changes={"title": title})
    deleted_task.refresh_from_db()
    services.delete_task(deleted_task, rv, version=deleted_task.version, why="误识别")
    draft_task.refresh_from_db()
    deleted_task.refresh_from_db()
    dataset = services.add_monitoring_dataset(
        services.Upload("air.csv", "站点,时间,PM2.5\n县城站,2026-01-01 00:00,30\n".encode()), adm,
        jurisdiction=published.jurisdiction)
    return {
        "task": task, "claimed_task": tasks["T3"], "closed_task": tasks["T2"],
        "draft_document": draft_document, "draft_task": draft_task, "deleted_task": deleted_task,
        "hidden_titles": {"draft_task": ["草稿任务的旧名称", "草稿任务的新名称"],
                          "deleted_task": ["已删除任务的旧名称", "已删除任务的新名称"]},
        "document": published, "report": report, "evidence": report.files.get(),
        "target": published.targets.first(), "organisation": people["org_a"], "deadline_change": change,
        "jurisdiction": people["org_a"].jurisdiction, "user": people["liaison_b"],
        "audit_event": AuditEvent.objects.order_by("seq").first(), "monitoring_dataset": dataset,
    }


AUTO_KWARGS = {"task_id": "task", "document_id": "document", "report_id": "report", "evidence_id": "evidence",
               "target_id": "target", "organisation_id": "organisation", "request_id": "deadline_change"}


def _value(spec, world):
    if isinstance(spec, str) and "." in spec and spec.split(".")[0] in world:
        obj, attr = spec.split(".", 1)
        return getattr(world[obj], attr)
    return spec


def build_url(key: str, route: str, exp: dict, world: dict) -> str:
    if "url" in exp:
        return exp["url"]
    if "model" in exp:
        obj = apps.get_model(*exp["model"])._default_manager.order_by("pk").first()
        assert obj is not None, f"{key}: no object to crawl with"
        return f"/admin/{exp['model'][0]}/{exp['model'][1]}/{obj.pk}/"
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    names = [a or b for a, b in names]
    if key.startswith("admin:") and names:
        kwargs = _admin_kwargs(key, names, world)
    else:
        mapping = {**AUTO_KWARGS, **exp.get("kwargs", {})}
        kwargs = {}
        for n in names:
            if n == "format":
                continue
            if n not in mapping:
                raise AssertionError(f"{key}: no fixture object for URL kwarg {n!r} (add 'kwargs' to its expectation)")
            kwargs[n] = world[mapping[n]].pk
    return reverse(key, kwargs=kwargs)


def _admin_kwargs(key: str, names: list[str], world: dict) -> dict:
    short = key.split(":", 1)[1]
    if names == ["app_label"]:
        return {"app_label": "ledger"}
    if "content_type_id" in names:
        return {"content_type_id": ContentType.objects.get_for_model(Organisation).pk,
                "object_id": world["organisation"].pk}
    app_label, model = next((a.label, mdl) for a in apps.get_app_configs() for mdl in a.models
                            if short.startswith(f"{a.label}_{mdl}_"))
    obj = apps.get_model(app_label, model)._default_manager.order_by("pk").first()
    assert obj is not None, f"{key}: no {app_label}.{model} object to crawl with"
    return {names[0]: obj.pk}


def refused(resp) -> bool:
    if resp.status_code in (401, 403):
        return True
    if resp.status_code in (301, 302, 303):
        location = resp.headers.get("Location", "")
        return "login" in location
    return False


@pytest.mark.slow  # every route for every user: ~4 s per user
@pytest.mark.parametrize("who", USERS)
def test_permission_crawl(world, people, who):
    problems, checked = [], 0
    for key, route in sorted(all_routes().items()):
        exp = expectation(key)
        assert exp is not None, f"{key} has no expectation"
        url = build_url(key, route, exp, world)
        for method in ("GET", "POST", "PATCH"):
            if method not in exp:
                continue
            data = {k: _value(v, world) for k, v in exp.get("data", {}).items()}
            resp = _request_undone(people, who, method, url, data)
            checked += 1
            want_allowed = who in exp[method]
            if resp.status_code >= 500:
                problems.append(f"{method} {url} ({key}): server error {resp.status_code}")
            elif want_allowed == refused(resp):
                problems.append(f"{method} {url} ({key}): expected {'allowed' if want_allowed else 'refused'}, "
                                f"got {resp.status_code} {resp.headers.get('Location', '')}")
    assert checked > 50
    assert not problems, f"{who}: {len(problems)} of {checked} checks wrong:\n" + "\n".join(problems)


def test_token_auth_gets_the_same_answers(world, people):
    """A machine client with a token is the same user as in the browser."""
    _, token = AuthToken.objects.create(user=people["admin"])
    client = Client()
    assert client.get("/api/tasks/").status_code == 401  # no credentials
    assert client.get("/api/tasks/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    _, la_token = AuthToken.objects.create(user=people["liaison_b"])
    resp = client.post("/api/reports/", {"task": world["task"].pk, "period": month(), "text": "x", "percent": 5},
                       HTTP_AUTHORIZATION=f"Token {la_token}")
    assert resp.status_code == 403 and "无权" in resp.json()["detail"]


# Who may see a task that is not on the ledger: a draft only the office's reviewers, a deleted one no one. Every
# route acting on one task (its kwarg ``pk`` names a task) is requested on each, by every kind of user.
HIDDEN_TASKS = {"draft_task": REVIEWERS, "deleted_task": NOBODY}
TASK_OBJECTS = {"task", "claimed_task", "closed_task", "draft_task"}


def task_routes() -> list[tuple[str, str, dict]]:
    out = []
    for key, route in sorted(all_routes().items()):
        exp = expectation(key)
        if exp and exp.get("kwargs", {}).get("pk") in TASK_OBJECTS and "doc_pk" not in exp.get("kwargs", {}):
            out.append((key, route, exp))
    return out


def test_task_routes_cover_every_api_task_action():
    keys = {k for k, _, _ in task_routes()}
    api_task_actions = {k for k in all_routes() if k.startswith("api:task-") and k != "api:task-list"}
    assert api_task_actions <= keys, api_task_actions - keys
    assert {"web:task_detail", "web:task_report", "web:task_claim"} <= keys


@pytest.mark.slow  # ~20 routes × 2 tasks × 7 users
@pytest.mark.parametrize("who", USERS)
def test_draft_and_deleted_tasks_are_hidden_on_every_task_route(world, people, who):
    """A draft or deleted task — its detail, its history (old and new titles), its reports and every action on
    it, through the API and the screens — is 404 (anonymous: refused) to whoever may not see it, and names none
    of its titles; the reviewers who see a draft get past the lookup (no 404)."""
    problems, checked = [], 0
    lists = ["/api/tasks/", f"/api/tasks/?document={world['draft_document'].pk}", "/api/reports/",
             "/api/deadline-changes/", "/api/documents/"]
    for hidden, sees in HIDDEN_TASKS.items():
        obj = world[hidden]
        titles = world["hidden_titles"][hidden]
        requests = []
        for key, route, exp in task_routes():
            url = build_url(key, route, {**exp, "kwargs": {**exp["kwargs"], "pk": hidden}}, world)
            requests += [(key, m, url, exp.get("data", {})) for m in ("GET", "POST", "PATCH") if m in exp]
        requests.append(("api:report-list", "POST", "/api/reports/",
                         {"task": f"{hidden}.pk", "period": month(), "text": "进展", "percent": "40"}))
        requests += [(f"list {u}", "GET", u, {}) for u in lists]
        requests.append(("api:report-list", "GET", f"/api/reports/?task={obj.pk}", {}))
        for key, method, url, spec in requests:
            data = {k: _value(v, world) for k, v in spec.items()}
            resp = _request_undone(people, who, method, url, data)
            checked += 1
            body = b"".join(resp.streaming_content) if resp.streaming else resp.content
            text = body.decode("utf-8", "replace")
            where = f"{method} {url} ({key}) on the {hidden}"
            is_list = key.startswith("list ") or "?task=" in url
            if resp.status_code >= 500:
                problems.append(f"{where}: server error {resp.status_code}")
            elif who in sees:
                if resp.status_code == 404:
                    problems.append(f"{where}: 404 for {who}, who may see it")
            else:
                if not is_list and not (refused(resp) or resp.status_code == 404):
                    problems.append(f"{where}: expected 404 or refused, got {resp.status_code}")
                shown = [t for t in titles if t and t in text]
                if shown:
                    problems.append(f"{where}: names {shown}")
    assert checked > 40
    assert not problems, f"{who}: {len(problems)} of {checked} checks wrong:\n" + "\n".join(problems)
