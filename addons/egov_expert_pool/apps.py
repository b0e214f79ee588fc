from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync(sender, **kwargs):
    from .data import ensure_dicts

    ensure_dicts()


class ExpertPoolConfig(AppConfig):
    name = "egov_expert_pool"
    label = "egov_expert_pool"
    verbose_name = _("专家库与专家抽取")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import registrations  # noqa: F401  (menus, generic views, roles, events, search, reports)

        post_migrate.connect(_sync, sender=self, dispatch_uid="egov_expert_pool.sync_dicts")
