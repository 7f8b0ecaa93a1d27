"""Driving the service's screens in a real browser: where Chromium is, how it is started, and a small
driver of the site (log in, read the messages and the dashboard's figures)."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(os.environ.get("TAIZHANG_SCREENSHOTS", "/tmp"))


class Site:
    def __init__(self, page, base: str):
        self.page, self.base = page, base.rstrip("/")

    def go(self, path: str):
        self.page.goto(self.base + path)

    def login(self, username: str):
        self.go("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", "pw-" + username)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("header .who")

    def logout(self):
        self.page.click("header .user button")
        self.page.wait_for_load_state()

    def message(self) -> str:
        return self.page.inner_text("ul.messages")

    def dashboard(self) -> dict:
        self.go("/")
        states = {s: int(self.page.inner_text(f'#state-counts [data-state="{s}"] .num'))
                  for s in ("draft", "active", "claimed", "closed")}
        lights = {k: int(self.page.inner_text(f'#light-counts a[data-light="{k}"]')) for k in ("red", "yellow", "green")}
        return {"states": states, "lights": lights, "rate": self.page.inner_text("#completion-rate")}
