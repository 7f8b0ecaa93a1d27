"""Targets that monitoring data cannot compute (排放总量, 收集率 …): the office enters their actual values by hand
(:class:`..actuals.TargetActual`), and each is judged against its target.

A value is entered in the target's own terms: for 不高于 / 不低于 targets the indicator's value (in the target's
unit); for 比基准年下降 / 提高 targets the change achieved, in percent (a 3 % cut is entered as 3).
"""

from __future__ import annotations

import math
from datetime import date

from django.db import transaction
from django.utils import timezone

from taizhang.ledger import Comparator

from .. import audit
from .. import permissions as perm
from ..actuals import TargetActual
from ..errors import ServiceError
from ..models import Target

MET, MISSED = "met", "missed"


def judge(target: Target, value: float) -> str:
    """``met`` or ``missed``: an entered value against its target (see the module's description)."""
    if target.comparator == Comparator.AT_MOST:
        return MET if value <= target.value else MISSED
    return MET if value >= target.value else MISSED  # 不低于, 下降 / 提高 at least the target's percent


def value_label(target: Target) -> str:
    """What the form asks for, in the target's terms."""
    if target.comparator == Comparator.REDUCE_BY:
        return f"实际比{target.baseline_year or '基准'}年下降（%）"
    if target.comparator == Comparator.INCREASE_BY:
        return f"实际比{target.baseline_year or '基准'}年提高（%）"
    return f"实际值（{target.unit}）" if target.unit else "实际值"


def record_target_actual(target: Target, user, *, value, as_of: date | None, source: str,
                         note: str = "") -> TargetActual:
    """Enter a value of ``target`` by hand: the value, the day it stands for (not after today), its source
    (required), an optional note. One audit event with all of it and the judgement."""
    perm.require_to("record_actual", user)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ServiceError(f"实际值“{value}”应为数字") from None
    if not math.isfinite(number):
        raise ServiceError(f"实际值“{value}”应为数字")
    if as_of is None:
        raise ServiceError("请填写数据截至日期")
    if as_of > timezone.localdate():
        raise ServiceError(f"数据截至日期 {as_of} 晚于今天")
    source = (source or "").strip()
    if not source:
        raise ServiceError("请注明数据来源（如统计公报、部门报表）")
    with transaction.atomic():
        actual = TargetActual.objects.create(target=target, value=number, as_of=as_of, source=source[:300],
                                             note=(note or "").strip()[:500], entered_by=user)
        audit.record("target.actual", actual, actor=user, data={
            "target": target.pk, "document": target.document_id, "indicator": target.indicator,
            "value": number, "unit": target.unit, "as_of": as_of, "source": actual.source, "note": actual.note,
            "judgement": judge(target, number)})
    return actual


def actuals_of(targets: list[Target]) -> dict[int, list[TargetActual]]:
    """Every entry of each target, latest first (one query)."""
    out: dict[int, list[TargetActual]] = {t.pk: [] for t in targets}
    for a in TargetActual.objects.filter(target__in=targets).select_related("entered_by"):
        out[a.target_id].append(a)
    return out
