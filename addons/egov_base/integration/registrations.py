"""Registrations of the integration area: generic views for ExternalSystem, menu entries, periodic purge."""

from django.utils.translation import gettext_lazy as _

from ..generic.registry import ModelConfig, register
from ..org.roles import grant
from ..schedules import periodic
from ..ui.menu import MenuItem, register_menu
from .models import ExternalSystem

periodic("egov_base.integration.purge_call_log", "egov_base.integration.purge_call_log", crontab="30 3 * * *",
         description="删除 90 天前的接口调用日志")


register(ExternalSystem, ModelConfig(
    menu="system",
    list_display=["code", "name", "base_url", "enabled", "read_timeout", "max_retries", "failure_threshold"],
    list_filter=["enabled"], search_fields=["code", "name", "base_url"],
    form_fields=["code", "name", "base_url", "enabled", "connect_timeout", "read_timeout", "max_retries",
                 "backoff_base", "failure_threshold", "cooldown_seconds", "description"],
    import_fields=["code", "name", "base_url", "enabled"], import_key="code",
))


register_menu("system", _("系统管理"), "ti ti-settings", 90, items=[
    MenuItem(_("接口管理"), "egov_base:integration_calls", perm="egov_base.view_integrationcall", icon="ti ti-plug-connected", order=60),
    MenuItem(_("外部系统"), "egov_base:externalsystem_list", perm="egov_base.view_externalsystem", icon="ti ti-server", order=61),
])


grant("ops_engineer", "egov_base.view_integrationcall", "egov_base.view_externalsystem")
grant("dept_head", "egov_base.view_integrationcall", "egov_base.view_externalsystem")
