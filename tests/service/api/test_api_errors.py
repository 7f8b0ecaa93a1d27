"""Every error of the API is JSON ``{"detail": …}``, never an HTML page: bad ids in paths (404), malformed or
out-of-range input (400), unsupported media types (415), methods (405), bodies over the bound (413), no login
(401/403); and the schema documents the error responses each operation can give."""

from __future__ import annotations

import pytest
from django.test import Client

from service_builders import api_client


def _json_error(resp, status: int) -> dict:
    assert resp.status_code == status, (resp.status_code, resp.content[:300])
    assert resp["Content-Type"].startswith("application/json"), resp["Content-Type"]
    body = resp.json()
    assert isinstance(body.get("detail"), str) and body["detail"], body
    return body


@pytest.mark.parametrize("url", ["/api/tasks/false/reject/", "/api/tasks/1e3/", "/api/tasks/-1/timeline/",
                                 "/api/tasks/99999999999999999999/", "/api/evidence/null/",
                                 "/api/tasks/1.json", "/api/no-such-thing/"])
def test_ids_that_are_not_ids_are_404(people, url):
    c = api_client(people["admin"])
    _json_error(c.get(url), 404)
    _json_error(c.post(url, {}), 404)


def test_out_of_range_numbers_in_filters_and_bodies_are_400(task1, people):
    c = api_client(people["admin"])
    for query in ("document=99999999999999999999", "unit=-99999999999999999999", "document=true",
                  "page=99999999999999999999999"):
        resp = c.get(f"/api/tasks/?{query}")
        assert resp.status_code in (400, 404), query
        _json_error(resp, resp.status_code)
    body = _json_error(c.post("/api/reports/", {"task": 10**30, "period": "2026-01", "text": "x", "percent": 5},
                              content_type="application/json"), 400)
    assert "超出范围" in body["detail"]
    for percent in (10**30, 1.5, True, [1]):
        resp = c.post("/api/reports/", {"task": task1.pk, "period": "2026-01", "text": "x", "percent": percent},
                      content_type="application/json")
        assert "完成进度" in _json_error(resp, 400)["detail"], percent
    big_version = c.patch(f"/api/tasks/{task1.pk}/", {"version": 2**70, "title": "x"}, content_type="application/json")
    _json_error(big_version, 400)


def test_malformed_and_unexpected_bodies(draft, people):
    c, task = api_client(people["reviewer"]), draft.tasks.get(key="T1")
    _json_error(c.post(f"/api/tasks/{task.pk}/split/", "{not json", content_type="application/json"), 400)
    _json_error(c.patch(f"/api/tasks/{task.pk}/", "[1, 2]", content_type="application/json"), 400)
    _json_error(c.patch(f"/api/tasks/{task.pk}/", '"text"', content_type="application/json"), 400)
    wrong = c.patch(f"/api/tasks/{task.pk}/", {"version": task.version, "span_start": "x", "title": "y" * 501},
                    content_type="application/json")
    _json_error(wrong, 400)
    _json_error(c.patch(f"/api/tasks/{task.pk}/", {"version": task.version, "measures": {"a": 1}},
                        content_type="application/json"), 400)
    _json_error(c.post(f"/api/tasks/{task.pk}/split/", "at=3", content_type="text/plain"), 415)
    _json_error(c.delete(f"/api/tasks/{task.pk}/"), 405)
    _json_error(c.put("/api/reports/", {}, content_type="application/json"), 405)


def test_null_text_is_no_text(task1, people):
    c = api_client(people["admin"])
    change = c.post(f"/api/tasks/{task1.pk}/deadline-change/", {"new_date": "2099-12-31", "reason": "延期"})
    assert change.status_code == 201
    resp = c.post(f"/api/deadline-changes/{change.json()['id']}/approve/", {"note": None},
                  content_type="application/json")
    assert resp.status_code == 200 and resp.json()["state"] == "approved"


def test_a_body_over_the_bound_is_413(task1, people, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    c = api_client(people["admin"])
    resp = c.post(f"/api/tasks/{task1.pk}/close/", {"note": "长" * 2000}, content_type="application/json")
    _json_error(resp, 413)


def test_no_login_is_json(db):
    # no credentials, or a token that is not one: 401 with the scheme to use (not a 403 "refused")
    for resp in (Client().get("/api/tasks/"),
                 Client().get("/api/tasks/", HTTP_AUTHORIZATION="Token not-a-token")):
        _json_error(resp, 401)
        assert resp["WWW-Authenticate"] == "Token"


def test_schema_documents_errors_and_the_timeline(db):
    schema = Client().get("/api/schema/?format=json").json()
    paths = schema["paths"]
    timeline = paths["/api/tasks/{id}/timeline/"]["get"]["responses"]
    assert timeline["200"]["content"]["application/json"]["schema"]["type"] == "array"
    for path, ops in paths.items():
        for method, op in ops.items():
            codes = set(op["responses"])
            if path.startswith(("/api/schema/", "/api/docs/")):
                continue
            assert {"400", "405"} <= codes or method == "get" and "{" not in path and not op.get("parameters"), (
                path, method, codes)
            if path != "/api/token/":
                assert {"401", "403", "404"} <= codes, (path, method, codes)
            if method in ("post", "patch"):
                assert {"413", "415"} <= codes, (path, method, codes)
            for code, resp in op["responses"].items():
                if code.startswith("4"):
                    assert set(resp["content"]) == {"application/json"}, (path, method, code)
    evidence = paths["/api/evidence/{id}/"]["get"]["responses"]["200"]["content"]
    assert set(evidence) == {"*/*"}


def test_a_fault_is_a_json_500(task1, people, monkeypatch):
    from taizhang.service.api import views

    def broken(self, pk):
        raise RuntimeError("a fault of the service")

    monkeypatch.setattr(views.TaskViewSet, "_task", broken)
    c = Client(raise_request_exception=False)
    c.force_login(people["admin"])
    body = _json_error(c.get(f"/api/tasks/{task1.pk}/timeline/"), 500)
    assert "a fault" not in body["detail"]  # the reason stays in the server's log
