"""Dictionary: menu, role grants, generic views."""

from django.utils.translation import gettext_lazy as _

from ..generic.registry import ModelConfig, register
from ..org.roles import grant
from ..ui.menu import MenuItem, register_menu
from . import services  # noqa: F401  (connects the cache-invalidation signals)
from .models import DictItem, DictType

register_menu("system", _("系统管理"), "ti ti-settings", 900, items=[
    MenuItem(_("业务字典"), "egov_base:dicttype_manage_list", perm="egov_base.view_dicttype", order=50),
])

for _role in ("city_admin", "district_admin", "dept_head", "service_desk", "ops_engineer", "reviewer"):
    grant(_role, "egov_base.view_dicttype", "egov_base.view_dictitem")
grant("city_admin", "egov_base.add_dictitem", "egov_base.change_dictitem")

register(DictType, ModelConfig(
    menu="system", list_display=["code", "name", "value_type", "is_system", "is_active"],
    list_filter=["value_type", "is_system", "is_active"], search_fields=["code", "name"],
    form_fields=["code", "name", "value_type", "description", "is_active"],
    import_fields=["code", "name", "value_type", "description"], import_key="code",
))
register(DictItem, ModelConfig(
    menu="system", list_display=["type", "code", "label", "label_en", "parent", "sort", "active"],
    list_filter=["type", "active"], search_fields=["code", "label", "label_en"],
    form_fields=["type", "code", "label", "label_en", "parent", "sort", "active", "extra"],
    import_fields=["type", "code", "label", "label_en", "sort", "active"], import_key="code",
))
