"""The whole supervision cycle in a real browser (Debian's Chromium driven by Playwright) against a live server:
upload a plan, correct a unit in review, publish; a unit liaison reports progress with a file and claims
completion; an inspector closes the task; the dashboard's counts and lights change; the filtered ledger is
exported and the .xlsx opened. Screenshots of the review screen and the dashboard go to /tmp."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from browser_site import SHOTS, Site
from openpyxl import load_workbook

from taizhang.service.web.export import EXPORT_KEYS

HEADERS = ["序号", "任务/问题", "牵头单位", "配合单位", "落实单位", "完成时限", "整改目标", "状态", "灯色", "最近进度", "最近报送",
           "逾期天数", "核查意见", "任务编号"]
assert len(HEADERS) == len(EXPORT_KEYS)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_review_publish_report_claim_close_dashboard_export(page, live_server, people, plan_text):
    site = Site(page, live_server.url)

    # 1. the reviewer uploads a plan: a draft ledger beside its source text
    site.login("reviewer")
    site.go("/documents/upload/")
    page.set_input_files("#upload-form input[name=file]", files=[
        {"name": "桐溪县行动方案.txt", "mimeType": "text/plain", "buffer": plan_text.encode("utf-8")}])
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/documents/\d+/$"))
    assert "请逐项核对后发布" in site.message()
    assert page.locator("#source-text mark.task").count() >= 3
    card = page.locator(".task-card", has_text="推进燃煤锅炉淘汰").first
    task_id = card.get_attribute("id").removeprefix("task-")
    # clicking the task highlights its span in the source
    card.locator(".head").click()
    assert page.locator(f'#source-text mark.hl[data-task="{task_id}"]').count() >= 1
    page.screenshot(path=str(SHOTS / "taizhang-review.png"), full_page=False)

    # 2. correct the lead unit: pick 桐溪县生态环境局 from the organisation list
    card.locator("summary", has_text="修改").click()
    form = card.locator('form.units-form[data-role="lead"]')
    inputs = form.locator("input[name=unit]")
    for i in range(inputs.count()):  # the first row: the right unit of the list; any other row emptied
        inputs.nth(i).fill("桐溪县生态环境局" if i == 0 else "")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已更新责任单位" in site.message()
    card = page.locator(f"#task-{task_id}")
    assert "桐溪县生态环境局" in card.inner_text()

    # 3. publish: the publish page checks every task has a lead unit and a deadline, then asks to confirm
    page.click("#publish-link")
    page.wait_for_url(re.compile(r"/documents/\d+/publish/$"))
    assert "发布检查通过" in page.inner_text("#publish-ok")
    page.screenshot(path=str(SHOTS / "taizhang-publish.png"), full_page=False)
    page.click("#publish-form button")
    page.wait_for_load_state()
    assert "台账已发布" in site.message()
    before = site.dashboard()
    assert before["states"]["active"] >= 3 and before["states"]["closed"] == 0
    site.logout()

    # 4. the liaison of 桐溪县生态环境局 reports progress with a file from the workspace
    site.login("liaison_a")
    site.go("/my/")
    page.screenshot(path=str(SHOTS / "taizhang-workspace.png"), full_page=True)
    page.select_option("#report-task", value=task_id)
    page.fill("#workspace-report input[name=percent]", "60")
    page.fill("#workspace-report textarea[name=text]", "已淘汰燃煤锅炉8台，其余正在拆除")
    page.set_input_files("#workspace-report input[name=files]", files=[
        {"name": "拆除现场.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff invented photo"}])
    page.click("#workspace-report button[type=submit]")
    page.wait_for_url(re.compile(r"/my/$"))
    assert "进展已报送" in site.message()

    # 5. … and claims completion with evidence
    site.go(f"/tasks/{task_id}/")
    page.screenshot(path=str(SHOTS / "taizhang-task.png"), full_page=True)
    assert "已淘汰燃煤锅炉8台" in page.inner_text("#reports") and "拆除现场.jpg" in page.inner_text("#reports")
    page.fill("#form-claim textarea[name=text]", "全部锅炉已淘汰并验收")
    page.set_input_files("#form-claim input[name=files]", files=[
        {"name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 invented acceptance"}])
    page.click("#form-claim button[type=submit]")
    page.wait_for_load_state()
    assert "已申请销号" in site.message()
    site.logout()

    # 6. the inspector closes it from the verification queue
    site.login("inspector")
    claimed = site.dashboard()
    assert claimed["states"]["claimed"] == 1
    site.go("/verify/")
    page.screenshot(path=str(SHOTS / "taizhang-verify.png"), full_page=True)
    row = page.locator(f'#verify-queue tr[data-task="{task_id}"]')
    assert "验收报告.pdf" in row.inner_text()
    row.locator("textarea[name=note]").fill("现场核查：锅炉已全部拆除，属实")
    row.locator("button[value=close]").click()
    page.wait_for_url(re.compile(r"/verify/$"))
    assert "已核查销号" in site.message()

    # 7. the dashboard's counts and lights have changed
    after = site.dashboard()
    assert after["states"]["closed"] == before["states"]["closed"] + 1
    assert after["states"]["active"] == before["states"]["active"] - 1
    assert sum(after["lights"].values()) == sum(before["lights"].values()) - 1
    assert after["rate"] != before["rate"] and after["rate"].endswith("%")
    page.screenshot(path=str(SHOTS / "taizhang-dashboard.png"), full_page=True)

    # 8. export the filtered ledger (closed tasks only) and open the workbook
    site.go("/ledger/")
    page.screenshot(path=str(SHOTS / "taizhang-ledger.png"), full_page=False)
    site.go("/ledger/?state=closed")
    assert page.locator("#ledger-table tbody tr[data-task]").count() == 1
    with page.expect_download() as dl_info:
        page.click("#export-link")
    path = dl_info.value.path()
    wb = load_workbook(io.BytesIO(Path(path).read_bytes()))
    rows = list(wb.active.iter_rows(min_row=3, values_only=True))  # below the title rows
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2
    assert rows[1][1].startswith("推进燃煤锅炉淘汰") and rows[1][2] == "桐溪县生态环境局"
    assert rows[1][7] == "已销号" and rows[1][8] == "已销号"
    assert "状态：已销号" in wb.active["A2"].value
