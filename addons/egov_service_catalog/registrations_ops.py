"""Registrations of the operations side (menus, generic views, grants, events, schedules, file purposes)."""

from django.utils.translation import gettext_lazy as _

from egov_base.files.validation import register_purpose
from egov_base.generic.registry import ExtraAction, ModelConfig, register, register_detail_tab
from egov_base.notify.services import register_event
from egov_base.org.roles import grant
from egov_base.schedules import periodic
from egov_base.ui.menu import MenuItem, register_menu

from .models import (
    BillLine,
    CapacityWarning,
    Deliverable,
    Feedback,
    OutsourcingContract,
    PoolAllocation,
    PoolDevice,
    PoolMetric,
    PriceBookEntry,
    ProblemType,
    ProviderBill,
    ResourcePool,
    ServiceLevel,
    ServiceReport,
    Survey,
    SurveyResponse,
    Ticket,
    UsageRecord,
    Vendor,
    VendorStaff,
)

APP = "egov_service_catalog"


def _p(action, model):
    return f"{APP}.{action}_{model}"


def _crud(*models):
    return [_p(a, m) for m in models for a in ("view", "add", "change", "delete")]


# --- menus -----------------------------------------------------------------------------------------------------
register_menu("sc_resources", _("资源管理"), "ti ti-server-bolt", 310, items=[
    MenuItem(_("管理单位工作门户"), f"{APP}:ops_dashboard", perm=_p("view", "resourcepool"), order=5),
    MenuItem(_("资源池"), f"{APP}:resourcepool_list", perm=_p("view", "resourcepool"), order=10),
    MenuItem(_("容量指标"), f"{APP}:poolmetric_list", perm=_p("view", "poolmetric"), order=20),
    MenuItem(_("资源设备"), f"{APP}:pooldevice_list", perm=_p("view", "pooldevice"), order=30),
    MenuItem(_("资源分配"), f"{APP}:poolallocation_list", perm=_p("view", "poolallocation"), order=40),
    MenuItem(_("容量预警"), f"{APP}:capacitywarning_list", perm=_p("view", "capacitywarning"), order=50),
    MenuItem(_("供应商账单"), f"{APP}:providerbill_list", perm=_p("view", "providerbill"), order=60),
    MenuItem(_("导入账单/用量"), f"{APP}:ops_bill_import", perm=f"{APP}.reconcile_providerbill", order=65),
    MenuItem(_("用量记录"), f"{APP}:usagerecord_list", perm=_p("view", "usagerecord"), order=70),
    MenuItem(_("价格目录"), f"{APP}:pricebookentry_list", perm=_p("view", "pricebookentry"), order=80),
])
register_menu("sc_operations", _("服务运营"), "ti ti-chart-infographic", 320, items=[
    MenuItem(_("服务分析"), f"{APP}:ops_analytics", perm=f"{APP}.handle_servicerequest", order=5),
    MenuItem(_("服务工单"), f"{APP}:ticket_list", perm=_p("change", "ticket"), order=10),
    MenuItem(_("建议与投诉"), f"{APP}:feedback_list", perm=f"{APP}.reply_feedback", order=20),
    MenuItem(_("常见问题"), f"{APP}:problemtype_list", perm=_p("change", "problemtype"), order=30),
    MenuItem(_("问卷"), f"{APP}:survey_list", perm=_p("change", "survey"), order=40),
    MenuItem(_("服务报告"), f"{APP}:servicereport_list", perm=_p("add", "servicereport"), order=50),
    MenuItem(_("服务商"), f"{APP}:vendor_list", perm=_p("view", "vendor"), order=60),
    MenuItem(_("服务商人员"), f"{APP}:vendorstaff_list", perm=_p("view", "vendorstaff"), order=70),
    MenuItem(_("外包合同"), f"{APP}:outsourcingcontract_list", perm=_p("view", "outsourcingcontract"), order=80),
    MenuItem(_("服务水平(SLA)"), f"{APP}:servicelevel_list", perm=_p("view", "servicelevel"), order=90),
    MenuItem(_("服务成果"), f"{APP}:deliverable_list", perm=_p("view", "deliverable"), order=100),
])

# --- grants ----------------------------------------------------------------------------------------------------
_DEPT = [_p("view", "ticket"), _p("add", "ticket"), _p("view", "feedback"), _p("add", "feedback"),
         _p("view", "billline"), _p("view", "poolallocation"), _p("view", "servicereport"),
         _p("view", "usagerecord"), _p("view", "problemtype"), _p("view", "surveyresponse")]
grant("dept_user", *_DEPT)
for _role in ("city_admin", "district_admin"):
    grant(_role, *_DEPT)
_RESOURCES = [*_crud("resourcepool", "poolmetric", "pooldevice", "poolallocation"), _p("view", "capacitywarning"),
              f"{APP}.sync_resourcepool"]
_DESK = [_p("view", "ticket"), _p("change", "ticket"), _p("view", "feedback"), f"{APP}.reply_feedback",
         *_crud("problemtype"), _p("view", "survey"), _p("add", "survey"), _p("change", "survey"),
         f"{APP}.publish_survey", _p("view", "surveyresponse"), _p("view", "servicereport")]
_BILLING = [*_crud("pricebookentry", "usagerecord"), _p("view", "providerbill"), _p("view", "billline"),
            f"{APP}.reconcile_providerbill"]
_OUTSOURCING = [*_crud("vendor", "vendorstaff", "outsourcingcontract", "servicelevel", "deliverable"),
                f"{APP}.accept_deliverable"]
_REPORTS = [_p("view", "servicereport"), _p("add", "servicereport")]
grant("ops_engineer", *_RESOURCES, _p("view", "ticket"), _p("change", "ticket"), _p("view", "deliverable"),
      _p("view", "vendor"), _p("view", "vendorstaff"))
grant("service_desk", *_DESK, _p("view", "resourcepool"), _p("view", "poolmetric"))
grant("dept_head", *_RESOURCES, *_DESK, *_BILLING, *_OUTSOURCING, *_REPORTS)
grant("centre_leader", *[_p("view", m) for m in (
    "resourcepool", "poolmetric", "pooldevice", "poolallocation", "capacitywarning", "providerbill", "billline",
    "usagerecord", "pricebookentry", "vendor", "vendorstaff", "outsourcingcontract", "servicelevel", "deliverable",
    "ticket", "feedback", "survey", "surveyresponse", "servicereport")])

# --- notifications ---------------------------------------------------------------------------------------------
register_event(
    "service_catalog.capacity_warning", _("资源容量预警"),
    subject="【容量{{ level }}】{{ pool }} {{ metric }} 使用率 {{ percent }}%",
    body="{{ recipient.name }}您好，{{ pool }} 的 {{ metric }} 已用 {{ used }}{{ unit }} / 总量 {{ total }}{{ unit }}，"
         "使用率 {{ percent }}%，已达{{ level }}阈值，请及时扩容或调整。",
    sms="【容量{{ level }}】{{ pool }} {{ metric }} 使用率 {{ percent }}%", channels=("inapp", "sms"),
    sample_context={"pool": "政务云天府资源池", "metric": "vCPU", "percent": 91.2, "level": "告急", "used": 22400,
                    "total": 24576, "unit": "核"},
)
register_event(
    "service_catalog.ticket_new", _("新服务工单"),
    subject="【新工单】{{ ticket.number }} {{ ticket.title }}",
    body="{{ recipient.name }}您好，{{ ticket.org }} 提交了工单 {{ ticket.number }}：{{ ticket.title }}，请及时受理。",
    channels=("inapp",),
    sample_context={"ticket": {"number": "GD-2026-000001", "title": "云主机无法远程登录", "org": "成都市卫生健康委员会"}},
)
register_event(
    "service_catalog.feedback_new", _("新建议或投诉"),
    subject="【{{ feedback.kind }}】{{ feedback.number }} {{ feedback.title }}",
    body="{{ recipient.name }}您好，{{ feedback.org }} 提交了{{ feedback.kind }} {{ feedback.number }}：{{ feedback.title }}。",
    channels=("inapp",),
    sample_context={"feedback": {"number": "TS-2026-000001", "title": "云主机交付超时", "kind": "投诉",
                                 "org": "锦江区行政审批局"}},
)
register_event(
    "service_catalog.survey_published", _("问卷发布"),
    subject="【{{ survey.kind }}】{{ survey.title }}",
    body="{{ recipient.name }}您好，成都市大数据中心发布了{{ survey.kind }}“{{ survey.title }}”，请在服务门户填写。",
    channels=("inapp",),
    sample_context={"survey": {"title": "2026年度政务云服务满意度调查", "kind": "满意度调查"}},
)

# --- schedules and file purposes -------------------------------------------------------------------------------
periodic("service catalog: resource pool sync", "egov_service_catalog.sync_resource_pools", every_seconds=900,
         description="从平台接口采集资源池容量、设备清单与各单位用量")
periodic("service catalog: service reports", "egov_service_catalog.generate_service_reports", crontab="30 2 * * *",
         description="每月1日生成月报，季初生成季报，年初生成年报（PDF + Excel）")
periodic("service catalog: contract expiry", "egov_service_catalog.expire_contracts", crontab="10 1 * * *",
         description="外包合同到期自动标记")
register_purpose("provider_bill", _("供应商账单"), groups=["office", "text"], max_mb=20)


# --- generic views ---------------------------------------------------------------------------------------------
def _pool_ctx(request, obj):
    from .models.resources import Level

    metrics = list(obj.metrics.all())
    return {"metrics": metrics, "Level": Level,
            "devices": obj.devices.select_related("organization")[:200], "device_count": obj.devices.count(),
            "warnings": CapacityWarning.objects.filter(metric__pool=obj).select_related("metric")[:20],
            "can_sync": request.user.has_perm(f"{APP}.sync_resourcepool") and obj.source == "interface",
            "can_edit_metric": request.user.has_perm(_p("change", "poolmetric"))}


def _m(menu, **kw):
    return ModelConfig(menu=menu, **kw)


def _metric_services():
    from .services import resources as rs

    return {"create_service": rs.metric_create_service, "update_service": rs.metric_update_service}


register(ResourcePool, _m(
    "sc_resources", list_display=["code", "name", "pool_type", "provider", "source", "level", "sync_status",
                                  "last_synced_at", "is_active"],
    list_filter=["pool_type", "source", "level", "sync_status", "is_active"], search_fields=["code", "name", "location"],
    select_related=["provider"], ordering=["pool_type", "sort", "code"],
    form_fields=["code", "name", "pool_type", "parent", "provider", "location", "items", "source", "external_system",
                 "endpoint", "description", "is_active", "sort"],
    fieldsets=[(_("资源池"), ["code", "name", "pool_type", "parent", "provider", "location", "items", "description"]),
               (_("数据来源"), ["source", "external_system", "endpoint", "sync_status", "last_synced_at",
                            "last_sync_error", "level"])],
    import_fields=["code", "name", "pool_type", "provider", "location", "source", "external_system", "endpoint"],
    import_key="code",
    actions=[ExtraAction(label=_("管理单位工作门户"), url_name=f"{APP}:ops_dashboard", icon="ti ti-layout-dashboard",
                         list=True, with_pk=False)],
))
register_detail_tab(key="capacity", label=_("容量与设备"), template="egov_service_catalog/ops/partials/pool_tab.html",
                    context=_pool_ctx, order=3, models=[ResourcePool])
register(PoolMetric, _m(
    "sc_resources", list_display=["pool", "name", "code", "unit", "total", "used", "warn_percent", "critical_percent",
                                  "level", "updated_at"],
    list_filter=["pool", "level"], search_fields=["name", "code", "pool__name"], select_related=["pool"],
    form_fields=["pool", "code", "name", "unit", "total", "used", "warn_percent", "critical_percent", "sort"],
    import_fields=["pool", "code", "name", "unit", "total", "used", "warn_percent", "critical_percent"],
    **_metric_services(),
))
register(PoolDevice, _m(
    "sc_resources", list_display=["pool", "code", "name", "device_type", "model_name", "position", "status",
                                  "organization", "synced"],
    list_filter=["pool", "status", "device_type"], search_fields=["code", "name", "model_name", "position"],
    select_related=["pool", "organization"],
    form_fields=["pool", "code", "name", "device_type", "model_name", "spec", "position", "status", "organization"],
    import_fields=["pool", "code", "name", "device_type", "model_name", "spec", "position", "status", "organization"],
))
register(PoolAllocation, _m(
    "sc_resources", list_display=["metric", "organization", "amount", "note", "updated_at"],
    list_filter=["metric", "organization"], search_fields=["organization__name", "metric__name"],
    select_related=["metric__pool", "organization"], form_fields=["metric", "organization", "amount", "note"],
    import_fields=["metric", "organization", "amount", "note"],
))
register(CapacityWarning, _m(
    "sc_resources", list_display=["raised_at", "metric", "level", "percent", "message", "resolved_at"],
    list_filter=["level", "raised_at"], search_fields=["message"], select_related=["metric__pool"],
    can_add=False, can_edit=False, can_delete=False, can_import=False, comments=False,
))
register(PriceBookEntry, _m(
    "sc_resources", list_display=["item", "spec", "charge_code", "name", "unit", "unit_price", "valid_from", "valid_to"],
    list_filter=["item"], search_fields=["charge_code", "name"], select_related=["item", "spec"],
    form_fields=["item", "spec", "charge_code", "name", "unit", "unit_price", "valid_from", "valid_to", "note"],
    import_fields=["item", "charge_code", "name", "unit", "unit_price", "valid_from", "valid_to"],
))
register(UsageRecord, _m(
    "sc_resources", list_display=["period", "item", "organization", "charge_code", "quantity", "source"],
    list_filter=["item", "period", "organization"], search_fields=["charge_code", "organization__name"],
    select_related=["item", "organization"], form_fields=["item", "organization", "period", "charge_code", "quantity",
                                                          "source"],
    import_fields=["item", "organization", "period", "charge_code", "quantity", "source"],
))
register(ProviderBill, _m(
    "sc_resources", list_display=["number", "vendor", "item", "period", "status", "billed_total", "expected_total",
                                  "diff_total", "diff_count", "reconciled_at"],
    list_filter=["status", "vendor", "item", "period"], search_fields=["number", "file_name"],
    select_related=["vendor", "item"], form_fields=["note"], can_add=False, can_import=False, can_delete=False,
    actions=[ExtraAction(label=_("逐行对账"), url_name=f"{APP}:ops_bill", icon="ti ti-list-check"),
             ExtraAction(label=_("导入账单/用量"), url_name=f"{APP}:ops_bill_import", icon="ti ti-file-import",
                         list=True, with_pk=False, perm=f"{APP}.reconcile_providerbill")],
))
register(BillLine, _m(
    "sc_resources", list_display=["bill", "line_no", "organization", "charge_code", "billed_amount", "expected_amount",
                                  "diff_amount", "result"],
    list_filter=["result", "organization"], search_fields=["charge_code", "organization__name", "bill__number"],
    select_related=["bill", "organization"], can_add=False, can_edit=False, can_delete=False, can_import=False,
    comments=False,
))

register(Vendor, _m(
    "sc_operations", list_display=["code", "name", "credit_code", "contact", "phone", "status"],
    list_filter=["status"], search_fields=["code", "name", "credit_code", "contact"],
    form_fields=["code", "name", "credit_code", "organization", "contact", "phone", "address", "qualifications",
                 "status"],
    import_fields=["code", "name", "credit_code", "contact", "phone", "address", "status"], import_key="code",
))
register(VendorStaff, _m(
    "sc_operations", list_display=["name", "vendor", "position", "phone", "skills", "on_site", "start_date", "status"],
    list_filter=["vendor", "status", "on_site"], search_fields=["name", "position", "skills"], select_related=["vendor"],
    form_fields=["vendor", "name", "phone", "position", "skills", "on_site", "start_date", "end_date", "status"],
    import_fields=["vendor", "name", "phone", "position", "skills", "on_site", "start_date", "status"],
))
register(OutsourcingContract, _m(
    "sc_operations", list_display=["number", "name", "vendor", "amount", "start_date", "end_date", "status", "owner"],
    list_filter=["status", "vendor"], search_fields=["number", "name"], select_related=["vendor", "owner"],
    form_fields=["number", "name", "vendor", "owner", "items", "amount", "signed_on", "start_date", "end_date",
                 "status", "summary"],
    import_fields=["number", "name", "vendor", "owner", "amount", "signed_on", "start_date", "end_date", "status"],
    import_key="number",
))
register(ServiceLevel, _m(
    "sc_operations", list_display=["contract", "item", "metric", "target", "penalty"],
    list_filter=["metric", "contract"], search_fields=["contract__name", "item__name"],
    select_related=["contract", "item"], form_fields=["contract", "item", "metric", "target", "penalty"],
    import_fields=["contract", "item", "metric", "target", "penalty"],
))


def _deliverable_ctx(request, obj):
    return {"d": obj, "can_submit": request.user.has_perm(_p("change", "deliverable")),
            "can_accept": request.user.has_perm(f"{APP}.accept_deliverable")}


register(Deliverable, _m(
    "sc_operations", list_display=["name", "contract", "kind", "due_date", "status", "submitted_at", "accepted_at",
                                   "score"],
    list_filter=["status", "kind", "contract", "due_date"], search_fields=["name", "contract__name"],
    select_related=["contract"], form_fields=["contract", "name", "kind", "due_date", "description"],
    import_fields=["contract", "name", "kind", "due_date", "description"],
))
register_detail_tab(key="acceptance", label=_("提交与验收"), template="egov_service_catalog/ops/partials/deliverable_tab.html",
                    context=_deliverable_ctx, order=4, models=[Deliverable])


def _ticket_ctx(request, obj):
    return {"t": obj, "Status": Ticket.Status, "can_handle": request.user.has_perm(_p("change", "ticket"))}


register(Ticket, _m(
    "sc_operations", list_display=["number", "title", "organization", "item", "problem_type", "status", "created_at",
                                   "resolved_at"],
    list_filter=["status", "item", "created_at"], search_fields=["number", "title", "description"],
    select_related=["organization", "item", "problem_type"], form_fields=["title", "description"],
    can_add=False, can_import=False, can_delete=False, api=False,
))
register_detail_tab(key="handle", label=_("处理"), template="egov_service_catalog/ops/partials/ticket_tab.html",
                    context=_ticket_ctx, order=4, models=[Ticket])


def _feedback_ctx(request, obj):
    return {"fb": obj, "can_reply": request.user.has_perm(f"{APP}.reply_feedback")}


register(Feedback, _m(
    "sc_operations", list_display=["number", "kind", "title", "organization", "item", "status", "created_at",
                                   "replied_at"],
    list_filter=["kind", "status", "created_at"], search_fields=["number", "title", "content"],
    select_related=["organization", "item"], form_fields=["title"], can_add=False, can_edit=False,
    can_import=False, can_delete=False, api=False,
))
register_detail_tab(key="reply", label=_("答复"), template="egov_service_catalog/ops/partials/feedback_tab.html",
                    context=_feedback_ctx, order=4, models=[Feedback])
register(ProblemType, _m(
    "sc_operations", list_display=["item", "name", "sort", "is_active"], list_filter=["item", "is_active"],
    search_fields=["name", "solution"], select_related=["item"],
    form_fields=["item", "name", "solution", "sort", "is_active"], import_fields=["item", "name", "solution", "sort"],
))


def _survey_ctx(request, obj):
    return {"s": obj, "can_publish": request.user.has_perm(f"{APP}.publish_survey")}


register(Survey, _m(
    "sc_operations", list_display=["title", "kind", "status", "start_at", "end_at", "response_count", "published_at"],
    list_filter=["kind", "status"], search_fields=["title"], select_related=["form"],
    form_fields=["title", "kind", "form", "description", "targets", "start_at", "end_at"], can_import=False,
    actions=[ExtraAction(label=_("结果统计"), url_name=f"{APP}:ops_survey_results", icon="ti ti-chart-bar"),
             ExtraAction(label=_("设计问卷表单"), url_name=f"{APP}:form_designer_new", icon="ti ti-forms", list=True,
                         with_pk=False, perm=f"{APP}.manage_serviceform")],
))
register_detail_tab(key="publish", label=_("发布"), template="egov_service_catalog/ops/partials/survey_tab.html",
                    context=_survey_ctx, order=4, models=[Survey])
register(SurveyResponse, _m(
    "sc_operations", list_display=["survey", "organization", "respondent", "submitted_at"],
    list_filter=["survey"], search_fields=["organization__name"], select_related=["survey", "organization",
                                                                                  "respondent"],
    can_add=False, can_edit=False, can_delete=False, can_import=False, comments=False, api=False,
))


def _report_ctx(request, obj):
    return {"r": obj}


register(ServiceReport, _m(
    "sc_operations", list_display=["title", "period_type", "period_start", "period_end", "subject", "organization",
                                   "generated_at"],
    list_filter=["period_type", "subject", "period_start"], search_fields=["title", "organization__name"],
    select_related=["organization"], can_add=False, can_edit=False, can_import=False, api=False,
    actions=[ExtraAction(label=_("生成报告"), url_name=f"{APP}:ops_report_generate", icon="ti ti-file-analytics",
                         list=True, with_pk=False, perm=_p("add", "servicereport"))],
))
register_detail_tab(key="report", label=_("报告内容"), template="egov_service_catalog/ops/partials/report_tab.html",
                    context=_report_ctx, order=3, models=[ServiceReport])


# --- portal home tiles (egov_base.ui.views.PORTAL_SERVICES is the documented tile list) -----------------------
def _portal_tiles():
    try:
        from egov_base.ui import views as ui_views
    except ImportError:  # pragma: no cover
        return
    tiles = [
        (_("单位工作门户"), "ti ti-building-community", f"{APP}:ops_portal_home", _("用量、申请、账单与服务报告")),
        (_("服务中心"), "ti ti-headset", f"{APP}:ops_portal_ticket_new", _("提交工单、我要建议、我要投诉")),
        (_("问卷填报"), "ti ti-clipboard-list", f"{APP}:ops_portal_surveys", _("信息填报、问卷与满意度调查")),
    ]
    names = {t[2] for t in ui_views.PORTAL_SERVICES}
    ui_views.PORTAL_SERVICES.extend(t for t in tiles if t[2] not in names)


_portal_tiles()
