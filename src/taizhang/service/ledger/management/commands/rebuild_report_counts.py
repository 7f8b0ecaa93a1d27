"""Recompute the stored monthly report counts (the dashboard's trend) from the progress reports."""

from django.core.management.base import BaseCommand

from taizhang.service.ledger.models import ReportMonthCount


class Command(BaseCommand):
    help = "按进展报送记录重新计算各月报送数（首页趋势图）"

    def handle(self, *args, **options):
        n = ReportMonthCount.rebuild()
        self.stdout.write(f"已重新计算 {n} 个月份的报送数")
