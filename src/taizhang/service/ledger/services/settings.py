"""Settings the office changes at run time (stored in :class:`.models.Setting`, audited)."""

from __future__ import annotations

from django.db import transaction

from .. import audit, lights
from .. import permissions as perm
from ..errors import ServiceError
from ..models import Setting


def set_warning_days(user, days: int) -> None:
    perm.require_to("set_warning_days", user)
    days = int(days)
    if not 0 <= days <= 365:
        raise ServiceError("预警天数应在 0–365 之间")
    with transaction.atomic():
        before = lights.warning_days()
        Setting.objects.update_or_create(key="warning_days", defaults={"value": str(days)})
        audit.record("setting.change", object_type="setting", object_id="warning_days", actor=user,
                     data={"before": before, "after": days})
