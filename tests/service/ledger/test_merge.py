"""Merging tasks in review (the service): any draft task of the same document, wherever it stands (not only
the neighbour), across parent and child; texts in document order, units with their roles, deadlines, targets
and children carried over; versions checked; tasks of another document, deleted or published ones refused."""

from __future__ import annotations

import pytest

from service_builders import YEAR
from taizhang.service.ledger import services
from taizhang.service.ledger.errors import Conflict, InvalidTransition, ServiceError
from taizhang.service.ledger.models import AuditEvent, Target, Task

pytestmark = pytest.mark.django_db


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
