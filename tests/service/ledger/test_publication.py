"""Publishing a plan: the checks (a lead unit or a reason why none, a deadline or 长期坚持/立行立改), the units
filed as organisations only then — variants and reform renames meeting the organisations on file, collective
names never a user's unit — and the audit events of a whole plan appended together."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from taizhang.service.ledger import audit, services
from taizhang.service.ledger.errors import ServiceError
from taizhang.service.ledger.models import Assignment, AuditEvent, Organisation, Task

pytestmark = pytest.mark.django_db


def _without(ledger: dict, key: str, **fields) -> dict:
    """The ledger with task ``key`` changed: its fields replaced by ``fields``."""
    led = copy.deepcopy(ledger)
    for t in led["tasks"]:
        if t["id"] == key:
            t.update(fields)
    return led


def test_publish_refuses_tasks_without_lead_or_deadline_and_lists_them(people, import_plan, make_ledger):
    led = _without(make_ledger(), "T1", lead_units=[], deadlines=[])
    led = _without(led, "T2", ongoing=False)
    doc = import_plan(ledger=led)
    problems = services.publish_problems(doc)
    t1, t2 = doc.tasks.get(key="T1"), doc.tasks.get(key="T2")
    assert [t.id for t in problems.no_lead] == [t1.pk]
    assert [t.id for t in problems.no_deadline] == [t1.pk, t2.pk]
    assert problems.tasks == 2 and problems.no_lead[0].label == "推进燃煤锅炉淘汰"
    with pytest.raises(ServiceError, match="1 项任务没有牵头单位，2 项任务没有完成时限"):
        services.publish_document(doc, people["reviewer"])
    doc.refresh_from_db()
    assert doc.state == "draft" and not Organisation.objects.exclude(pk__in=[people["org_a"].pk,
                                                                           people["org_b"].pk]).exists()
    assert not AuditEvent.objects.filter(action__in=("task.publish", "document.publish")).exists()
    # the reviewer: no lead needed (with the reason), a deadline, the other kept up
    rv = people["reviewer"]
    services.edit_task(t1, rv, version=t1.version, changes={"no_lead_reason": "由各乡镇分别落实"})
    services.set_task_deadline(t1, rv, version=t1.version, due=date(date.today().year + 1, 6, 30))
    t2.refresh_from_db()
    services.edit_task(t2, rv, version=t2.version, changes={"ongoing": True})
    assert services.publish_problems(doc).ok
    services.publish_document(doc, rv)
    assert set(doc.tasks.values_list("state", flat=True)) == {"active"}


def test_immediate_counts_as_a_deadline(people, import_plan, make_ledger):
    led = _without(make_ledger(), "T3", deadlines=[], immediate=True)
    doc = import_plan(ledger=led)
    assert services.publish_problems(doc).ok


def test_units_are_filed_at_publication_only(people, import_plan, make_ledger):
    n = Organisation.objects.count()
    doc = import_plan()
    assert Organisation.objects.count() == n  # a draft adds nothing to the unit list
    assert Assignment.objects.filter(task__document=doc, organisation__isnull=True).count() == 7
    services.publish_document(doc, people["reviewer"])
    names = set(Organisation.objects.values_list("name", flat=True))
    assert {"桐溪县市场监督管理局", "桐溪县城市管理局", "桐溪县农业农村局", "各乡镇人民政府"} <= names
    assert not Assignment.objects.filter(task__document=doc, organisation__isnull=True).exists()
    event = AuditEvent.objects.get(action="document.publish")
    assert event.data["units"]["created"] == 4 and event.data["units"]["filed"] == 7


def _plan_with_units(make_ledger, units: dict[str, list[str]]) -> dict:
    """The test plan with the lead units of T1, T2, T3 written as given (raw = name, as a plan may)."""
    led = make_ledger()
    for t in led["tasks"]:
        t["lead_units"] = [{"raw": n, "name": n} for n in units.get(t["id"], [])] or t["lead_units"]
    return led


@pytest.mark.parametrize("first, second", [
    ("桐溪县东岭镇", "桐溪县东岭镇人民政府"),
    ("桐溪县自然资源局", "桐溪县自然资源和规划局"),
    ("桐溪县“三供一业”办公室", '桐溪县"三供一业"办公室'),
    ("南湖街道", "南湖街道办事处"),
])
def test_variants_of_a_name_meet_one_organisation(people, import_plan, make_ledger, plan_text, first, second):
    rv = people["reviewer"]
    one = import_plan(ledger=_plan_with_units(make_ledger, {"T1": [first]}))
    services.publish_document(one, rv)
    org = one.tasks.get(key="T1").assignments.get(role="lead").organisation
    assert org.name == first
    n = Organisation.objects.count()
    other = plan_text + "（第二批）\n"
    two = import_plan(text=other, name="plan2.txt", ledger=_plan_with_units(make_ledger, {"T1": [second]}))
    services.publish_document(two, rv)
    assert two.tasks.get(key="T1").assignments.get(role="lead").organisation == org
    assert Organisation.objects.count() == n


def test_two_names_of_one_unit_on_one_task_leave_one_assignment(people, import_plan, make_ledger):
    doc = import_plan(ledger=_plan_with_units(make_ledger, {"T1": ["桐溪县东岭镇", "桐溪县东岭镇人民政府"]}))
    assert doc.tasks.get(key="T1").assignments.filter(role="lead").count() == 2
    services.publish_document(doc, people["reviewer"])
    leads = doc.tasks.get(key="T1").assignments.filter(role="lead")
    assert leads.count() == 1 and leads.get().organisation.name == "桐溪县东岭镇"
    assert AuditEvent.objects.get(action="document.publish").data["units"]["duplicates"] == 1


@pytest.mark.parametrize("name", ["各区", "镇", "所在乡镇", "桐溪县各部门", "有关单位", "县各委办局"])
def test_placeholders_and_groups_are_never_a_users_unit(people, import_plan, make_ledger, name):
    doc = import_plan(ledger=_plan_with_units(make_ledger, {"T2": [name]}))
    services.publish_document(doc, people["reviewer"])
    org = doc.tasks.get(key="T2").assignments.get(role="lead").organisation
    assert org.kind == "generic" and org.assignable is False
    with pytest.raises(ServiceError, match="集合称谓"):
        services.create_user(people["admin"], username="town", role="liaison", organisation=org)


def test_a_published_plan_records_every_task_in_one_chain(people, draft):
    services.publish_document(draft, people["reviewer"])
    events = list(AuditEvent.objects.filter(action="task.publish").order_by("seq"))
    assert [e.task_id for e in events] == list(draft.tasks.order_by("position", "id").values_list("pk", flat=True))
    assert all(e.actor == people["reviewer"] and e.data["after"] == "active" for e in events)
    assert audit.verify_chain().ok
    t1 = Task.objects.get(document=draft, key="T1")
    assert t1.state == "active" and t1.version == 2 and t1.due_date and t1.start_date
