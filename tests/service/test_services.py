"""The data model and every workflow transition, through the services (real database)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from taizhang.service.ledger import audit, services
from taizhang.service.ledger.errors import (
    Conflict,
    DuplicateDocument,
    InvalidTransition,
    NotAllowed,
    ServiceError,
)
from taizhang.service.ledger.models import (
    Assignment,
    AuditEvent,
    Document,
    EvidenceFile,
    Organisation,
    OrganisationAlias,
    OrganisationRename,
    ProgressReport,
    Target,
    Task,
)

YEAR = date.today().year + 1  # the year of the invented plan (conftest.PLAN_TEXT)


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_import_builds_the_draft_ledger_with_units_deadlines_targets(people, import_plan, plan_text):
    n_orgs = Organisation.objects.count()
    draft = import_plan()
    assert draft.state == "draft"
    assert draft.jurisdiction.name == "桐溪县"
    assert draft.text == plan_text and draft.original_name == "plan.txt"
    assert Path(draft.original.path).read_bytes() == plan_text.encode()
    tasks = list(draft.tasks.order_by("position"))
    assert [t.key for t in tasks] == ["T1", "T2", "T3"]
    t1 = tasks[0]
    assert plan_text[t1.span_start:t1.span_end] == t1.text
    lead = t1.assignments.get(role="lead")
    # a draft names its units: nothing is added to the office's unit list until the plan is published
    assert lead.organisation is None and lead.name == "桐溪县生态环境局" and lead.unit_name == "桐溪县生态环境局"
    assert lead.raw == "县环保局" and plan_text[lead.span_start:lead.span_end] == "县环保局"
    assert lead.renamed_from == "桐溪县环境保护局"
    assert Organisation.objects.count() == n_orgs and not OrganisationAlias.objects.exists()
    assert {a.role for a in t1.assignments.all()} == {"lead", "support", "territorial"}
    assert t1.assignments.get(role="territorial").generic
    assert t1.deadlines.get().date == date(YEAR, 9, 30)
    assert tasks[1].ongoing and tasks[2].immediate
    g1 = Target.objects.get(document=draft, key="G1")
    assert (g1.indicator, g1.comparator, g1.value, g1.stretch_value) == ("PM2.5浓度", "<=", 32, 30)
    ev = AuditEvent.objects.get(action="document.import")
    assert ev.actor == people["reviewer"] and ev.data["tasks"] == 3 and ev.data["sha256"] == draft.sha256
    # publishing files the units: the existing organisation by its canonical name, the wording as an alias,
    # the reform's old name as a rename, a collective name as a unit no user may have
    services.publish_document(draft, people["reviewer"])
    lead.refresh_from_db()
    assert lead.organisation == people["org_a"]
    assert OrganisationAlias.objects.get(alias="县环保局").organisation == people["org_a"]
    assert OrganisationRename.objects.get(old_name="桐溪县环境保护局").organisation == people["org_a"]
    towns = Organisation.objects.get(name="各乡镇人民政府")
    assert towns.kind == "generic" and not towns.assignable
    assert not Assignment.objects.filter(task__document=draft, organisation__isnull=True).exists()


def test_reimport_of_same_file_is_detected_and_names_the_existing_document(draft, import_plan):
    with pytest.raises(DuplicateDocument) as err:
        import_plan(name="副本.txt")
    assert err.value.existing == draft
    assert "已导入过" in str(err.value) and draft.title in str(err.value)
    assert Document.objects.count() == 1


def test_second_import_resolves_units_through_remembered_aliases(published, people, import_plan, plan_text):
    n_orgs = Organisation.objects.count()
    other = plan_text.replace("年大气", "年度大气")
    doc2 = import_plan(text=other, name="plan2027.txt")
    services.publish_document(doc2, people["reviewer"])
    assert Organisation.objects.count() == n_orgs
    assert doc2.tasks.get(key="T1").assignments.get(role="lead").organisation.name == "桐溪县生态环境局"


def test_import_is_all_or_nothing(people, import_plan, make_ledger, plan_text):
    ledger = make_ledger()
    ledger["targets"][1]["value"] = "八十五"  # fails after the document, its tasks and units were written
    with pytest.raises(ValueError):
        import_plan(ledger=ledger)
    assert Document.objects.count() == 0 and Task.objects.count() == 0 and Target.objects.count() == 0
    assert not Organisation.objects.filter(name="桐溪县城市管理局").exists()
    assert not AuditEvent.objects.exists()
    assert _media_files() == []
    import_plan()  # the same file imports cleanly afterwards
    assert Document.objects.count() == 1


def test_only_admin_and_reviewer_import(people, import_plan):
    for who in ("liaison_a", "leader", "inspector"):
        with pytest.raises(NotAllowed):
            import_plan(user=people[who])
    assert Document.objects.count() == 0


def test_edit_with_version_and_conflict_on_stale_version(draft, people):
    task = draft.tasks.get(key="T1")
    v = task.version
    services.edit_task(task, people["reviewer"], version=v, changes={"title": "淘汰燃煤锅炉"}, why="标题更准确")
    stale = Task.objects.get(pk=task.pk)
    with pytest.raises(Conflict):
        services.edit_task(stale, people["admin"], version=v, changes={"title": "另一个标题"})
    task.refresh_from_db()
    assert task.title == "淘汰燃煤锅炉" and task.version == v + 1
    ev = AuditEvent.objects.get(action="task.edit")
    assert ev.data == {"before": {"title": "推进燃煤锅炉淘汰"}, "after": {"title": "淘汰燃煤锅炉"}, "why": "标题更准确"}
    with pytest.raises(NotAllowed):
        services.edit_task(task, people["leader"], version=task.version, changes={"title": "x"})
    with pytest.raises(ServiceError):
        services.edit_task(task, people["reviewer"], version=task.version, changes={"state": "closed"})


def test_split_merge_delete(draft, people, plan_text):
    rv = people["reviewer"]
    t1 = draft.tasks.get(key="T1")
    at = t1.text.index(f"{YEAR}年9月底前")
    new = services.split_task(t1, rv, version=t1.version, at=at)
    t1.refresh_from_db()
    assert t1.text == "推进燃煤锅炉淘汰。" and new.text.startswith(f"{YEAR}年9月底前")
    assert plan_text[new.span_start:new.span_end].startswith(new.text)
    assert set(new.assignments.values_list("name", "role")) == set(t1.assignments.values_list("name", "role"))
    assert len(set(new.assignments.values_list("name", "role"))) == 3
    assert new.position == t1.position + 1 and draft.tasks.get(key="T2").position > new.position
    services.merge_tasks(t1, [new], rv, versions={t1.pk: t1.version, new.pk: new.version})
    t1.refresh_from_db()
    new.refresh_from_db()
    assert new.state == "deleted" and t1.text.startswith(f"推进燃煤锅炉淘汰。{YEAR}年9月底前")
    t3 = draft.tasks.get(key="T3")
    with pytest.raises(ServiceError):
        services.delete_task(t3, rv, version=t3.version, why="")
    services.delete_task(t3, rv, version=t3.version, why="不是任务，是说明")
    assert Task.objects.get(pk=t3.pk).state == "deleted"
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert {"task.split", "task.create", "task.merge", "task.delete"} <= set(actions)


def test_set_units_picks_or_creates_organisation_and_remembers_alias(draft, people, import_plan, plan_text):
    t2 = draft.tasks.get(key="T2")
    services.set_task_units(t2, people["reviewer"], version=t2.version, role="support",
                            units=[{"name": "桐溪县综合行政执法局", "raw": "县城管局"}], why="城管局已并入综合执法局")
    t2.refresh_from_db()
    # a draft's unit is a name until publication
    assert list(t2.assignments.filter(role="support").values_list("name", "organisation")) == [
        ("桐溪县综合行政执法局", None)]
    assert not Organisation.objects.filter(name="桐溪县综合行政执法局").exists()
    services.set_task_units(t2, people["reviewer"], version=t2.version, role="lead",
                            units=[{"organisation": people["org_b"].pk}])
    assert t2.assignments.get(role="lead").organisation == people["org_b"]
    services.publish_document(draft, people["reviewer"])
    org = Organisation.objects.get(name="桐溪县综合行政执法局")
    assert list(t2.assignments.filter(role="support").values_list("organisation", flat=True)) == [org.pk]
    assert OrganisationAlias.objects.get(alias="县城管局").organisation == org
    # the next plan's "县城管局" resolves to the organisation the reviewer picked
    doc2 = import_plan(text=plan_text + "附：无。\n", name="plan-b.txt")
    services.publish_document(doc2, people["reviewer"])
    assert doc2.tasks.get(key="T2").assignments.get(role="support").organisation == org
    # a published task's unit is filed at once
    t2 = doc2.tasks.get(key="T2")
    services.set_task_units(t2, people["reviewer"], version=t2.version, role="territorial",
                            units=[{"name": "东岭镇人民政府"}])
    assert t2.assignments.get(role="territorial").organisation.name == "东岭镇人民政府"


def test_publish_makes_tasks_active_and_schedules_them(published, people):
    assert published.state == "published" and published.published_at
    t1 = published.tasks.get(key="T1")
    assert t1.state == "active" and t1.due_date == date(YEAR, 9, 30)
    assert t1.start_date is not None
    with pytest.raises(InvalidTransition):
        services.publish_document(published, people["reviewer"])


def test_progress_only_by_lead_or_support_liaison(task1, people):
    r = services.submit_progress(task1, people["liaison_a"], period="2026-04", text="已排查锅炉12台", percent=30)
    assert r.organisation == people["org_a"]
    task1.refresh_from_db()
    assert (task1.last_percent, task1.last_period) == (30, "2026-04")
    for who in ("liaison_b", "leader", "reviewer", "inspector"):
        with pytest.raises(NotAllowed):
            services.submit_progress(task1, people[who], period="2026-04", text="x", percent=40)
    for bad in ({"period": "2026-13", "percent": 10}, {"period": "2026-04", "percent": 101},
                {"period": "2026-04", "percent": "abc"}):
        with pytest.raises(ServiceError):
            services.submit_progress(task1, people["liaison_a"], text="x", **bad)
    assert ProgressReport.objects.count() == 1


def test_full_lifecycle_claim_close_reopen(task1, people, evidence):
    la, insp = people["liaison_a"], people["inspector"]
    with pytest.raises(ServiceError, match="佐证材料"):
        services.claim_completion(task1, la, text="已全部淘汰", files=[])
    report = services.claim_completion(task1, la, text="已全部淘汰", files=[evidence])
    task1.refresh_from_db()
    assert task1.state == "claimed" and report.is_completion_claim and report.percent == 100
    ev = EvidenceFile.objects.get(report=report)
    assert ev.sha256 == evidence.sha256 and Path(ev.file.path).read_bytes() == evidence.content
    with pytest.raises(NotAllowed):
        services.close_task(task1, la, note="自己销号")
    with pytest.raises(ServiceError):
        services.close_task(task1, insp, note=" ")
    services.reject_claim(task1, insp, note="现场仍有一台未拆除")
    assert Task.objects.get(pk=task1.pk).state == "active"
    services.claim_completion(task1, la, text="最后一台已拆除", files=[evidence])
    v = services.close_task(task1, insp, note="现场核查，锅炉已全部拆除")
    task1.refresh_from_db()
    assert task1.state == "closed" and v.result == "closed" and task1.closed_at
    with pytest.raises(InvalidTransition):
        services.submit_progress(task1, la, period="2026-05", text="x", percent=100)
    with pytest.raises(ServiceError):
        services.reopen_task(task1, insp, reason="")
    services.reopen_task(task1, insp, reason="反弹回潮：发现新建燃煤锅炉")
    assert Task.objects.get(pk=task1.pk).state == "active"
    trail = [(e["action"], e["actor"]) for e in services.timeline(task1)]
    assert trail == [("task.publish", "reviewer"), ("report.claim", "liaison_a"), ("task.claim", "liaison_a"),
                     ("task.reject", "inspector"), ("report.claim", "liaison_a"), ("task.claim", "liaison_a"),
                     ("task.close", "inspector"), ("task.reopen", "inspector")]
    assert services.timeline(task1)[-1]["data"]["why"] == "反弹回潮：发现新建燃煤锅炉"
    assert audit.verify_chain().ok


def test_deadline_change_needs_admin_approval(task1, people):
    req = services.request_deadline_change(task1, people["liaison_a"], new_date=date(YEAR, 12, 31),
                                           reason="设备采购延期")
    with pytest.raises(NotAllowed):
        services.request_deadline_change(task1, people["liaison_b"], new_date=date(YEAR, 12, 31), reason="x")
    with pytest.raises(NotAllowed):
        services.approve_deadline_change(req, people["reviewer"])
    assert Task.objects.get(pk=task1.pk).due_date == date(YEAR, 9, 30)
    services.approve_deadline_change(req, people["admin"], note="同意")
    task1.refresh_from_db()
    assert task1.due_date == date(YEAR, 12, 31)
    old = task1.deadlines.get(date=date(YEAR, 9, 30))
    assert not old.active and old.superseded_by.date == date(YEAR, 12, 31)  # the old deadline is kept
    with pytest.raises(InvalidTransition):
        services.reject_deadline_change(req, people["admin"])
    req2 = services.request_deadline_change(task1, people["admin"], new_date=date(YEAR + 1, 3, 31), reason="再延")
    services.reject_deadline_change(req2, people["admin"], note="不同意")
    assert Task.objects.get(pk=task1.pk).due_date == date(YEAR, 12, 31)


def test_warning_days_setting(people):
    from taizhang.service.ledger.lights import warning_days

    assert warning_days() == 15
    services.set_warning_days(people["admin"], 20)
    assert warning_days() == 20
    with pytest.raises(NotAllowed):
        services.set_warning_days(people["reviewer"], 5)


def test_disclosure_lists_only_published_without_personal_data(published, import_plan, plan_text, people):
    import_plan(text=plan_text + "（征求意见稿）\n", name="draft.txt")
    out = services.disclosure()
    assert [d["id"] for d in out] == [published.pk]
    assert [t["number"] for t in out[0]["tasks"]] == ["二.（一）", "二.（二）", "二.（三）"]
    assert out[0]["tasks"][0]["lead_units"] == ["桐溪县生态环境局"]
    assert "liaison_a" not in repr(out)
