"""Registrations of the topology / impact / statistics screens (menu items, grants, saved views, API)."""

from django.utils.translation import gettext_lazy as _

from egov_base.generic.registry import ExtraAction, ModelConfig, register
from egov_base.org.roles import grant
from egov_base.ui.menu import MenuItem, register_menu

from .topology_models import TopologyView


def _topology_update(*, user, obj, form):
    from .services.impact import topology_view_update

    data = {k: v for k, v in form.cleaned_data.items() if k != "relation_types"}
    return topology_view_update(user=user, view=obj, data=data,
                                relation_types=form.cleaned_data.get("relation_types"))


def _topology_delete(*, user, obj):
    from .services.impact import topology_view_delete

    topology_view_delete(user=user, view=obj)


register(TopologyView, ModelConfig(
    menu="cmdb",
    list_display=["name", "root", "direction", "depth", "layout", "organization", "created_by", "updated_at"],
    default_columns=["name", "root", "direction", "layout", "organization", "updated_at"],
    list_filter=["direction", "layout", "organization", "updated_at"],
    search_fields=["name", "description", "root__name"],
    ordering=["name"],
    form_fields=["name", "description", "direction", "depth", "layout", "relation_types", "organization"],
    fieldsets=[(_("拓扑视图"), ["name", "description", "root", "organization"]),
               (_("展开方式"), ["direction", "depth", "layout", "relation_types"]),
               (_("记录"), ["created_by", "created_at", "updated_at"])],
    select_related=["root", "organization", "created_by"],
    can_add=False,  # a view is saved from the graph page (保存为拓扑视图)
    can_import=False,
    update_service=_topology_update,
    delete_service=_topology_delete,
    actions=[
        ExtraAction(label=_("打开拓扑"), url_name="egov_cmdb:topology_view", icon="ti ti-topology-star-3",
                    perm="egov_cmdb.view_ci"),
        ExtraAction(label=_("复制"), url_name="egov_cmdb:topology_view_copy", icon="ti ti-copy",
                    perm="egov_cmdb.add_topologyview"),
    ],
))

register_menu("cmdb", _("配置管理"), "ti ti-database", 300, items=[
    MenuItem(_("业务拓扑"), "egov_cmdb:topology_index", perm="egov_cmdb.view_ci", order=60,
             icon="ti ti-topology-star-3"),
    MenuItem(_("拓扑视图"), "egov_cmdb:topologyview_list", perm="egov_cmdb.view_topologyview", order=62,
             icon="ti ti-layout-2"),
    MenuItem(_("配置项统计"), "egov_cmdb:ci_stats", perm="egov_cmdb.view_ci", order=65, icon="ti ti-chart-pie"),
])

_VIEW = ("egov_cmdb.view_topologyview",)
_EDIT = ("egov_cmdb.view_topologyview", "egov_cmdb.add_topologyview", "egov_cmdb.change_topologyview",
         "egov_cmdb.delete_topologyview")
for _role in ("ops_engineer", "dept_head", "city_admin", "district_admin"):
    grant(_role, *_EDIT)
for _role in ("centre_leader", "service_desk", "dept_user", "auditor", "reviewer"):
    grant(_role, *_VIEW)

from .api import impact as _impact_api  # noqa: E402,F401  (registers /api/v1/cmdb/impact/ and /cmdb/topology/)
