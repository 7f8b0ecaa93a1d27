"""Fixtures of the screens' tests: a real browser (Debian's Chromium driven by Playwright) and a page in it.

A test using them skips with the reason where Chromium is missing, and fails instead under ``CI=true``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_site import CHROMIUM, CHROMIUM_ARGS
from django.db import connections


@pytest.fixture
def browser(monkeypatch):
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing (install Debian's chromium: bash scripts/setup.sh)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
            # While Playwright runs, this thread has a running event loop, so Django keeps the connections the
            # test opened in a context variable apart from the thread's own ones; nothing else closes them
            # (PostgreSQL would then refuse to drop the test database: "being accessed by other users").
            connections.close_all()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1400, "height": 900})
    ctx.set_default_timeout(20000)
    pg = ctx.new_page()
    yield pg
    ctx.close()
