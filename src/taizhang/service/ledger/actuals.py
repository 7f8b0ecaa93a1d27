"""Hand-entered values of targets that monitoring data cannot give (排放总量, 收集率, 安装率 …).

The office enters the value it has from elsewhere — a statistics bulletin, a department's return — with the day
the value stands for, its source, and who entered it (:func:`.services.targets.record_target_actual`, one audit
event each). An entry is never changed: a correction is a new entry, and the latest ``as_of`` (then the latest
entered) is the one the target view judges. Re-exported by :mod:`.models`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TargetActual(models.Model):
    target = models.ForeignKey("ledger.Target", on_delete=models.CASCADE, related_name="actuals",
                               verbose_name="目标指标")
    value = models.FloatField("实际值")
    as_of = models.DateField("数据截至")
    source = models.CharField("数据来源", max_length=300)
    note = models.CharField("说明", max_length=500, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="填报人")
    entered_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "目标实际值（人工填报）"
        ordering = ["-as_of", "-entered_at", "-id"]
        indexes = [models.Index(fields=["target", "as_of", "entered_at"], name="target_actual_latest")]

    def __str__(self) -> str:
        return f"{self.target.indicator}：{self.value:g}（截至 {self.as_of}）"
