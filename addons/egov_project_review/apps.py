from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectReviewConfig(AppConfig):
    name = "egov_project_review"
    label = "egov_project_review"
    verbose_name = _("电子政务项目评审")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import registrations  # noqa: F401  (menus, generic views, roles, events, search, reports)
