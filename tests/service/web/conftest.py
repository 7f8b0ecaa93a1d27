"""Fixtures of the screen tests: a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def chromium(monkeypatch):
    """A headless Chromium; skipped where Debian's chromium is missing (a failure under CI=true)."""
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing (install Debian's chromium: bash scripts/setup.sh)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in the test's thread
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
            connections.close_all()  # the connections the test opened while Playwright's loop ran
