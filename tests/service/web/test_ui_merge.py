"""Merging tasks on the review screen: every other draft task offered, refusals explained, and the same in a
real browser."""

from __future__ import annotations

import pytest
from browser_site import Site
from django.urls import reverse

from service_builders import TREE_TEXT, tree_ledger
from taizhang.service.ledger import services
from taizhang.service.ledger.models import Task

pytestmark = pytest.mark.django_db


def _fresh(tasks: dict) -> dict:
    return {k: Task.objects.get(pk=t.pk) for k, t in tasks.items()}


def test_review_screen_offers_every_other_draft_task_for_merging(client, people, tree):
    doc, t = tree
    client.force_login(people["reviewer"])
    html = client.get(reverse("web:document_detail", args=[doc.pk])).content.decode()
    # each card's select holds its neighbours, the next one selected; the page lists every draft task once
    t1, t2, t5 = t["T1"], t["T2"], t["T5"]
    assert (f'<select name="others" class="merge-choice" data-task="{t1.pk}">'
            f'<option value="{t2.pk}:{t2.version}" selected>') in html
    assert f'data-task="{t5.pk}"><option value="{t["T4"].pk}:{t["T4"].version}" selected>' in html
    choices = html[html.index('<template id="merge-choices">'):html.index("</template>")]
    for task in t.values():
        assert f'<option value="{task.pk}:{task.version}" data-task="{task.pk}">{task.number} ' in choices
    for task in t.values():  # listed once for the page and in its neighbours' selects, not in every card
        assert html.count(f'<option value="{task.pk}:') <= 3


def test_review_merge_of_a_distant_task_through_the_screen(client, people, tree):
    doc, t = tree
    client.force_login(people["reviewer"])
    t1, t4 = t["T1"], t["T4"]
    texts = [t1.text, t4.text]
    resp = client.post(reverse("web:review_merge", args=[doc.pk, t1.pk]),
                       {"version": t1.version, "others": f"{t4.pk}:{t4.version}", "why": "重复"})
    assert resp.status_code == 302 and resp["Location"].endswith(f"#task-{t1.pk}")
    assert "已合并 1 项任务" in client.get(resp["Location"]).content.decode()
    t = _fresh(t)
    assert t["T4"].state == "deleted" and t["T1"].text == "".join(texts) and t["T5"].parent_id == t1.pk


def test_review_merge_through_the_screen_explains_refusals(client, people, tree, import_plan):
    doc, t = tree
    client.force_login(people["reviewer"])
    t1, t3 = t["T1"], t["T3"]
    url = reverse("web:review_merge", args=[doc.pk, t1.pk])
    foreign = import_plan().tasks.get(key="T2")

    def message(data) -> str:
        resp = client.post(url, {"version": t1.version, **data})
        assert resp.status_code == 302
        return client.get(resp["Location"]).content.decode()

    assert "只能合并同一文件中的任务" in message({"others": f"{foreign.pk}:{foreign.version}"})
    assert "要合并的任务不存在：999999" in message({"others": "999999:1"})
    assert "请选择要合并的任务" in message({"others": ""})
    stale = t3.version
    services.edit_task(Task.objects.get(pk=t3.pk), people["admin"], version=stale, changes={"title": "别人改过"})
    assert "已被他人修改" in message({"others": f"{t3.pk}:{stale}"})
    assert Task.objects.get(pk=t3.pk).state == "draft" and Task.objects.get(pk=foreign.pk).state == "draft"
    assert Task.objects.get(pk=t1.pk).version == t1.version


# ---------------------------------------------------------------- in a real browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_merge_a_distant_task_in_the_browser(page, live_server, people, import_plan):
    doc = import_plan(TREE_TEXT, name="tree.txt", ledger=tree_ledger())
    t = {x.key: x for x in doc.tasks.all()}
    texts = [t["T1"].text, t["T4"].text]
    site = Site(page, live_server.url)
    site.login("reviewer")
    site.go(f"/documents/{doc.pk}/")
    card = page.locator(f"#task-{t['T1'].pk}")
    select = card.locator("select.merge-choice")
    assert select.locator("option").count() == 1  # before the form is opened: the neighbour only
    card.locator("summary", has_text="修改").click()
    # opened: every other draft task of the document, the neighbour still chosen
    values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    assert values == [f"{t[k].pk}:{t[k].version}" for k in ("T2", "T3", "T4", "T5")]
    assert select.input_value() == f"{t['T2'].pk}:{t['T2'].version}"
    select.select_option(value=f"{t['T4'].pk}:{t['T4'].version}")
    card.locator("form.merge-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "已合并 1 项任务" in site.message()
    assert page.locator(f"#task-{t['T4'].pk}").count() == 0
    assert Task.objects.get(pk=t["T4"].pk).state == "deleted"
    assert Task.objects.get(pk=t["T1"].pk).text == "".join(texts)
    assert Task.objects.get(pk=t["T5"].pk).parent_id == t["T1"].pk
