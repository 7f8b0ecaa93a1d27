"""The JSON API end to end: upload → review (409 on a stale version) → publish → report with files →
claim → close, plus the task filters and the served OpenAPI schema."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from service_builders import api_client, month
from taizhang.service.ledger import lights
from taizhang.service.ledger.models import Document, Task


def test_api_workflow(people, plan_text):
    rv, la, insp = api_client(people["reviewer"]), api_client(people["liaison_a"]), api_client(people["inspector"])
    resp = rv.post("/api/documents/", {"file": SimpleUploadedFile("方案.txt", plan_text.encode("utf-8"))})
    assert resp.status_code == 201, resp.content
    doc = resp.json()
    assert doc["state"] == "draft" and doc["text"] == plan_text  # extracted by the real pipeline
    dup = rv.post("/api/documents/", {"file": SimpleUploadedFile("副本.txt", plan_text.encode("utf-8"))})
    assert dup.status_code == 409 and dup.json()["existing_document"] == doc["id"]

    tasks = rv.get(f"/api/tasks/?document={doc['id']}").json()["results"]
    assert len(tasks) >= 3
    t = tasks[0]
    assert plan_text[t["span"][0]:t["span"][1]] == t["text"]
    ok = rv.patch(f"/api/tasks/{t['id']}/", {"version": t["version"], "title": "淘汰燃煤锅炉"},
                  content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == t["version"] + 1
    stale = rv.patch(f"/api/tasks/{t['id']}/", {"version": t["version"], "title": "别的名称"},
                     content_type="application/json")
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    units = rv.post(f"/api/tasks/{t['id']}/units/", {"version": t["version"] + 1, "role": "lead",
                                                      "units": [{"organisation": people["org_a"].pk, "raw": "县环保局"}]},
                    content_type="application/json")
    assert units.status_code == 200
    leads = [u["organisation_name"] for u in units.json()["units"] if u["role"] == "lead"]
    assert leads == ["桐溪县生态环境局"]
    assert rv.post(f"/api/documents/{doc['id']}/publish/").status_code == 200

    files = [SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff invented photo"), SimpleUploadedFile("记录.pdf", b"%PDF-1.4 x")]
    r = la.post("/api/reports/", {"task": t["id"], "period": month(), "text": "已排查", "percent": 40,
                                  "files": files})
    assert r.status_code == 201, r.content
    body = r.json()
    assert len(body["files"]) == 2 and body["organisation_name"] == "桐溪县生态环境局"
    download = la.get(body["files"][0]["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\xff\xd8\xff invented photo"
    bad = la.post("/api/reports/", {"task": t["id"], "period": "2026-4", "text": "x", "percent": 1})
    assert bad.status_code == 400 and "YYYY-MM" in bad.json()["detail"]

    no_file = la.post(f"/api/tasks/{t['id']}/claim/", {"text": "已完成"})
    assert no_file.status_code == 400 and "佐证" in no_file.json()["detail"]
    claim = la.post(f"/api/tasks/{t['id']}/claim/", {"text": "已完成", "files": [SimpleUploadedFile("验收.pdf", b"%PDF ok")]})
    assert claim.status_code == 200 and claim.json()["state"] == "claimed"
    close = insp.post(f"/api/tasks/{t['id']}/close/", {"note": "现场核查通过"})
    assert close.status_code == 200 and close.json()["state"] == "closed" and close.json()["light"] == "done"
    timeline = la.get(f"/api/tasks/{t['id']}/timeline/").json()
    assert [e["action"] for e in timeline][-3:] == ["report.claim", "task.claim", "task.close"]
    assert Document.objects.get(pk=doc["id"]).state == "published"


def test_task_filters(published, people):
    c = api_client(people["leader"])
    all_ids = {t["id"] for t in c.get("/api/tasks/").json()["results"]}
    assert len(all_ids) == 3
    lead_a = c.get(f"/api/tasks/?unit={people['org_a'].pk}&role=lead").json()["results"]
    assert [t["title"] for t in lead_a] == ["推进燃煤锅炉淘汰"]
    assert c.get(f"/api/tasks/?unit={people['org_a'].pk}&role=support").json()["count"] == 0
    assert [t["title"] for t in c.get("/api/tasks/?q=秸秆").json()["results"]] == ["整治露天焚烧秸秆"]
    t3 = published.tasks.get(key="T3")
    due = c.get(f"/api/tasks/?due_from={t3.due_date}&due_to={t3.due_date}").json()["results"]
    assert [t["id"] for t in due] == [t3.pk]
    for light in ("red", "yellow", "green"):
        got = {t["id"] for t in c.get(f"/api/tasks/?light={light}").json()["results"]}
        want = {t.pk for t in Task.objects.filter(document=published) if lights.task_light(t) == light}
        assert got == want
    assert c.get("/api/tasks/?light=purple").status_code == 400
    ordered = [t["due_date"] for t in c.get("/api/tasks/?ordering=due_date").json()["results"] if t["due_date"]]
    assert ordered == sorted(ordered)


@pytest.mark.django_db
def test_openapi_schema_served():
    resp = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert resp.status_code == 200
    schema = resp.json() if resp["Content-Type"].startswith("application/json") else None
    text = resp.content.decode()
    assert "/api/tasks/{id}/claim/" in text and "/api/reports/" in text
    assert schema is None or schema["openapi"].startswith("3.")


@pytest.mark.django_db
def test_swagger_ui_served_with_local_assets_only():
    c = Client()
    page = c.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    # the start-up script is a file of its own (no inline script: the CSP), and it names the schema
    assert "<script>" not in html and 'src="/api/docs/?script="' in html
    assert "/api/schema/" in c.get("/api/docs/?script=").content.decode()
    assert "cdn" not in html.lower() and "https://" not in html and "http://" not in html
    # every script and stylesheet the page names is served by the app itself
    import re

    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any(a.endswith(".js") for a in assets), assets
    for a in assets:
        resp = c.get(a)
        assert resp.status_code == 200, a
        b"".join(resp.streaming_content) if resp.streaming else resp.content


def test_drafts_are_visible_through_the_api_exactly_as_on_the_screens(people, draft):
    """A plan not yet published: reviewers and admins see it and its tasks and targets; a leader, a unit or an
    inspector sees nothing of it, through the API as on the screens (lists leave it out, details are 404)."""
    task = draft.tasks.exclude(state="deleted").first()
    target = draft.targets.first()
    for who in ("reviewer", "admin"):
        c = api_client(people[who])
        assert draft.pk in {d["id"] for d in c.get("/api/documents/").json()["results"]}
        assert c.get(f"/api/tasks/{task.pk}/").status_code == 200
        assert c.get(f"/api/targets/{target.pk}/").status_code == 200
        assert c.get(f"/documents/{draft.pk}/").status_code == 200
    for who in ("leader", "liaison_a", "inspector"):
        c = api_client(people[who])
        assert draft.pk not in {d["id"] for d in c.get("/api/documents/").json()["results"]}
        assert c.get(f"/api/documents/{draft.pk}/").status_code == 404
        assert c.get(f"/api/tasks/{task.pk}/").status_code == 404
        assert not c.get(f"/api/tasks/?document={draft.pk}").json()["results"]
        assert c.get(f"/api/targets/{target.pk}/").status_code == 404
        assert not c.get(f"/api/targets/?document={draft.pk}").json()["results"]
        assert c.get(f"/documents/{draft.pk}/").status_code == 404
        assert c.get(f"/tasks/{task.pk}/").status_code == 404


def test_openapi_schema_is_valid_without_warnings(tmp_path, db):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text(encoding="utf-8")
    assert "TaskStateEnum" in text and "DocumentStateEnum" in text and "name: q" in text
