"""Registrations of this app with egov_base: menu, generic views, roles and grants, events, search, API,
periodic jobs, and the reference data sync after ``migrate``."""

from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from egov_base.generic.registry import ModelConfig, register
from egov_base.notify.services import register_event
from egov_base.org.roles import grant
from egov_base.schedules import periodic
from egov_base.search.registry import register_search
from egov_base.ui.menu import MenuItem, register_menu

from . import (
    api,  # noqa: F401  (REST API viewsets registered with the router)
    registrations_topology,  # noqa: F401  (topology, impact, statistics)
)
from .models import CI, RelationType, SourcePriority

register_menu("cmdb", _("配置管理"), "ti ti-database-cog", 300, items=[
    MenuItem(_("配置项"), "egov_cmdb:ci_home", perm="egov_cmdb.view_ci", order=10, icon="ti ti-list-details"),
    MenuItem(_("导入配置项"), "egov_cmdb:import_start", perm="egov_cmdb.import_ci", order=40, icon="ti ti-upload"),
    MenuItem(_("模型设计"), "egov_cmdb:class_designer", perm="egov_cmdb.view_ciclass", order=60,
             icon="ti ti-hierarchy-3"),
    MenuItem(_("关系类型"), "egov_cmdb:relationtype_list", perm="egov_cmdb.view_relationtype", order=70,
             icon="ti ti-arrows-join"),
    MenuItem(_("数据源优先级"), "egov_cmdb:sourcepriority_list", perm="egov_cmdb.view_sourcepriority", order=80,
             icon="ti ti-arrows-sort"),
])

_VIEW = ("egov_cmdb.view_ci", "egov_cmdb.view_ciclass", "egov_cmdb.view_attributedef", "egov_cmdb.view_relation",
         "egov_cmdb.view_relationtype", "egov_cmdb.view_civersion", "egov_cmdb.view_savedquery",
         "egov_cmdb.add_savedquery", "egov_cmdb.change_savedquery", "egov_cmdb.delete_savedquery")
_EDIT = (*_VIEW, "egov_cmdb.add_ci", "egov_cmdb.change_ci", "egov_cmdb.delete_ci", "egov_cmdb.add_relation",
         "egov_cmdb.delete_relation",
         "egov_cmdb.export_ci", "egov_cmdb.import_ci", "egov_cmdb.lifecycle_ci", "egov_cmdb.restore_civersion",
         "egov_cmdb.view_sourcepriority")
for _role in ("ops_engineer", "city_admin", "district_admin"):
    grant(_role, *_EDIT)
for _role in ("dept_head", "centre_leader", "service_desk", "reviewer", "auditor"):
    grant(_role, *_VIEW, "egov_cmdb.export_ci")
grant("dept_user", *_VIEW)  # departments see the CIs of their own organisation (data scope)


def _relation_type_save(*, user, form, obj=None):
    from .services import relation_type_save

    return relation_type_save(user=user, form=form)


register(RelationType, ModelConfig(
    menu="cmdb",
    list_display=["name", "code", "reverse_name", "alias", "cardinality", "is_dependency", "sort"],
    list_filter=["cardinality", "is_dependency"], search_fields=["name", "code", "alias", "reverse_name"],
    form_fields=["code", "name", "reverse_name", "alias", "name_en", "reverse_name_en", "cardinality",
                 "is_dependency", "allowed_sources", "allowed_targets", "sort", "description"],
    import_fields=["code", "name", "reverse_name", "alias", "cardinality", "is_dependency", "sort", "description"],
    import_key="code", ordering=["sort", "code"], prefetch_related=["allowed_sources", "allowed_targets"],
    create_service=_relation_type_save, update_service=_relation_type_save, api=False, comments=False,
))
register(SourcePriority, ModelConfig(
    menu="cmdb",
    list_display=["source", "ci_class", "attribute", "priority", "description"],
    list_filter=["source", "ci_class"], search_fields=["source", "attribute", "description"],
    form_fields=["source", "ci_class", "attribute", "priority", "description"],
    import_fields=["source", "ci_class", "attribute", "priority", "description"], ordering=["source", "attribute"],
    api=False, comments=False,
))

register_event(
    "cmdb.warranty_expiring", _("配置项质保到期提醒"),
    subject="质保到期提醒：{{ ci.name }}",
    body="{{ recipient.name }}您好，{{ ci_class }}“{{ ci.name }}”（{{ ci.code }}）的质保将于 {{ expires }} 到期"
         "（还剩 {{ days }} 天），请及时续保或安排替换。",
    sms="【配置管理】{{ ci.name }} 质保 {{ expires }} 到期，还剩 {{ days }} 天",
    channels=("inapp", "email"),
    sample_context={"ci": {"name": "核心交换机 CS-01", "code": "NET-000001"}, "ci_class": "网络设备",
                     "expires": "2026-12-31", "days": 30},
)
periodic("egov_cmdb.warranty_reminders", "egov_cmdb.send_warranty_reminders", crontab="0 9 * * *",
         description="配置项质保到期提醒（到期前 90、30、7 天）")

register_search(
    CI,
    title=lambda ci: f"{ci.name} {ci.code}",
    body=lambda ci: " ".join([ci.ci_class.name, ci.description or ""]
                             + [str(v) for v in (ci.attrs or {}).values() if isinstance(v, (str, int))][:40]),
    category=_("配置项"),
    select_related=("ci_class", "organization"),
)
# CIs are indexed in batches after commit by services/indexing.py (an import writes thousands in one transaction)
from egov_base.search.signals import disconnect as _search_disconnect  # noqa: E402

_search_disconnect(CI)


def _sync_reference(sender, **kwargs):
    if getattr(sender, "label", "") != "egov_cmdb":
        return
    from .services.reference import sync_reference_data

    try:
        sync_reference_data()
    except Exception:  # noqa: BLE001  (a missing table during partial migrations must not break migrate)
        import logging

        logging.getLogger(__name__).exception("CMDB reference data sync failed")


post_migrate.connect(_sync_reference, dispatch_uid="egov_cmdb_sync_reference")
