"""The screens on a phone (390×844) and a desktop (1366×768) in Chromium: no horizontal overflow on 我的任务, the
task page with its report form, the dashboard and the public pages; the menu and 退出 reachable; the public
page of a 300-task plan paged, not a scroll of a hundred thousand pixels. Screenshots of every page at both
widths go to $TAIZHANG_SCREENSHOTS (default /tmp), named taizhang-390-*.png and taizhang-1366-*.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from browser_site import SHOTS

from taizhang.service.ledger import services

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
OVERFLOW_JS = "() => [document.scrollingElement.scrollWidth, window.innerWidth, document.scrollingElement.scrollHeight]"


def big_ledger(make_ledger, plan_text, n: int = 300) -> tuple[str, dict]:
    """An invented plan of ``n`` tasks, each a long sentence with units and a deadline."""
    lines = ["青禾县生态环境问题整改方案（第二轮）", "一、整改任务"]
    for i in range(1, n + 1):
        lines.append(f"（{i}）第{i}号问题：沿河第{i}段存在生活污水直排和垃圾堆放，群众反映强烈。整改措施：完成截污纳管"
                     f"并建立河长巡查制度，每月巡查不少于两次，巡查记录存档备查。牵头单位：县住建局；配合单位：县城管局。")
    text = "\n".join(lines) + "\n"
    ledger = make_ledger(plan_text)
    template = ledger["tasks"][0]
    tasks, pos = [], 0
    for i in range(1, n + 1):
        start = text.index(f"（{i}）", pos)
        end = text.index("\n", start)
        pos = end
        t = {**template, "id": f"B{i}", "number": f"（{i}）", "title": f"第{i}号问题整改", "text": text[start:end],
             "span": [start, end], "support_units": [], "implementing_units": [],
             "lead_units": [{"raw": "县住建局", "name": "桐溪县住房和城乡建设局", "span": None}],
             "deadlines": [{"text": "年底前", "date": template["deadlines"][0]["date"], "type": "by", "span": None}]}
        tasks.append(t)
    ledger["tasks"] = tasks
    ledger["targets"] = []
    ledger["document"] = {**ledger["document"], "title": "青禾县生态环境问题整改方案（第二轮）"}
    return text, ledger


@pytest.fixture
def world(published, people, import_plan, make_ledger, plan_text, evidence):
    task = published.tasks.get(key="T1")
    services.submit_progress(task, people["liaison_a"], period=f"{task.start_date:%Y-%m}",
                             text="已完成全县燃煤锅炉摸底排查，建立淘汰清单，正在逐台拆除", percent=30, files=[evidence])
    services.request_deadline_change(task, people["liaison_a"], new_date=task.due_date + timedelta(days=60),
                                     reason="汛期无法施工，拆除工程顺延两个月")
    text, ledger = big_ledger(make_ledger, plan_text)
    big = import_plan(text=text, name="big.txt", ledger=ledger)
    services.publish_document(big, people["reviewer"])
    return {"task": task, "document": published, "big": big}


def _login(page, base, username):
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-" + username)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def _check(page, base, path, name, width):
    page.goto(base + path)
    page.wait_for_load_state()
    scroll_w, inner_w, height = page.evaluate(OVERFLOW_JS)
    page.screenshot(path=str(SHOTS / f"taizhang-{width}-{name}.png"), full_page=True)
    assert scroll_w <= inner_w, f"{path} at {width}px: {scroll_w}px wide"
    return height


def _menu_and_logout_reachable(page):
    """On a phone the menu folds behind a button; opened, its links are on screen; 退出 is on screen."""
    width = page.viewport_size["width"]
    logout = page.locator("header .user button")
    box = logout.bounding_box()
    assert logout.is_visible() and box and box["x"] + box["width"] <= width
    link = page.locator("header nav a", has_text="首页")
    if width < 700:
        assert not link.is_visible()  # folded
        page.click("header .menu-button")
        assert link.is_visible()
        page.screenshot(path=str(SHOTS / f"taizhang-{width}-menu-open.png"))
        lbox = link.bounding_box()
        assert lbox["x"] >= 0 and lbox["x"] + lbox["width"] <= width
        page.click("header .menu-button")
        assert not link.is_visible()
    else:
        assert link.is_visible()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_pages_fit_the_screen(browser, live_server, world, viewport):
    ctx = browser.new_context(locale="zh-CN", viewport=viewport)
    page = ctx.new_page()
    base, width = live_server.url, viewport["width"]
    task, big = world["task"], world["big"]
    try:
        _check(page, base, "/public/", "public", width)
        height = _check(page, base, f"/public/documents/{big.pk}/", "public-plan", width)
        assert height < 25 * viewport["height"], f"the public page of a 300-task plan is {height}px tall"
        _check(page, base, "/login/", "login", width)

        _login(page, base, "liaison_a")
        _menu_and_logout_reachable(page)
        _check(page, base, "/my/", "workspace", width)
        _check(page, base, f"/tasks/{task.pk}/", "task", width)
        assert page.locator("#form-report").is_visible()
        _check(page, base, "/", "dashboard-liaison", width)
        _check(page, base, "/ledger/", "ledger", width)
        page.click("header .user button")
        page.wait_for_load_state()

        _login(page, base, "admin")
        _menu_and_logout_reachable(page)
        for path, name in (("/", "dashboard"), ("/rankings/", "rankings"), ("/office/users/", "users"), ("/office/users/new/", "user-new"),
                           ("/office/units/", "units"), ("/verify/", "verify"), ("/deadline-requests/", "deadlines"),
                           ("/documents/", "documents"), (f"/documents/{big.pk}/", "review"),
                           ("/no-such-page/", "404")):
            _check(page, base, path, name, width)
    finally:
        ctx.close()


def test_dashboard_prints_lights_as_text(browser, live_server, world, people, tmp_path):
    """Printed (Chromium's PDF), the dashboard has no menu and its lights read ● 红灯 / ● 绿灯 as text."""
    import unicodedata

    import pdfplumber

    from taizhang.service.ledger.models import Task

    Task.objects.filter(pk=world["task"].pk).update(due_date=world["task"].start_date - timedelta(days=1))  # red
    ctx = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = ctx.new_page()
    try:
        _login(page, live_server.url, "admin")
        page.goto(live_server.url + "/")
        page.emulate_media(media="print")
        marker = page.evaluate("() => getComputedStyle(document.querySelector('#light-counts .light.red'), "
                               "'::before').content")
        assert marker == '"●"'
        assert not page.locator("header.top").is_visible()
        pdf = tmp_path / "dashboard.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=False)
        with pdfplumber.open(pdf) as doc:
            # NFKC: the PDF's font maps some characters to their Kangxi radical look-alikes (⽅ for 方)
            text = unicodedata.normalize("NFKC", "".join(p.extract_text() or "" for p in doc.pages))
        assert "●红灯" in text.replace(" ", "") and "●绿灯" in text.replace(" ", "")
        assert "退出" not in text and "统计范围" in text and "全部方案" in text
    finally:
        ctx.close()
