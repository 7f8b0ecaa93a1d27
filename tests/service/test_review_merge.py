"""Merging tasks in review: any draft task of the same document, wherever it stands (not only the neighbour),
across parent and child; texts in document order, units with their roles, deadlines, targets and children
carried over; versions checked; tasks of another document, deleted or published ones refused."""

from __future__ import annotations

import pytest
from django.urls import reverse
from test_browser_flow import Site, browser, page  # noqa: F401 - the browser fixtures, shared

from conftest import PLAN_TEXT, YEAR, build_ledger
from taizhang.service.ledger import services
from taizhang.service.ledger.errors import Conflict, InvalidTransition, ServiceError
from taizhang.service.ledger.models import AuditEvent, Target, Task

pytestmark = pytest.mark.django_db

# The invented plan with one more measure (T4, under T3) and its sub-item (T5, under T4).
TREE_TEXT = PLAN_TEXT + "（四）开展秸秆综合利用。推广秸秆还田。\n1.建设秸秆收储点。牵头单位：县农业农村局。\n"


def _tree_ledger() -> dict:
    ledger = build_ledger(TREE_TEXT)
    t4 = TREE_TEXT.index("开展秸秆综合利用。")
    t5 = TREE_TEXT.index("建设秸秆收储点。")
    ledger["tasks"] += [
        {"id": "T4", "parent_id": "T3", "number": "二.（四）", "kind": "measure", "title": "开展秸秆综合利用",
         "text": "开展秸秆综合利用。推广秸秆还田。", "span": [t4, TREE_TEXT.index("\n", t4)],
         "lead_units": [], "support_units": [], "implementing_units": [], "deadlines": [],
         "immediate": False, "ongoing": True, "status": None, "goal": "秸秆综合利用率95%", "measures": ["推广秸秆还田"]},
        {"id": "T5", "parent_id": "T4", "number": "1", "kind": "subtask", "title": "",
         "text": "建设秸秆收储点。牵头单位：县农业农村局。", "span": [t5, TREE_TEXT.index("\n", t5)],
         "lead_units": [{"raw": "县农业农村局", "name": "桐溪县农业农村局",
                         "span": [TREE_TEXT.index("县农业农村局", t5), TREE_TEXT.index("县农业农村局", t5) + 6]}],
         "support_units": [], "implementing_units": [], "deadlines": [],
         "immediate": False, "ongoing": False, "status": None, "goal": None, "measures": []},
    ]
    ledger["targets"][0]["task_id"] = "T3"
    ledger["targets"][1]["task_id"] = "T1"
    return ledger


@pytest.fixture
def tree(import_plan):
    doc = import_plan(TREE_TEXT, name="tree.txt", ledger=_tree_ledger())
    return doc, {t.key: t for t in doc.tasks.all()}


def _versions(*tasks):
    return {t.pk: t.version for t in tasks}


def _fresh(tasks: dict) -> dict:
    return {k: Task.objects.get(pk=t.pk) for k, t in tasks.items()}


def test_merge_with_a_task_further_down_the_document(tree, people):
    doc, t = tree
    t1, t3 = t["T1"], t["T3"]
    text1, text3, seen = t1.text, t3.text, _versions(t1, t3)
    services.merge_tasks(t1, [t3], people["reviewer"], versions=seen, why="同一项任务被拆成两处")
    t = _fresh(t)
    assert t["T3"].state == "deleted" and t["T2"].state == "draft"  # the task in between is untouched
    assert t["T1"].text == text1 + text3
    assert (t["T1"].span_start, t["T1"].span_end) == (t1.span_start, t3.span_end)
    assert set(t["T1"].assignments.values_list("name", "role")) == {
        ("桐溪县生态环境局", "lead"), ("桐溪县农业农村局", "lead"), ("桐溪县市场监督管理局", "support"),
        ("各乡镇人民政府", "territorial")}
    assert sorted(str(d) for d in t["T1"].deadlines.filter(active=True).values_list("date", flat=True)) == [
        f"{YEAR}-06-30", f"{YEAR}-09-30"]
    assert str(t["T1"].due_date) == f"{YEAR}-06-30"  # the earlier of the two deadlines
    assert t["T1"].immediate  # 立行立改 came with T3
    assert set(Target.objects.filter(document=doc).values_list("task_id", flat=True)) == {t1.pk}
    assert t["T4"].parent_id == t1.pk  # T3's child now hangs under the merged task
    assert t["T1"].version == seen[t1.pk] + 1 and t["T3"].version == seen[t3.pk] + 1
    merge = AuditEvent.objects.get(action="task.merge")
    assert merge.data["kept"] == t1.pk and merge.data["merged"] == [t3.pk]
    assert merge.data["children"] == [t["T4"].pk] and merge.data["why"] == "同一项任务被拆成两处"
    gone = AuditEvent.objects.get(action="task.delete")
    assert gone.object_id == str(t3.pk) and gone.data["merged_into"] == t1.pk


def test_merge_into_the_later_task_keeps_document_order(tree, people):
    doc, t = tree
    t1, t3 = t["T1"], t["T3"]
    text1, text3, position1, start1 = t1.text, t3.text, t1.position, t1.span_start
    services.merge_tasks(t3, [t1], people["reviewer"], versions=_versions(t1, t3))
    t = _fresh(t)
    assert t["T1"].state == "deleted"
    assert t["T3"].text == text1 + text3  # T1 comes first in the plan
    assert t["T3"].position == position1 and t["T3"].span_start == start1
    assert t["T3"].number == "二.（三）" and t["T3"].title == "整治露天焚烧秸秆"  # the kept task's own fields
    live = list(doc.tasks.exclude(state="deleted").order_by("position", "id").values_list("key", flat=True))
    assert live == ["T3", "T2", "T4", "T5"]


def test_merge_several_in_any_order(tree, people):
    doc, t = tree
    t2, t4, t5 = t["T2"], t["T4"], t["T5"]
    texts = [t2.text, t4.text, t5.text]
    services.merge_tasks(t4, [t5, t2], people["reviewer"], versions=_versions(t2, t4, t5))
    t = _fresh(t)
    assert t["T4"].text == "".join(texts)
    assert t["T4"].goal == "秸秆综合利用率95%" and t["T4"].measures == ["推广秸秆还田"]
    assert {t["T2"].state, t["T5"].state} == {"deleted"}
    assert sorted(AuditEvent.objects.get(action="task.merge").data["merged"]) == sorted([t2.pk, t5.pk])


def test_merge_a_parent_into_its_child(tree, people):
    doc, t = tree
    t3, t5 = t["T3"], t["T5"]
    texts = [t3.text, t5.text]
    services.merge_tasks(t5, [t3], people["reviewer"], versions=_versions(t3, t5))
    t = _fresh(t)
    # T5 (grandchild of T3) takes T3's place at the top; T4, T3's child, now hangs under T5: no cycle
    assert t["T5"].parent_id is None and t["T4"].parent_id == t5.pk
    assert t["T5"].text == "".join(texts)


def test_merge_a_child_into_its_parent(tree, people):
    doc, t = tree
    t3, t4 = t["T3"], t["T4"]
    services.merge_tasks(t3, [t4], people["reviewer"], versions=_versions(t3, t4))
    t = _fresh(t)
    assert t["T4"].state == "deleted" and t["T3"].parent_id is None
    assert t["T5"].parent_id == t3.pk  # the absorbed child's own child moves up to the merged task
    assert t["T3"].ongoing and t["T3"].goal == "秸秆综合利用率95%"


def test_merge_refuses_another_document_deleted_published_and_itself(tree, people, import_plan):
    doc, t = tree
    rv = people["reviewer"]
    t1, t2, t3 = t["T1"], t["T2"], t["T3"]
    text1 = t1.text
    other_doc = import_plan()
    foreign = other_doc.tasks.get(key="T2")
    with pytest.raises(ServiceError, match="同一文件"):
        services.merge_tasks(t1, [foreign], rv, versions=_versions(t1, foreign))
    assert Task.objects.get(pk=foreign.pk).state == "draft"
    with pytest.raises(ServiceError, match="自身"):
        services.merge_tasks(t1, [t1], rv, versions=_versions(t1))
    services.delete_task(t2, rv, version=t2.version, why="不是任务")
    t2.refresh_from_db()
    with pytest.raises(InvalidTransition, match="已删除"):
        services.merge_tasks(t1, [t2], rv, versions=_versions(t1, t2))
    services.publish_document(other_doc, rv)
    a, b = other_doc.tasks.get(key="T1"), other_doc.tasks.get(key="T3")
    with pytest.raises(InvalidTransition, match="推进中"):
        services.merge_tasks(a, [b], rv, versions=_versions(a, b))
    # nothing changed by the refusals
    assert Task.objects.get(pk=t1.pk).text == text1
    assert Task.objects.get(pk=b.pk).state == "active" and Task.objects.get(pk=t3.pk).state == "draft"
    assert not AuditEvent.objects.filter(action="task.merge").exists()


def test_merge_with_a_stale_version_of_either_task_changes_nothing(tree, people):
    doc, t = tree
    rv = people["reviewer"]
    t1, t3 = t["T1"], t["T3"]
    seen, text1 = _versions(t1, t3), t1.text
    services.edit_task(Task.objects.get(pk=t3.pk), people["admin"], version=t3.version, changes={"title": "别人改过"})
    with pytest.raises(Conflict):
        services.merge_tasks(t1, [t3], rv, versions=seen)
    with pytest.raises(Conflict):
        services.merge_tasks(t3, [t1], rv, versions=seen)
    t = _fresh(t)
    assert t["T1"].text == text1 and t["T3"].state == "draft" and t["T4"].parent_id == t3.pk
    assert t["T1"].version == seen[t1.pk] and Target.objects.get(key="G1").task_id == t3.pk


# ---------------------------------------------------------------- the review screen


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
def test_merge_a_distant_task_in_the_browser(page, live_server, people, import_plan):  # noqa: F811
    doc = import_plan(TREE_TEXT, name="tree.txt", ledger=_tree_ledger())
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
