"""Merging duplicate units and marking collective names: everything moves to the kept unit, in the audit trail."""

from __future__ import annotations

import pytest
from django.db import connection

from taizhang.service.ledger import denorm, services
from taizhang.service.ledger.errors import NotAllowed, ServiceError
from taizhang.service.ledger.models import (
    Assignment,
    AuditEvent,
    Jurisdiction,
    Organisation,
    OrganisationAlias,
    ProgressReport,
    UserProfile,
)
from taizhang.service.ledger.services.units import collective_candidates, duplicate_candidates


def test_merge_moves_tasks_users_reports_and_keeps_the_name_as_alias(published, people, evidence):
    j = published.jurisdiction
    keep = Organisation.objects.get(name="桐溪县生态环境局")
    t1, t2 = published.tasks.get(key="T1"), published.tasks.get(key="T2")
    dup = Organisation.objects.create(jurisdiction=j, name="桐溪县生态环境局（“环保局”）")
    Assignment.objects.create(task=t1, organisation=dup, role="lead")   # same task, same role: dropped
    Assignment.objects.create(task=t2, organisation=dup, role="support")  # moved
    people["liaison_b"].profile.organisation = dup
    people["liaison_b"].profile.save()
    report = services.submit_progress(t1, people["liaison_a"], period=f"{t1.start_date:%Y-%m}", text="进展",
                                      percent=10)
    ProgressReport.objects.filter(pk=report.pk).update(organisation=dup)

    moved = services.merge_organisations(people["admin"], keep, [dup], why="同一单位两种写法")

    assert not Organisation.objects.filter(pk=dup.pk).exists()
    assert moved["assignments"] == 1 and moved["duplicates_dropped"] == 1 and moved["users"] == 1
    assert set(Assignment.objects.filter(organisation=keep).values_list("task__key", "role")) >= {
        ("T1", "lead"), ("T2", "support")}
    assert UserProfile.objects.get(user=people["liaison_b"]).organisation == keep
    assert ProgressReport.objects.get(pk=report.pk).organisation == keep
    assert OrganisationAlias.objects.get(alias="桐溪县生态环境局（“环保局”）").organisation == keep
    assert services.find_organisation(j, "桐溪县生态环境局（“环保局”）") == keep
    event = AuditEvent.objects.get(action="organisation.merge")
    assert event.data["merged"] == ["桐溪县生态环境局（“环保局”）"] and event.data["why"] == "同一单位两种写法"
    assert sorted(event.data["tasks"]) == sorted([t1.pk, t2.pk])
    assert denorm.stale_assignments(connection) == []  # the dashboard's copies are still right


def test_merge_refuses_other_regions_and_other_roles(people):
    other = Organisation.objects.create(jurisdiction=Jurisdiction.objects.create(name="临江县"), name="临江县生态环境局")
    with pytest.raises(ServiceError, match="同一地区"):
        services.merge_organisations(people["admin"], people["org_a"], [other])
    with pytest.raises(ServiceError, match="至少两个"):
        services.merge_organisations(people["admin"], people["org_a"], [people["org_a"]])
    with pytest.raises(NotAllowed):
        services.merge_organisations(people["reviewer"], people["org_a"], [people["org_b"]])


def test_collective_flag_refused_while_users_belong_to_it(people):
    with pytest.raises(ServiceError, match="liaison_a"):
        services.set_assignable(people["admin"], people["org_a"], False)
    org = Organisation.objects.create(jurisdiction=people["org_a"].jurisdiction, name="县直各部门")
    services.set_assignable(people["admin"], org, False)
    org.refresh_from_db()
    assert org.assignable is False
    assert AuditEvent.objects.filter(action="organisation.assignable").count() == 1


def test_suggestions_find_near_duplicates_and_collectives(people):
    j = people["org_a"].jurisdiction
    for name in ("青石镇", "青石镇人民政府", "“桐溪县城市管理局”", "桐溪县城市管理局", "县直各部门", "相关部门"):
        Organisation.objects.create(jurisdiction=j, name=name)
    groups = [sorted(o.name for o in g) for g in duplicate_candidates()]
    assert ["青石镇", "青石镇人民政府"] in groups
    assert ["“桐溪县城市管理局”", "桐溪县城市管理局"] in groups
    assert {"县直各部门", "相关部门"} <= {o.name for o in collective_candidates()}
    assert "桐溪县生态环境局" not in {o.name for o in collective_candidates()}
