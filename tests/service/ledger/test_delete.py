"""Deleting a false task in review (services.review.delete_task): kept as state ``deleted``, with a reason."""

from __future__ import annotations

import pytest

from taizhang.service.ledger import services
from taizhang.service.ledger.errors import NotAllowed, ServiceError
from taizhang.service.ledger.models import AuditEvent, Task


def test_delete_needs_a_reason_and_keeps_the_task_as_deleted(draft, people):
    t3 = draft.tasks.get(key="T3")
    with pytest.raises(ServiceError, match="须说明理由"):
        services.delete_task(t3, people["reviewer"], version=t3.version, why="")
    services.delete_task(t3, people["reviewer"], version=t3.version, why="不是任务，是说明")
    assert Task.objects.get(pk=t3.pk).state == "deleted"
    ev = AuditEvent.objects.get(action="task.delete")
    assert ev.data == {"before": "draft", "why": "不是任务，是说明"}


def test_delete_is_refused_to_a_leader(draft, people):
    t3 = draft.tasks.get(key="T3")
    with pytest.raises(NotAllowed):
        services.delete_task(t3, people["leader"], version=t3.version, why="x")
    assert Task.objects.get(pk=t3.pk).state == "draft"
