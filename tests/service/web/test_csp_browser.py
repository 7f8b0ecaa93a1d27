"""The Content-Security-Policy holds on every page in Chromium: the main pages of every role (and the public
pages, the Swagger UI, the admin site) load with no CSP violation and no console error, and what the pages
do with script or CSS still works under it: the review page highlights a task's source, the menu folds on
a phone, the ledger's and the review page's filters, the workspace's report form, Swagger's operations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from taizhang.service.ledger import services

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# recorded in the page itself (the init script is the browser's own, not subject to the page's policy)
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


@pytest.fixture
def world(published, people, import_plan, plan_text, evidence):
    task = published.tasks.get(key="T1")
    services.submit_progress(task, people["liaison_a"], period=f"{task.start_date:%Y-%m}",
                             text="已完成摸底排查", percent=30, files=[evidence])
    services.request_deadline_change(task, people["liaison_a"], new_date=task.due_date + timedelta(days=60),
                                     reason="汛期无法施工")
    claimed = published.tasks.get(key="T3")
    services.claim_completion(claimed, people["admin"], text="已建立网格", files=[evidence])
    draft = import_plan(text=plan_text + "（第二批）\n", name="plan2.txt")
    return {"task": task, "document": published, "draft": draft, "claimed": claimed,
            "evidence": task.reports.get().files.get()}


class Watched:
    """A browser context whose pages report CSP violations, console errors and uncaught exceptions."""

    def __init__(self, browser, base: str, viewport=None):
        self.ctx = browser.new_context(locale="zh-CN", viewport=viewport or {"width": 1366, "height": 900})
        self.ctx.set_default_timeout(20000)
        self.ctx.add_init_script(WATCH)
        self.page = self.ctx.new_page()
        self.base = base
        self.problems: list[str] = []
        self.visited: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"exception: {e}"))

    def _console(self, message):
        url = (message.location or {}).get("url", "")
        if message.type != "error" or (url.endswith("/no-such-page/") and "404" in message.text):
            return  # the 404 page asked for on purpose
        self.problems.append(f"console: {message.text} ({url})")

    def go(self, path: str, status: int = 200):
        resp = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        assert resp.status == status, f"{path}: {resp.status}"
        assert "default-src 'self'" in resp.headers.get("content-security-policy", ""), path
        self.visited.append(path)
        self.collect(path)

    def collect(self, where: str):
        for v in self.page.evaluate("window.__csp || []"):
            self.problems.append(f"{where}: CSP {v}")

    def login(self, username: str):
        self.go("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", "pw-" + username)
        self.page.click("form button[type=submit]")
        self.page.wait_for_selector("header .who")
        self.collect("after login")

    def logout(self):
        self.page.click("header .user form button")
        self.page.wait_for_load_state()

    def close(self):
        self.ctx.close()


def test_every_roles_pages_satisfy_the_policy(browser, live_server, world, people):
    task, doc, draft, claimed = world["task"], world["document"], world["draft"], world["claimed"]
    w = Watched(browser, live_server.url)
    try:
        for path in ("/public/", f"/public/documents/{doc.pk}/", "/login/", "/api/docs/"):
            w.go(path)
        pages = {
            "admin": ["/", "/rankings/", "/ledger/", f"/tasks/{task.pk}/", "/documents/", f"/documents/{doc.pk}/",
                      f"/documents/{draft.pk}/", f"/documents/{draft.pk}/publish/", f"/documents/{doc.pk}/targets/",
                      "/my/", "/verify/", "/deadline-requests/", "/office/users/", "/office/users/new/",
                      f"/office/users/{people['liaison_a'].pk}/", "/office/units/", "/password/",
                      "/admin/", "/admin/ledger/task/", f"/admin/auth/user/{people['leader'].pk}/change/"],
            "reviewer": ["/", "/ledger/", "/documents/", "/documents/upload/", f"/documents/{draft.pk}/"],
            "liaison_a": ["/", "/my/", f"/tasks/{task.pk}/", "/ledger/"],
            "leader": ["/", "/rankings/", "/ledger/", f"/tasks/{task.pk}/"],
            "inspector": ["/", "/verify/", f"/tasks/{claimed.pk}/"],
        }
        for who, paths in pages.items():
            w.login(who)
            for path in paths:
                w.go(path)
            w.go("/no-such-page/", status=404)  # the error pages too
            w.logout()
        assert len(w.visited) > 40
        assert not w.problems, "\n".join(w.problems)
    finally:
        w.close()


def test_the_interactive_parts_work_under_the_policy(browser, live_server, world, people):
    draft = world["draft"]
    w = Watched(browser, live_server.url)
    page = w.page
    try:
        w.login("reviewer")
        # review page: a click on a task card highlights its source text and selects the card (review.js)
        w.go(f"/documents/{draft.pk}/")
        card = page.locator(".task-card").nth(1)
        task_id = card.get_attribute("id").removeprefix("task-")
        card.locator("[data-select-task]").click()
        page.wait_for_selector(f'mark.hl[data-task="{task_id}"]')
        assert "selected" in card.get_attribute("class")
        # … and a click on the source selects the card of another task
        other = page.locator(".task-card").nth(0).get_attribute("id").removeprefix("task-")
        page.locator(f'mark[data-task="{other}"]').first.click()
        page.wait_for_selector(f"#task-{other}.selected")
        # the review page's filter
        chosen = page.locator('#review-bar a[data-filter]').first.get_attribute("data-filter")
        page.click('#review-bar a[data-filter]')
        page.wait_for_load_state()
        assert f"show={chosen}" in page.url
        w.collect("review")
        # the ledger's filters: a query
        w.go("/ledger/")
        page.fill("#ledger-filters input[name=q]", "锅炉")
        page.click("#ledger-filters button[type=submit]")
        page.wait_for_load_state()
        assert "q=" in page.url and int(page.inner_text("#ledger-total").rstrip("+")) >= 1
        w.collect("ledger filter")
        w.logout()

        # the workspace's report form follows the chosen task (workspace.js)
        w.login("liaison_a")
        w.go("/my/")
        select = page.locator("#report-task")
        if select.locator("option").count() > 1:
            value = select.locator("option").nth(1).get_attribute("value")
            select.select_option(value)
        else:
            value = select.input_value()
        action = page.get_attribute("#workspace-report", "action")
        assert action.endswith(f"/tasks/{value}/report/")
        w.collect("workspace")

        # Swagger UI: its script is a file, and it draws the operations
        w.go("/api/docs/")
        page.wait_for_selector(".opblock", timeout=30000)
        assert page.locator(".opblock").count() > 20
        w.collect("swagger")
        assert not w.problems, "\n".join(w.problems)
    finally:
        w.close()


def test_the_menu_folds_on_a_phone_under_the_policy(browser, live_server, world):
    w = Watched(browser, live_server.url, viewport={"width": 390, "height": 844})
    page = w.page
    try:
        w.login("leader")
        link = page.locator("header nav a", has_text="首页")
        assert not link.is_visible()
        page.click("header .menu-button")
        assert link.is_visible()
        page.click("header .menu-button")
        assert not link.is_visible()
        # the ledger's filters fold behind 筛选条件 on a phone (CSS only)
        w.go("/ledger/")
        search = page.locator("#ledger-filters input[name=q]")
        assert not search.is_visible()
        page.click('label[for="filters-toggle"]')
        assert search.is_visible()
        w.collect("menu")
        assert not w.problems, "\n".join(w.problems)
    finally:
        w.close()
