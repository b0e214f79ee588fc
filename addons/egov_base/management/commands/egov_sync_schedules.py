"""manage.py egov_sync_schedules — write the periodic jobs declared with ``egov_base.schedules.periodic()``
to django-celery-beat rows. Existing rows (and administrators' edits to them) are kept."""

from django.core.management.base import BaseCommand

from egov_base.schedules import registered, sync_schedules


class Command(BaseCommand):
    help = "把各应用声明的定时任务写入 django-celery-beat（只新增，保留管理员的修改）。"

    def handle(self, *args, **options):
        created = sync_schedules()
        self.stdout.write(f"schedules: {len(registered())} declared, {created} created")
