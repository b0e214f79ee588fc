from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EgovBaseConfig(AppConfig):
    name = "egov_base"
    verbose_name = _("平台基础")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Each area connects its signal handlers and registrations here.
        from importlib import import_module

        import_module("egov_base.audit.signals")  # change logging
        import_module("egov_base.registrations")
