"""The yellow-light window, a setting the office changes (services.settings)."""

from __future__ import annotations

import pytest

from taizhang.service.ledger import services
from taizhang.service.ledger.errors import NotAllowed, ServiceError
from taizhang.service.ledger.lights import warning_days
from taizhang.service.ledger.models import AuditEvent


def test_the_admin_sets_the_window_and_it_is_audited(people):
    assert warning_days() == 15
    services.set_warning_days(people["admin"], 20)
    assert warning_days() == 20
    assert AuditEvent.objects.get(action="setting.change").data == {"before": 15, "after": 20}


def test_others_and_bad_values_are_refused(people):
    with pytest.raises(NotAllowed):
        services.set_warning_days(people["reviewer"], 5)
    with pytest.raises(ServiceError, match="0–365"):
        services.set_warning_days(people["admin"], 400)
    assert warning_days() == 15
