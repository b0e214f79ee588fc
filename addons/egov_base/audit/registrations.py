"""Menu entries (系统管理 > 日志管理) and the "历史" tab on every registered object's detail page."""

from django.utils.translation import gettext_lazy as _

from egov_base.generic.registry import register_detail_tab
from egov_base.org.roles import grant
from egov_base.ui.menu import MenuItem, register_menu

PERM = "egov_base.view_auditentry"

grant("auditor", PERM)

register_menu("system", _("系统管理"), "ti ti-settings", 900, items=[
    MenuItem(_("日志管理"), "egov_base:audit_list", perm=PERM, order=80, icon="ti ti-history"),
    MenuItem(_("日志统计"), "egov_base:audit_stats", perm=PERM, order=81, icon="ti ti-chart-bar"),
    MenuItem(_("日志校验"), "egov_base:audit_verify", perm=PERM, order=82, icon="ti ti-shield-check"),
    MenuItem(_("系统令牌"), "egov_base:api_token_list", perm="egov_base.view_systemtoken", order=85, icon="ti ti-key"),
    MenuItem(_("接口文档"), "api-docs", perm="egov_base.view_systemtoken", order=86, icon="ti ti-api"),
])


def _history_context(request, obj):
    from .presentation import entry_changes
    from .selectors import audit_history_for

    entries = list(audit_history_for(obj, limit=100))
    return {"history_entries": [{"entry": e, "changes": entry_changes(e)} for e in entries]}


register_detail_tab(
    key="history",
    label=_("历史"),
    template="egov_base/audit/partials/history_tab.html",
    context=_history_context,
    order=20,
    # the detail view has already checked the object's view permission and data scope
    condition=lambda request, obj: True,
)
