"""In Chromium: an implementing (落实) unit reports its own part from the task page, where each unit's progress
is listed; the office enters a target's actual value by hand on the target view."""

from __future__ import annotations

import copy
import re
from datetime import date

import pytest
from browser_site import SHOTS, Site

from service_builders import month
from taizhang.service.ledger import services
from taizhang.service.ledger.models import Organisation, Target, UserProfile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_town_reports_its_part_and_the_office_enters_a_target_value(page, live_server, people, import_plan,
                                                                        make_ledger):
    from django.contrib.auth.models import User

    led = copy.deepcopy(make_ledger())
    t3 = next(t for t in led["tasks"] if t["id"] == "T3")
    t3["implementing_units"] = [{"raw": "东岭镇", "name": "东岭镇人民政府"}]
    doc = import_plan(ledger=led)
    services.publish_document(doc, people["reviewer"])
    town = Organisation.objects.get(name="东岭镇人民政府")
    user = User.objects.create_user("liaison_town", password="pw-liaison_town")
    UserProfile.objects.create(user=user, role="liaison", organisation=town)
    task = doc.tasks.get(key="T3")
    site = Site(page, live_server.url)
    site.login("liaison_town")
    site.go(f"/tasks/{task.pk}/")
    assert page.locator("#form-claim").count() == 0 and page.locator("#form-deadline").count() == 0
    form = page.locator("#form-report")
    assert form.locator("select[name=period] option").all_inner_texts() == [month()]
    form.locator("input[name=percent]").fill("80")
    form.locator("textarea[name=text]").fill("东岭镇网格员已全部到岗，完成首轮巡查")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "进展已报送" in site.message()
    row = page.locator(f'#unit-progress tr[data-organisation="{town.pk}"]')
    assert "80%" in row.inner_text() and "落实" in row.inner_text()
    page.screenshot(path=str(SHOTS / "taizhang-unit-progress.png"), full_page=True)
    site.logout()

    target = Target.objects.create(document=doc, key="G3", indicator="城镇生活污水集中收集率", comparator=">=",
                                   value=75, unit="%", year=date.today().year, text="城镇生活污水集中收集率达到75%以上")
    site.login("reviewer")
    site.go(f"/documents/{doc.pk}/targets/")
    cell = page.locator(f"#target-{target.pk} .hand-entered")
    cell.locator("summary").click()
    cell.locator("input[name=value]").fill("78.5")
    cell.locator("input[name=as_of]").fill(date.today().isoformat())
    cell.locator("input[name=source]").fill("县住建局季度报表")
    cell.locator("button[type=submit]").click()
    page.wait_for_load_state()
    text = page.locator(f"#target-{target.pk}").inner_text()
    assert re.search(r"78\.5%\s*达标", text) and "县住建局季度报表" in text
    page.screenshot(path=str(SHOTS / "taizhang-target-actual.png"), full_page=True)
