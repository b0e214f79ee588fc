"""manage.py egov_demo — load the demo data (idempotent) and print one demo login per role.

``--logins`` only prints the login table (scripts/start prints it after the servers are up)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "加载演示数据（幂等），并列出各角色的演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--logins", action="store_true", help="只列出演示账号")
        parser.add_argument("--quiet", action="store_true", help="不列出演示账号")

    def handle(self, *args, logins=False, quiet=False, **options):
        from egov_base.demo import load_demo, login_table

        if not logins:
            results = load_demo(stdout=self.stdout)
            failed = [name for name, ok in results.items() if ok is False]
            if failed:
                self.stderr.write(self.style.WARNING("demo data failed for: " + ", ".join(failed)))
        if not quiet:
            self.stdout.write(login_table())
