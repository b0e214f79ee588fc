from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmdbConfig(AppConfig):
    name = "egov_cmdb"
    label = "egov_cmdb"
    verbose_name = _("配置管理数据库")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import registrations  # noqa: F401  (menus, generic views, roles, events, search, reports)
