"""Review edits (services.review.edit_task and revise_task): the reviewer's corrections with the version the
reviewer read; a stale version is a conflict and changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from service_builders import YEAR
from taizhang.service.ledger import services
from taizhang.service.ledger.errors import Conflict, NotAllowed, ServiceError
from taizhang.service.ledger.models import AuditEvent, Task


def test_edit_records_before_and_after_with_the_reason(draft, people):
    task = draft.tasks.get(key="T1")
    v = task.version
    services.edit_task(task, people["reviewer"], version=v, changes={"title": "淘汰燃煤锅炉"}, why="标题更准确")
    task.refresh_from_db()
    assert task.title == "淘汰燃煤锅炉" and task.version == v + 1
    ev = AuditEvent.objects.get(action="task.edit")
    assert ev.data == {"before": {"title": "推进燃煤锅炉淘汰"}, "after": {"title": "淘汰燃煤锅炉"}, "why": "标题更准确"}


def test_a_stale_version_is_a_conflict_and_changes_nothing(draft, people):
    task = draft.tasks.get(key="T1")
    v = task.version
    services.edit_task(task, people["reviewer"], version=v, changes={"title": "淘汰燃煤锅炉"})
    stale = Task.objects.get(pk=task.pk)
    with pytest.raises(Conflict, match="已被他人修改"):
        services.edit_task(stale, people["admin"], version=v, changes={"title": "另一个标题"})
    assert Task.objects.get(pk=task.pk).title == "淘汰燃煤锅炉"


def test_edit_is_refused_to_others_and_for_fields_outside_review(draft, people):
    task = draft.tasks.get(key="T1")
    with pytest.raises(NotAllowed):
        services.edit_task(task, people["leader"], version=task.version, changes={"title": "x"})
    with pytest.raises(ServiceError, match="不能修改的字段"):
        services.edit_task(task, people["reviewer"], version=task.version, changes={"state": "closed"})
    assert AuditEvent.objects.filter(action="task.edit").count() == 0


def test_revise_keeps_only_what_differs_and_hands_the_version_to_the_deadline(draft, people):
    task = draft.tasks.get(key="T1")
    v = task.version
    services.revise_task(task, people["reviewer"], version=v,
                         changes={"title": "淘汰燃煤锅炉", "number": task.number}, due=date(YEAR, 10, 31))
    task.refresh_from_db()
    assert task.title == "淘汰燃煤锅炉" and task.due_date == date(YEAR, 10, 31) and task.version == v + 2
    edit = AuditEvent.objects.get(action="task.edit")
    assert edit.data["after"] == {"title": "淘汰燃煤锅炉"}  # the unchanged number is no change
    assert AuditEvent.objects.get(action="task.deadline").data["after"] == f"{YEAR}-10-31"


def test_revise_with_nothing_changed_writes_nothing_and_needs_no_version(draft, people):
    task = draft.tasks.get(key="T1")
    services.revise_task(task, people["reviewer"], version=None, changes={"title": task.title},
                         due=date(YEAR, 9, 30))
    assert not AuditEvent.objects.filter(action__in=("task.edit", "task.deadline")).exists()
    with pytest.raises(ServiceError, match="缺少任务版本号"):
        services.revise_task(task, people["reviewer"], version=None, changes={"title": "新"})


def test_revise_leaves_a_published_tasks_deadline_to_a_change_request(published, people):
    task = published.tasks.get(key="T1")
    services.revise_task(task, people["reviewer"], version=task.version, changes={}, due=date(YEAR, 12, 31))
    assert Task.objects.get(pk=task.pk).due_date == date(YEAR, 9, 30)
