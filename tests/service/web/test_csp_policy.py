"""The Content-Security-Policy header, and templates that can satisfy it: no inline script, no event-handler
attribute, no style element or attribute in any template of the site (the browser test checks the pages)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import taizhang.service.web as web

TEMPLATES = sorted((Path(web.__file__).parent / "templates").rglob("*.html"))
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_inline_script_or_style():
    assert len(TEMPLATES) > 30
    found = [f"{t.relative_to(t.parents[2])}: {what}" for t in TEMPLATES for rx, what in INLINE
             if rx.search(t.read_text(encoding="utf-8"))]
    assert not found, "\n".join(found)


def policy(resp) -> dict[str, set[str]]:
    return {d.split()[0]: set(d.split()[1:]) for d in resp["Content-Security-Policy"].split(";") if d.strip()}


@pytest.mark.django_db
def test_every_page_carries_the_policy():
    csp = policy(Client().get("/login/"))
    assert csp == {"default-src": {"'self'"}, "script-src": {"'self'"}, "style-src": {"'self'"},
                   "img-src": {"'self'"}, "object-src": {"'none'"}, "base-uri": {"'self'"},
                   "form-action": {"'self'"}, "frame-ancestors": {"'none'"}}
    docs = policy(Client().get("/api/docs/"))
    assert docs["img-src"] == {"'self'", "data:"} and docs["script-src"] == {"'self'"}  # Swagger's icons only


def test_the_favicon_is_served_from_the_site_root():
    resp = Client().get("/favicon.ico")
    assert resp.status_code == 200 and b"".join(resp.streaming_content)[:4] == b"\x00\x00\x01\x00"
