"""``manage.py audit_verify``: recompute the audit trail's hash chain."""

from django.core.management.base import BaseCommand, CommandError

from taizhang.service.ledger.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计记录的哈希链"

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"审计记录被改动：第 {report.first_bad_seq} 条起哈希链断裂（{report.reason}）")
        self.stdout.write(f"审计记录完整：共 {report.count} 条。")
