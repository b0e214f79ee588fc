"""Verify the audit hash chain: ``manage.py egov_audit_verify`` exits 1 and names the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from egov_base.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "校验审计日志哈希链，报告第一个断点。"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options):
        result = audit_chain_verify(batch_size=options["batch_size"])
        if not result.ok:
            raise CommandError(f"审计日志哈希链校验失败：第一个断点 #{result.broken_id}：{result.reason}（已校验 {result.checked} 条）")
        self.stdout.write(self.style.SUCCESS(f"审计日志哈希链完整：共校验 {result.checked} 条。"))
