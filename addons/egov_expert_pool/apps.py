from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertPoolConfig(AppConfig):
    name = "egov_expert_pool"
    label = "egov_expert_pool"
    verbose_name = _("专家库与专家抽取")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import registrations  # noqa: F401  (menus, generic views, roles, events, search, reports)
