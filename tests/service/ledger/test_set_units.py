"""Choosing a task's units in review (services.review.set_task_units): an organisation of the list or a name
(a draft's units are names until publication; a published task's are filed at once); the plan's wording
remembered as an alias, so the next plan resolves to the reviewer's choice."""

from __future__ import annotations

import pytest

from taizhang.service.ledger import services
from taizhang.service.ledger.errors import ServiceError
from taizhang.service.ledger.models import AuditEvent, Organisation, OrganisationAlias


def test_a_new_unit_is_created_and_its_wording_remembered(draft, people, import_plan, plan_text):
    t2 = draft.tasks.get(key="T2")
    services.set_task_units(t2, people["reviewer"], version=t2.version, role="support",
                            units=[{"name": "桐溪县综合行政执法局", "raw": "县城管局"}], why="城管局已并入综合执法局")
    t2.refresh_from_db()
    assert list(t2.assignments.filter(role="support").values_list("name", "organisation")) == [
        ("桐溪县综合行政执法局", None)]
    assert not Organisation.objects.filter(name="桐溪县综合行政执法局").exists()  # a draft's unit: a name
    services.publish_document(draft, people["reviewer"])
    org = Organisation.objects.get(name="桐溪县综合行政执法局")
    assert list(t2.assignments.filter(role="support").values_list("organisation", flat=True)) == [org.pk]
    assert OrganisationAlias.objects.get(alias="县城管局").organisation == org
    # the next plan's "县城管局" resolves to the organisation the reviewer picked
    doc2 = import_plan(text=plan_text + "附：无。\n", name="plan-b.txt")
    services.publish_document(doc2, people["reviewer"])
    assert doc2.tasks.get(key="T2").assignments.get(role="support").organisation == org


def test_a_published_tasks_unit_is_filed_at_once(published, people):
    t2 = published.tasks.get(key="T2")
    services.set_task_units(t2, people["reviewer"], version=t2.version, role="territorial",
                            units=[{"name": "东岭镇人民政府"}, {"name": "县环保局"}])
    units = {a.organisation.name: a.organisation for a in t2.assignments.filter(role="territorial")}
    assert set(units) == {"东岭镇人民政府", "桐溪县生态环境局"}  # a new one, and one on file by its alias
    assert units["桐溪县生态环境局"] == people["org_a"]


def test_an_organisation_of_the_list_by_id(draft, people):
    t2 = draft.tasks.get(key="T2")
    services.set_task_units(t2, people["reviewer"], version=t2.version, role="lead",
                            units=[{"organisation": people["org_b"].pk}])
    assert list(t2.assignments.filter(role="lead").values_list("organisation", flat=True)) == [people["org_b"].pk]
    ev = AuditEvent.objects.get(action="task.units")
    assert ev.data["role"] == "lead" and ev.data["after"] == ["桐溪县住房和城乡建设局"]


def test_an_unknown_role_or_organisation_is_refused(draft, people):
    t2 = draft.tasks.get(key="T2")
    with pytest.raises(ServiceError, match="未知的责任角色"):
        services.set_task_units(t2, people["reviewer"], version=t2.version, role="boss", units=[])
    with pytest.raises(ServiceError, match="不存在"):
        services.set_task_units(t2, people["reviewer"], version=t2.version, role="lead",
                                units=[{"organisation": 999999}])
