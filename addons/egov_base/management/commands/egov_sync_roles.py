"""manage.py egov_sync_roles — create the built-in roles and add the permissions apps declared with ``grant()``.

Idempotent; never removes permissions administrators added."""

from django.core.management.base import BaseCommand

from egov_base.org.roles import sync_roles


class Command(BaseCommand):
    help = "创建内置角色并授予各应用声明的默认权限（幂等）。"

    def handle(self, *args, **options):
        from egov_base.org.models import Role

        sync_roles()
        self.stdout.write(f"roles: {Role.objects.count()}")
