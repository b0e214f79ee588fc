from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceCatalogConfig(AppConfig):
    name = "egov_service_catalog"
    label = "egov_service_catalog"
    verbose_name = _("服务目录与资源管理")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import registrations  # noqa: F401  (menus, generic views, roles, events, search, reports)
