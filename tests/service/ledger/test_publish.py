"""Publishing a reviewed ledger (services.workflow.publish_document): its draft tasks become active (交办)
and get their schedule."""

from __future__ import annotations

from datetime import date

import pytest

from service_builders import YEAR
from taizhang.service.ledger import services
from taizhang.service.ledger.errors import InvalidTransition, NotAllowed


def test_publish_makes_tasks_active_and_schedules_them(published):
    assert published.state == "published" and published.published_at
    t1 = published.tasks.get(key="T1")
    assert t1.state == "active" and t1.due_date == date(YEAR, 9, 30)
    assert t1.start_date is not None


def test_publish_twice_or_by_a_leader_is_refused(draft, people):
    with pytest.raises(NotAllowed):
        services.publish_document(draft, people["leader"])
    services.publish_document(draft, people["reviewer"])
    with pytest.raises(InvalidTransition, match="已发布"):
        services.publish_document(draft, people["reviewer"])
