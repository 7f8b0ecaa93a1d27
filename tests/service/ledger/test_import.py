"""Import (services.imports): a plan's ledger stored as a draft, with its original file, its units as names
(filed as organisations when the plan is published), deadlines and targets; the same file never twice;
all-or-nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from service_builders import YEAR, media_files
from taizhang.service.ledger.errors import DuplicateDocument, NotAllowed
from taizhang.service.ledger.models import (
    AuditEvent,
    Document,
    Organisation,
    OrganisationAlias,
    OrganisationRename,
    Target,
    Task,
)


def test_import_builds_the_draft_ledger_with_units_deadlines_targets(draft, people, plan_text):
    assert draft.state == "draft"
    assert draft.jurisdiction.name == "桐溪县"
    assert draft.text == plan_text and draft.original_name == "plan.txt"
    assert Path(draft.original.path).read_bytes() == plan_text.encode()
    tasks = list(draft.tasks.order_by("position"))
    assert [t.key for t in tasks] == ["T1", "T2", "T3"]
    t1 = tasks[0]
    assert plan_text[t1.span_start:t1.span_end] == t1.text
    lead = t1.assignments.get(role="lead")
    # a draft names its units (the lexicon's canonical name): the unit list is not touched until publication
    assert lead.organisation is None and lead.name == "桐溪县生态环境局" and lead.renamed_from == "桐溪县环境保护局"
    assert lead.raw == "县环保局" and plan_text[lead.span_start:lead.span_end] == "县环保局"
    assert set(Organisation.objects.values_list("name", flat=True)) == {"桐溪县生态环境局", "桐溪县住房和城乡建设局"}
    assert {a.role for a in t1.assignments.all()} == {"lead", "support", "territorial"}
    assert t1.deadlines.get().date == date(YEAR, 9, 30)
    assert tasks[1].ongoing and tasks[2].immediate
    g1 = Target.objects.get(document=draft, key="G1")
    assert (g1.indicator, g1.comparator, g1.value, g1.stretch_value) == ("PM2.5浓度", "<=", 32, 30)
    ev = AuditEvent.objects.get(action="document.import")
    assert ev.actor == people["reviewer"] and ev.data["tasks"] == 3 and ev.data["sha256"] == draft.sha256


def test_publication_remembers_surface_forms_and_reform_renames(published, people):
    assert OrganisationAlias.objects.get(alias="县环保局").organisation == people["org_a"]
    assert OrganisationRename.objects.get(old_name="桐溪县环境保护局").organisation == people["org_a"]
    towns = Organisation.objects.get(name="各乡镇人民政府")
    assert towns.kind == "generic" and not towns.assignable


def test_reimport_of_same_file_is_detected_and_names_the_existing_document(draft, import_plan):
    with pytest.raises(DuplicateDocument) as err:
        import_plan(name="副本.txt")
    assert err.value.existing == draft
    assert "已导入过" in str(err.value) and draft.title in str(err.value)
    assert Document.objects.count() == 1


def test_second_plan_resolves_units_through_remembered_aliases(published, people, import_plan, plan_text):
    from taizhang.service.ledger import services

    n_orgs = Organisation.objects.count()
    other = plan_text.replace("年大气", "年度大气")
    doc2 = import_plan(text=other, name="plan2027.txt")
    services.publish_document(doc2, people["reviewer"])
    assert Organisation.objects.count() == n_orgs
    assert doc2.tasks.get(key="T1").assignments.get(role="lead").organisation.name == "桐溪县生态环境局"


def test_import_is_all_or_nothing(people, import_plan, make_ledger):
    ledger = make_ledger()
    ledger["targets"][1]["value"] = "八十五"  # fails after the document, its tasks and units were written
    with pytest.raises(ValueError):
        import_plan(ledger=ledger)
    assert Document.objects.count() == 0 and Task.objects.count() == 0 and Target.objects.count() == 0
    assert not Organisation.objects.filter(name="桐溪县城市管理局").exists()
    assert not AuditEvent.objects.exists()
    assert media_files() == []
    import_plan()  # the same file imports cleanly afterwards
    assert Document.objects.count() == 1


def test_only_admin_and_reviewer_import(people, import_plan):
    for who in ("liaison_a", "leader", "inspector"):
        with pytest.raises(NotAllowed):
            import_plan(user=people[who])
    assert Document.objects.count() == 0
    import_plan(user=people["admin"])
    assert Document.objects.count() == 1
