"""Registrations of this app with egov_base: menu, generic views, roles and grants, events, search, schedules,
the default approval chain (synchronised after migrate), API routes."""

from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from egov_base.generic.registry import ExtraAction, ModelConfig, register, register_detail_tab
from egov_base.notify.services import register_event
from egov_base.org.roles import grant
from egov_base.schedules import periodic
from egov_base.ui.menu import MenuItem, register_menu
from egov_base.ui.portal import register_portal_panel

from . import registrations_ops  # noqa: F401  (resources, billing, outsourcing, reports, portal extras)
from .models import (
    CapabilityCredential,
    ServiceCategory,
    ServiceForm,
    ServiceItem,
    ServiceSpec,
    Subscription,
)
from .services import jobs  # noqa: F401  (Celery tasks of the core side)

APP = "egov_service_catalog"


def _read_only_api(config: ModelConfig) -> ModelConfig:
    config.api_read_only = True  # writes go through the services, never the generic API
    return config


# --- menu ----------------------------------------------------------------------------------------------------
register_menu("service_catalog", _("服务管理"), "ti ti-apps", 300, items=[
    MenuItem(_("服务目录"), f"{APP}:catalog_manage", perm=f"{APP}.view_serviceitem", order=10),
    MenuItem(_("服务项"), f"{APP}:serviceitem_list", perm=f"{APP}.view_serviceitem", order=20),
    MenuItem(_("电子表单"), f"{APP}:form_list", perm=f"{APP}.manage_serviceform", order=30),
    MenuItem(_("服务申请"), f"{APP}:request_list", perm=f"{APP}.handle_servicerequest", order=40),
    MenuItem(_("办理文书"), f"{APP}:document_list", perm=f"{APP}.handle_servicerequest", order=50),
    MenuItem(_("服务对象"), f"{APP}:subscription_list", perm=f"{APP}.view_subscription", order=60),
    MenuItem(_("能力调用凭据"), f"{APP}:capabilitycredential_list", perm=f"{APP}.view_capabilitycredential",
             order=70),
    MenuItem(_("服务门户"), f"{APP}:catalog", order=90),
])

# --- grants --------------------------------------------------------------------------------------------------
_READ = [f"{APP}.view_servicecategory", f"{APP}.view_serviceitem", f"{APP}.view_servicespec", f"{APP}.view_serviceform"]
grant("dept_user", *_READ, f"{APP}.add_servicerequest", f"{APP}.view_servicerequest", f"{APP}.view_subscription",
      f"{APP}.view_capabilitycredential", f"{APP}.view_requestdocument")
_HANDLE = [*_READ, f"{APP}.view_servicerequest", f"{APP}.handle_servicerequest", f"{APP}.view_subscription",
           f"{APP}.view_requestdocument", f"{APP}.view_capabilitycredential", f"{APP}.view_subscriptionchange"]
for _role in ("service_desk", "ops_engineer", "dept_head", "centre_leader", "city_admin", "district_admin"):
    grant(_role, *_HANDLE)
_CATALOG_EDIT = [f"{APP}.add_servicecategory", f"{APP}.change_servicecategory", f"{APP}.add_serviceitem",
                 f"{APP}.change_serviceitem", f"{APP}.add_servicespec", f"{APP}.change_servicespec",
                 f"{APP}.delete_servicespec", f"{APP}.manage_serviceform", f"{APP}.add_serviceform"]
grant("service_desk", *_CATALOG_EDIT, f"{APP}.change_subscription")
grant("ops_engineer", f"{APP}.change_subscription")
grant("dept_head", *_CATALOG_EDIT, f"{APP}.review_serviceitem", f"{APP}.delete_servicecategory",
      f"{APP}.change_subscription", f"{APP}.change_capabilitycredential")

# --- notifications -------------------------------------------------------------------------------------------
register_event(
    "service_catalog.request_progress", _("服务申请进度"),
    subject="【服务申请】{{ request.number }} {{ node }}",
    body="{{ recipient.name }}您好，您的服务申请 {{ request.number }}（{{ item.name }}）：{{ node }}。",
    sms="【服务申请】{{ request.number }} {{ node }}", channels=("inapp", "sms"),
    sample_context={"request": {"number": "SR-2026-000001"}, "item": {"name": "政务云主机"}, "node": "进入需求确认单"},
)
register_event(
    "service_catalog.request_delivered", _("服务已交付"),
    subject="【服务交付】{{ request.number }} 已交付，请验收评价",
    body="{{ recipient.name }}您好，您申请的 {{ item.name }}（{{ request.number }}）已交付，请在服务门户验收并评价。",
    channels=("inapp", "sms", "email"),
    sample_context={"request": {"number": "SR-2026-000001"}, "item": {"name": "政务云主机"}},
)
register_event(
    "service_catalog.request_overdue", _("服务申请办理超时"),
    subject="【超时】服务申请 {{ request.number }} 在“{{ node }}”环节已超时",
    body="{{ recipient.name }}您好，服务申请 {{ request.number }}（{{ item.name }}）在“{{ node }}”环节的办理时限为"
         " {{ due_at }}，现已超时，请尽快办理。",
    channels=("inapp", "sms"),
    sample_context={"request": {"number": "SR-2026-000001"}, "item": {"name": "政务云主机"}, "node": "需求确认单",
                    "due_at": "2026年11月25日 18:00"},
)

periodic("service catalog: request SLA", "egov_service_catalog.request_check_sla", every_seconds=600,
         description="服务申请环节超时标记与提醒")

# --- generic views -------------------------------------------------------------------------------------------
register(ServiceCategory, ModelConfig(
    menu="service_catalog", tree=True,
    list_display=["name", "code", "level", "icon", "sort", "is_active"], list_filter=["level", "is_active"],
    search_fields=["name", "code"], form_fields=["parent", "code", "name", "icon", "sort", "description", "is_active"],
    import_fields=["parent", "code", "name", "icon", "sort", "description"], import_key="code", ordering=["path"],
))


def _item_specs_ctx(request, obj):
    return {"specs": obj.specs.all(), "forms": obj.forms.order_by("kind", "-version")}


register(ServiceItem, ModelConfig(
    menu="service_catalog",
    list_display=["code", "name", "category", "service_type", "provider", "billing_mode", "status", "sla_hours",
                  "updated_at"],
    default_columns=["code", "name", "category", "service_type", "provider", "status"],
    list_filter=["service_type", "status", "billing_mode", "category"],
    search_fields=["code", "name", "summary"], ordering=["sort", "code"], select_related=["category", "provider"],
    form_fields=["code", "name", "category", "service_type", "summary", "goal", "audience", "content",
                 "service_hours", "delivery_method", "deliverables", "process_note", "docs", "api_info", "provider",
                 "billing_mode", "unit", "sla_hours", "approval_chain", "fulfilment_steps", "sort"],
    fieldsets=[
        (_("基本信息"), ["code", "name", "category", "service_type", "status", "provider", "summary"]),
        (_("服务说明"), ["goal", "audience", "content", "service_hours", "delivery_method", "deliverables",
                     "process_note"]),
        (_("工具与文档"), ["docs", "api_info"]),
        (_("计费与流程"), ["billing_mode", "unit", "sla_hours", "approval_chain", "fulfilment_steps",
                      "published_at", "review_comment"]),
    ],
    import_fields=["code", "name", "category", "service_type", "summary", "provider", "billing_mode", "unit",
                   "sla_hours", "sort"], import_key="code",
    actions=[
        ExtraAction(label=_("表单设计"), url_name=f"{APP}:form_designer_item", icon="ti ti-forms",
                    perm=f"{APP}.manage_serviceform"),
        ExtraAction(label=_("门户预览"), url_name=f"{APP}:portal_item", icon="ti ti-eye"),
        ExtraAction(label=_("新增规格"), url_name=f"{APP}:servicespec_add", icon="ti ti-plus", with_pk=False,
                    perm=f"{APP}.add_servicespec"),
    ],
    can_delete=False,
))
register_detail_tab(key="specs", label=_("规格与表单"), template="egov_service_catalog/staff/_item_specs_tab.html",
                    context=_item_specs_ctx, order=5, models=[ServiceItem])

register(ServiceSpec, ModelConfig(
    menu="service_catalog", list_display=["item", "code", "name", "quota", "unit_price", "price_unit", "is_active", "sort"],
    list_filter=["is_active", "item"], search_fields=["code", "name", "item__name"], select_related=["item"],
    form_fields=["item", "code", "name", "params", "quota", "unit_price", "price_unit", "is_active", "sort"],
    import_fields=["item", "code", "name", "quota", "unit_price", "price_unit", "sort"],
))
register(ServiceForm, _read_only_api(ModelConfig(
    menu="service_catalog", list_display=["item", "kind", "name", "version", "is_active", "updated_at"],
    list_filter=["kind", "is_active"], search_fields=["name", "item__name"], select_related=["item"],
    form_fields=["name"], can_add=False, can_import=False, can_delete=False,
    actions=[ExtraAction(label=_("设计"), url_name=f"{APP}:form_designer", icon="ti ti-forms",
                         perm=f"{APP}.manage_serviceform")],
)))


def _sub_history_ctx(request, obj):
    return {"changes": obj.changes.select_related("request", "actor"),
            "requests": obj.requests.select_related("item", "spec").order_by("-created_at")}


def _subscription_update(*, user, obj, form):
    from .services.subscriptions import subscription_ops_note

    subscription_ops_note(user=user, subscription=obj, note=form.cleaned_data.get("ops_note", ""))
    obj.refresh_from_db()
    return obj


register(Subscription, _read_only_api(ModelConfig(
    menu="service_catalog",
    list_display=["number", "organization", "item", "spec", "quantity", "state", "started_at", "ended_at"],
    list_filter=["state", "item", "organization", "started_at"], search_fields=["number", "item__name",
                                                                              "organization__name"],
    select_related=["organization", "item", "spec"], ordering=["-started_at"],
    form_fields=["ops_note"], can_add=False, can_import=False, can_delete=False,
    update_service=_subscription_update,
    fieldsets=[(_("服务对象"), ["number", "organization", "item", "spec", "quantity", "state", "started_at",
                             "ended_at", "request", "contact", "ops_note"])],
    field_renderers={"request": lambda request, obj: obj.request.number if obj.request_id else "—"},
)))
register_detail_tab(key="sc_history", label=_("资源与变更"), template="egov_service_catalog/staff/_subscription_tab.html",
                    context=_sub_history_ctx, order=5, models=[Subscription])

register(CapabilityCredential, _read_only_api(ModelConfig(
    menu="service_catalog",
    list_display=["client_id", "organization", "item", "is_active", "secret_hint", "last_used_at", "created_at"],
    list_filter=["is_active", "item"], search_fields=["client_id", "organization__name"],
    select_related=["organization", "item"], form_fields=["is_active"], can_add=False, can_import=False,
    can_delete=False,
    fieldsets=[(_("凭据"), ["client_id", "organization", "item", "subscription", "is_active", "secret_hint",
                          "last_used_at", "revoked_at"])],
)))


# --- search --------------------------------------------------------------------------------------------------
def _register_search():
    from egov_base.search.registry import register_search

    register_search(ServiceItem, body_fields=["summary", "content", "audience", "category__name"],
                    category=_("服务目录"), condition=lambda obj: obj.status == ServiceItem.Status.PUBLISHED,
                    select_related=["category"],
                    url=lambda obj: f"/service-catalog/portal/item/{obj.pk}/")


_register_search()


# --- reference data after migrate ----------------------------------------------------------------------------
def _post_migrate(sender, **kwargs):
    if getattr(sender, "label", "") != APP:
        return
    from .services.setup import ensure_default_chain, ensure_generic_forms

    try:
        ensure_default_chain()
        ensure_generic_forms()
    except Exception:  # noqa: BLE001 - never break migrate; demo and tests call these again
        pass


post_migrate.connect(_post_migrate, dispatch_uid="egov_service_catalog.post_migrate")


# --- API -----------------------------------------------------------------------------------------------------
from . import api  # noqa: E402,F401  (routes)


# --- portal home panels (/portal/): my requests with progress, my subscriptions ---------------------------------
def _home_requests(request):
    from . import selectors

    return {"my_requests": selectors.my_requests_with_progress(request.user, limit=5)}


def _home_subscriptions(request):
    from . import selectors

    user = request.user
    return {"my_subscriptions": list(selectors.my_subscriptions(user)[:5]) if user.organization_id else []}


def _is_department_user(request):
    return bool(getattr(request.user, "organization_id", None))


register_portal_panel("sc_requests", template="egov_service_catalog/portal/_home_requests.html",
                      context=_home_requests, condition=_is_department_user, order=10)
register_portal_panel("sc_subscriptions", template="egov_service_catalog/portal/_home_subscriptions.html",
                      context=_home_subscriptions, condition=_is_department_user, order=20)
