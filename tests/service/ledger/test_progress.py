"""Monthly progress (services.workflow.submit_progress): by the liaison of a lead or support unit (or an
admin), with a period YYYY-MM and a percent 0–100; the task's schedule follows the report."""

from __future__ import annotations

import pytest

from service_builders import month
from taizhang.service.ledger import services
from taizhang.service.ledger.errors import NotAllowed, ServiceError
from taizhang.service.ledger.models import ProgressReport


def test_the_lead_units_liaison_reports(task1, people):
    r = services.submit_progress(task1, people["liaison_a"], period=month(), text="已排查锅炉12台", percent=30)
    assert r.organisation == people["org_a"]
    task1.refresh_from_db()
    assert (task1.last_percent, task1.last_period) == (30, month())


def test_others_may_not_report(task1, people):
    for who in ("liaison_b", "leader", "reviewer", "inspector"):
        with pytest.raises(NotAllowed):
            services.submit_progress(task1, people[who], period=month(), text="x", percent=40)
    assert ProgressReport.objects.count() == 0


@pytest.mark.parametrize(("bad", "message"), [
    ({"period": "2026-13", "percent": 10}, "YYYY-MM"),
    ({"period": "2026-04", "percent": 101}, "0–100 之间"),
    ({"period": "2026-04", "percent": "abc"}, "0–100 的整数"),
    ({"period": "2026-04", "percent": 10, "text": " "}, "请填写进展情况"),
])
def test_a_bad_report_is_explained_and_not_stored(task1, people, bad, message):
    with pytest.raises(ServiceError, match=message):
        services.submit_progress(task1, people["liaison_a"], **{"text": "x", **bad})
    assert ProgressReport.objects.count() == 0
