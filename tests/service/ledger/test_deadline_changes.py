"""Deadline changes of a published task (services.deadline_changes): asked by a unit, decided by an admin;
an approved change supersedes the deadline and keeps the old one."""

from __future__ import annotations

from datetime import date

import pytest

from service_builders import YEAR
from taizhang.service.ledger import services
from taizhang.service.ledger.errors import InvalidTransition, NotAllowed, ServiceError
from taizhang.service.ledger.models import Task


def test_an_approved_change_supersedes_the_deadline(task1, people):
    req = services.request_deadline_change(task1, people["liaison_a"], new_date=date(YEAR, 12, 31),
                                           reason="设备采购延期")
    assert Task.objects.get(pk=task1.pk).due_date == date(YEAR, 9, 30)  # not before a decision
    services.approve_deadline_change(req, people["admin"], note="同意")
    task1.refresh_from_db()
    assert task1.due_date == date(YEAR, 12, 31)
    old = task1.deadlines.get(date=date(YEAR, 9, 30))
    assert not old.active and old.superseded_by.date == date(YEAR, 12, 31)  # the old deadline is kept
    with pytest.raises(InvalidTransition, match="已处理"):
        services.reject_deadline_change(req, people["admin"])


def test_a_rejected_change_leaves_the_deadline(task1, people):
    req = services.request_deadline_change(task1, people["admin"], new_date=date(YEAR + 1, 3, 31), reason="再延")
    services.reject_deadline_change(req, people["admin"], note="不同意")
    assert Task.objects.get(pk=task1.pk).due_date == date(YEAR, 9, 30)


def test_who_may_ask_and_decide(task1, people):
    with pytest.raises(NotAllowed):
        services.request_deadline_change(task1, people["liaison_b"], new_date=date(YEAR, 12, 31), reason="x")
    req = services.request_deadline_change(task1, people["reviewer"], new_date=date(YEAR, 12, 31), reason="x")
    with pytest.raises(NotAllowed):
        services.approve_deadline_change(req, people["reviewer"])


def test_a_request_needs_a_reason_and_a_date(task1, people):
    with pytest.raises(ServiceError, match="须说明理由"):
        services.request_deadline_change(task1, people["admin"], new_date=date(YEAR, 12, 31), reason=" ")
    with pytest.raises(ServiceError, match="格式不对"):
        services.request_deadline_change(task1, people["admin"], new_date="明年底", reason="延期")
    req = services.request_deadline_change(task1, people["admin"], new_date=f"{YEAR}-12-31", reason="延期")
    assert req.new_date == date(YEAR, 12, 31)
