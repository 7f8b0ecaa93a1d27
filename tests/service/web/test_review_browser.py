"""A real 432-task plan (../shared/seeds/003) in Chromium: the review page a page at a time, the filters, and
the publish page's links to the tasks that miss a lead unit or a deadline."""

from __future__ import annotations

import re

import pytest
from browser_site import SHOTS, Site

from taizhang.service.ledger import services

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.shared, pytest.mark.django_db(transaction=True)]


def test_real_plan_review_in_pages_filters_and_publish_links(page, live_server, people, shared_dir):
    seed = next((shared_dir / "seeds").glob("003_*.txt"))
    doc = services.import_document(services.Upload(seed.name, seed.read_bytes()), people["reviewer"])
    n = doc.tasks.count()
    assert n > 400
    site = Site(page, live_server.url)
    site.login("reviewer")
    site.go(f"/documents/{doc.pk}/")
    elements = page.evaluate("document.getElementsByTagName('*').length")
    assert elements < 6000, elements  # a page of cards, not the whole plan (44k elements before paging)
    assert page.locator(".task-card").count() == 20
    assert re.search(rf"共 {n} 项", page.inner_text("#review-pager"))
    page.screenshot(path=str(SHOTS / "taizhang-review-real.png"), full_page=False)
    # the 缺牵头单位 filter: only such cards, each saying so
    page.click('#review-bar a[data-filter="no_lead"]')
    page.wait_for_load_state()
    cards = page.locator(".task-card")
    assert cards.count() > 0
    assert page.locator('.task-card [data-missing="lead"]').count() == cards.count()
    page.screenshot(path=str(SHOTS / "taizhang-review-no-lead.png"), full_page=False)
    # the publish page lists what is missing; a link opens the review page at that task
    site.go(f"/documents/{doc.pk}/publish/")
    assert "不能发布" in page.inner_text("#publish-problems")
    page.screenshot(path=str(SHOTS / "taizhang-publish-problems.png"), full_page=False)
    link = page.locator("#publish-problems ol.problem-list a").nth(25)
    task_id = link.get_attribute("data-task")
    link.click()
    page.wait_for_load_state()
    assert page.locator(f"#task-{task_id}").is_visible()
    # the section index jumps to a later page
    site.go(f"/documents/{doc.pk}/")
    options = page.locator(".section-jump select option")
    last = options.nth(options.count() - 1).get_attribute("value")
    page.select_option(".section-jump select", last)
    page.click(".section-jump button")
    page.wait_for_load_state()
    assert f"第 {last} /" in page.inner_text("#review-pager")
