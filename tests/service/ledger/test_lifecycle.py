"""The task lifecycle table and the vocabularies: the services refuse exactly the steps the table does not
allow, the task page and the API offer the same actions, and each vocabulary has one list of codes and
labels."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from service_builders import month
from taizhang import ledger
from taizhang.service.ledger import permissions as perms
from taizhang.service.ledger import services
from taizhang.service.ledger.errors import InvalidTransition
from taizhang.service.ledger.models import TASK_LIFECYCLE, Assignment, Deadline, Target, Task

YEAR = date.today().year + 1

# each action with a call of its service by a user allowed to take it
CALLS = {
    "edit": lambda t, p, ev: services.edit_task(t, p["reviewer"], version=t.version, changes={"title": "新标题"}),
    "delete": lambda t, p, ev: services.delete_task(t, p["reviewer"], version=t.version, why="不是任务"),
    "set_deadline": lambda t, p, ev: services.set_task_deadline(t, p["reviewer"], version=t.version,
                                                                due=date(YEAR, 10, 31)),
    "report": lambda t, p, ev: services.submit_progress(t, p["liaison_a"], period=month(), text="进展",
                                                        percent=10),
    "claim": lambda t, p, ev: services.claim_completion(t, p["liaison_a"], text="已完成", files=[ev]),
    "close": lambda t, p, ev: services.close_task(t, p["inspector"], note="核查通过"),
    "reject": lambda t, p, ev: services.reject_claim(t, p["inspector"], note="仍有问题"),
    "reopen": lambda t, p, ev: services.reopen_task(t, p["inspector"], reason="反弹回潮"),
    "request_deadline": lambda t, p, ev: services.request_deadline_change(t, p["liaison_a"],
                                                                          new_date=date(YEAR, 12, 31), reason="延期"),
}


def test_each_service_takes_its_step_exactly_from_the_states_the_table_allows(task1, people, evidence):
    for action, call in CALLS.items():
        step = TASK_LIFECYCLE[action]
        for state in Task.State.values:
            Task.objects.filter(pk=task1.pk).update(state=state)
            task1.refresh_from_db()
            if state in step.sources:
                call(task1, people, evidence)
                task1.refresh_from_db()
                assert task1.state == (step.target or state), (action, state)
            else:
                with pytest.raises(InvalidTransition):
                    call(task1, people, evidence)
                assert Task.objects.get(pk=task1.pk).state == state, (action, state)


def test_publish_and_merge_follow_the_table(draft, people):
    t1, t2 = draft.tasks.get(key="T1"), draft.tasks.get(key="T2")
    services.merge_tasks(t1, [t2], people["reviewer"], versions={t1.pk: t1.version, t2.pk: t2.version})
    assert Task.objects.get(pk=t2.pk).state == TASK_LIFECYCLE["merge"].target
    services.publish_document(draft, people["reviewer"])
    assert Task.objects.get(pk=t1.pk).state == TASK_LIFECYCLE["publish"].target
    t3 = draft.tasks.get(key="T3")
    with pytest.raises(InvalidTransition, match="只能合并待审核的任务"):
        services.merge_tasks(t1, [t3], people["reviewer"], versions={t1.pk: t1.version + 1, t3.pk: t3.version})


@pytest.mark.parametrize("who", ["admin", "liaison_a", "liaison_b", "inspector", "leader"])
def test_the_task_page_and_the_api_offer_the_same_actions(task1, people, who):
    user = people[who]
    client = Client()
    client.force_login(user)
    page = client.get(f"/tasks/{task1.pk}/")
    assert page.status_code == 200
    expected = perms.allowed_actions(user, task1)
    assert page.context["can"] == expected
    api = client.get(f"/api/tasks/{task1.pk}/")
    assert api.status_code == 200 and api.json()["actions"] == expected
    assert expected["report"] == (who in ("admin", "liaison_a"))
    assert expected["verify"] is False  # an active task has no claim to verify


def test_model_choices_are_the_ledger_vocabularies():
    for choices, vocabulary in ((Task.Kind, ledger.TaskKind), (Target.Comparator, ledger.Comparator),
                                (Assignment.Role, ledger.UnitRole), (Deadline.Type, ledger.DeadlineType)):
        assert choices.choices == [(m.value, m.label) for m in vocabulary]
    assert {r.ledger_key for r in ledger.UnitRole} == {"lead_units", "support_units", "implementing_units"}
    assert ledger.Comparator("reduce_by").phrase == "比基准年下降"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "level"), [("桐溪县", "county"), ("青禾市", "city"), ("滨江区", "district"),
                                             ("某某省", "province"), ("石桥镇", "town"), ("", "other")])
def test_jurisdiction_levels_are_the_resolvers(name, level):
    assert services.get_jurisdiction(name).level == level
