"""Staff (backend) pages of the operations side: 管理单位工作门户, analytics (scored demo 6), pool sync, bill import
and reconciliation, deliverable acceptance, ticket / feedback handling, survey publish and results, report
generation. Thin: every write is a service call; every object comes from the user's scoped queryset."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from egov_base.audit.services import record_event
from egov_base.generic.forms import message_service_errors
from egov_base.scope import scope_queryset

from ..models import (
    BillLine,
    CapacityWarning,
    Deliverable,
    Feedback,
    ProviderBill,
    ResourcePool,
    ServiceItem,
    ServiceReport,
    Survey,
    Ticket,
    Vendor,
)
from ..models.resources import PoolType
from ..services import analytics as an
from ..services import billing, feedback, outsourcing, reports, resources, tickets
from .ops_common import OpsForm, form_errors, require_perm, scoped_get

VIEW_DASHBOARD = "egov_service_catalog.view_resourcepool"
VIEW_ANALYTICS = "egov_service_catalog.handle_servicerequest"


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


# --- 管理单位工作门户 -------------------------------------------------------------------------------------------

@login_required
def dashboard(request):
    require_perm(request, VIEW_DASHBOARD, model=ResourcePool)
    panels = an.pool_panels(user=request.user)
    active = request.GET.get("type") or PoolType.CLOUD
    chart = {p["type"]: {"metrics": p["metrics"], "by_dept": p["by_dept"], "by_type": p["by_type"]} for p in panels}
    return render(request, "egov_service_catalog/ops/dashboard.html", {
        "panels": panels, "active": active, "chart": chart,
        "warnings": CapacityWarning.objects.filter(resolved_at__isnull=True)
        .select_related("metric__pool")[:10],
        "breadcrumbs": [{"label": _("服务运营"), "url": ""}, {"label": _("管理单位工作门户"), "url": ""}],
    })


@login_required
@require_POST
def pool_sync(request, pk):
    require_perm(request, "egov_service_catalog.sync_resourcepool", model=ResourcePool)
    pool = scoped_get(ResourcePool, request.user, pk)
    result = resources.pool_sync(pool=pool)
    if result.ok:
        messages.success(request, gettext("采集完成：%(m)s 个指标，%(d)s 台设备，%(t)s 个单位用量。") %
                         {"m": result.metrics, "d": result.devices, "t": result.tenants})
    else:
        messages.error(request, gettext("采集失败：%(e)s") % {"e": result.error})
    return redirect(pool.get_absolute_url())


# --- analytics (scored demo 6) ---------------------------------------------------------------------------------

class AnalyticsFilter(forms.Form):
    start = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    service_type = forms.ChoiceField(label=_("服务类型"), required=False,
                                     choices=[("", _("全部类型")), *ServiceItem.ServiceType.choices])
    organization = forms.IntegerField(label=_("单位"), required=False, widget=forms.Select)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or (data["end"] - dt.timedelta(days=89))
        if data["start"] > data["end"]:
            raise ValidationError(_("开始日期不能晚于结束日期。"))
        if (data["end"] - data["start"]).days > 3 * 366:
            raise ValidationError(_("统计区间不能超过三年。"))
        return data


def _analytics_params(request):
    form = AnalyticsFilter(request.GET or None)
    from egov_base.org.models import Organization

    orgs = scope_queryset(Organization.objects.filter(kind__in=("city_dept", "district_dept", "public")),
                          request.user)
    if form.is_bound and form.is_valid():
        p = form.cleaned_data
    else:
        today = timezone.localdate()
        p = {"start": today - dt.timedelta(days=89), "end": today, "service_type": "", "organization": None}
    org_id = p.get("organization")
    if org_id and not orgs.filter(pk=org_id).exists():
        org_id = None
    return form, p, org_id, orgs


@login_required
def analytics_page(request):
    require_perm(request, VIEW_ANALYTICS)
    form, p, org_id, orgs = _analytics_params(request)
    data = an.analytics(user=request.user, start=p["start"], end=p["end"], service_type=p["service_type"] or "",
                        organization_id=org_id)
    t, pt = data["totals"], data["prev_totals"]
    cards = [
        {"label": _("申请量"), "value": t["applications"], "prev": pt["applications"],
         "change": an.change_percent(t["applications"], pt["applications"]), "icon": "ti ti-file-plus"},
        {"label": _("审批通过"), "value": t["approvals"], "prev": pt["approvals"],
         "change": an.change_percent(t["approvals"], pt["approvals"]), "icon": "ti ti-circle-check"},
        {"label": _("平均办理时长(小时)"), "value": t["cycle_hours"] if t["cycle_hours"] is not None else "—",
         "prev": pt["cycle_hours"], "change": an.change_percent(t["cycle_hours"], pt["cycle_hours"]),
         "icon": "ti ti-clock", "lower_better": True},
        {"label": _("满意度(5分制)"), "value": t["satisfaction"] if t["satisfaction"] is not None else "—",
         "prev": pt["satisfaction"], "change": an.change_percent(t["satisfaction"], pt["satisfaction"]),
         "icon": "ti ti-mood-smile"},
    ]
    chart = {
        "labels": {"applications": gettext("申请量"), "approvals": gettext("审批通过"), "prev": gettext("上期申请量"),
                   "cycle": gettext("平均时长(小时)"), "satisfaction": gettext("满意度"), "in_use": gettext("在用数量"),
                   "count": gettext("服务对象数"), "trend": gettext("申请量")},
        "by_dept": data["by_dept"], "by_type": data["by_type"], "by_item": data["by_item"],
        "in_use": data["in_use"], "in_use_dept": data["in_use_dept"],
        "trend": [{"day": (r["day"].date() if hasattr(r["day"], "date") else r["day"]).isoformat(), "n": r["n"]}
                  for r in data["trend"]],
    }
    query = request.GET.urlencode()
    return render(request, "egov_service_catalog/ops/analytics.html", {
        "form": form, "data": data, "cards": cards, "chart": chart, "orgs": orgs.order_by("path")[:300],
        "org_id": org_id, "params": p, "query": query, "trend_weekly": (p["end"] - p["start"]).days > 62,
        "breadcrumbs": [{"label": _("服务运营"), "url": ""}, {"label": _("服务分析"), "url": ""}],
    })


@login_required
def analytics_export(request):
    from egov_base.reports.excel import Column, ExcelReport, Sheet

    require_perm(request, VIEW_ANALYTICS)
    _form, p, org_id, _orgs = _analytics_params(request)
    data = an.analytics(user=request.user, start=p["start"], end=p["end"], service_type=p["service_type"] or "",
                        organization_id=org_id, top=200)

    cols = [Column(gettext("名称"), 30), Column(gettext("申请量"), 10, "int"), Column(gettext("上期申请量"), 12, "int"),
            Column(gettext("审批通过"), 10, "int"), Column(gettext("已交付"), 10, "int"),
            Column(gettext("平均时长(小时)"), 14, "number"), Column(gettext("满意度"), 10, "number")]

    def rows(items, label_key="key"):
        for r in items:
            yield [r.get(label_key) or r["key"], r["applications"], r.get("prev_applications"), r["approvals"],
                   r["done"], r["cycle_hours"], r["satisfaction"]]

    class _Export(ExcelReport):
        title = gettext("服务分析 %(s)s 至 %(e)s") % {"s": p["start"], "e": p["end"]}

        def sheets(self, params):
            yield Sheet(gettext("按单位"), cols, rows(data["by_dept"]))
            yield Sheet(gettext("按资源类型"), cols, rows(data["by_type"], "label"))
            yield Sheet(gettext("按服务项"), cols[:2] + cols[3:], ([r[0], r[1], *r[3:]] for r in rows(data["by_item"])))
            yield Sheet(gettext("在用资源"), [Column(gettext("资源类型"), 24), Column(gettext("服务对象数"), 12, "int"),
                                      Column(gettext("数量"), 12, "int")],
                        ([r["label"], r["count"], r["quantity"]] for r in data["in_use"]))

    report = _Export(user=request.user)
    body = report.render({})
    record_event(action="export", model=ServiceItem, message=gettext("导出服务分析"),
                 data={"start": str(p["start"]), "end": str(p["end"]), "service_type": p["service_type"]})
    return _download(body, report.file_name(), report.content_type)


# --- billing ---------------------------------------------------------------------------------------------------

class BillImportForm(OpsForm):
    vendor = forms.ModelChoiceField(label=_("服务商"), queryset=Vendor.objects.filter(status="active"))
    item = forms.ModelChoiceField(label=_("服务项"), queryset=ServiceItem.objects.filter(billing_mode="metered"))
    period = forms.CharField(label=_("账期"), widget=forms.DateInput(attrs={"type": "month"}),
                             help_text=_("账单所属月份"))
    kind = forms.ChoiceField(label=_("导入内容"), choices=[("bill", _("供应商账单")), ("usage", _("用量记录"))],
                             widget=forms.RadioSelect, initial="bill")
    file = forms.FileField(label=_("文件"), help_text=_("Excel(.xlsx) 或 CSV；表头见下方说明"))

    def clean_period(self):
        return billing.month_start(self.cleaned_data["period"])


@login_required
def bill_import(request):
    require_perm(request, "egov_service_catalog.reconcile_providerbill", model=ProviderBill)
    form = BillImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["kind"] == "usage":
                n = billing.usage_import(user=request.user, item=d["item"], period=d["period"], file=d["file"],
                                         name=d["file"].name, source=d["file"].name)
                messages.success(request, gettext("已导入用量记录 %(n)s 条。") % {"n": n})
                bill = ProviderBill.objects.filter(item=d["item"], period=d["period"]).first()
                if bill is not None and bill.status != ProviderBill.Status.CONFIRMED:
                    billing.bill_reconcile(user=request.user, bill=bill)
                    return redirect("egov_service_catalog:ops_bill", pk=bill.pk)
                return redirect("egov_service_catalog:usagerecord_list")
            bill = billing.bill_import(user=request.user, vendor=d["vendor"], item=d["item"], period=d["period"],
                                       file=d["file"], name=d["file"].name)
            messages.success(request, gettext("账单已导入并完成对账。"))
            return redirect("egov_service_catalog:ops_bill", pk=bill.pk)
        except ValidationError as exc:
            errors = [m for msgs in form_errors(exc).values() for m in msgs]
    return render(request, "egov_service_catalog/ops/bill_import.html", {
        "form": form, "errors": errors,
        "breadcrumbs": [{"label": _("资源计费"), "url": ""}, {"label": _("导入账单"), "url": ""}],
    })


@login_required
def bill_detail(request, pk):
    require_perm(request, "egov_service_catalog.view_providerbill", model=ProviderBill)
    bill = scoped_get(ProviderBill, request.user, pk, ProviderBill.objects.select_related("vendor", "item"))
    lines = bill.lines.select_related("organization").order_by("line_no")
    only = request.GET.get("only")
    if only == "diff":
        lines = lines.exclude(result=BillLine.Result.MATCH)
    counts = dict(bill.lines.values_list("result").annotate(n=Count("id")).order_by())
    return render(request, "egov_service_catalog/ops/bill_detail.html", {
        "bill": bill, "lines": lines, "only": only,
        "counts": [(label, counts.get(value, 0), value) for value, label in BillLine.Result.choices
                   if counts.get(value)],
        "can_reconcile": request.user.has_perm("egov_service_catalog.reconcile_providerbill"),
        "breadcrumbs": [{"label": _("供应商账单"), "url": "/service-catalog/providerbill/"},
                        {"label": bill.number, "url": ""}],
    })


@login_required
def bill_export(request, pk, fmt):
    require_perm(request, "egov_service_catalog.view_providerbill", model=ProviderBill)
    bill = scoped_get(ProviderBill, request.user, pk, ProviderBill.objects.select_related("vendor", "item"))
    cls = reports.ReconciliationPdf if fmt == "pdf" else reports.ReconciliationExcel
    rep = cls(bill=bill, user=request.user)
    body = rep.render({})
    record_event(action="export", obj=bill, message=gettext("导出对账单（%(f)s）") % {"f": fmt}, data={"format": fmt})
    return _download(body, rep.file_name(), rep.content_type)


@login_required
@require_POST
def bill_action(request, pk, action):
    require_perm(request, "egov_service_catalog.reconcile_providerbill", model=ProviderBill)
    bill = scoped_get(ProviderBill, request.user, pk)
    try:
        if action == "reconcile":
            billing.bill_reconcile(user=request.user, bill=bill)
            messages.success(request, gettext("已重新对账。"))
        elif action in ("confirm", "dispute"):
            billing.bill_confirm(user=request.user, bill=bill, note=request.POST.get("note", ""),
                                 dispute=action == "dispute")
            messages.success(request, gettext("账单已确认。") if action == "confirm" else gettext("已提出异议。"))
    except ValidationError as exc:
        message_service_errors(request, exc)
    return redirect("egov_service_catalog:ops_bill", pk=bill.pk)


# --- outsourcing -----------------------------------------------------------------------------------------------

@login_required
@require_POST
def deliverable_action(request, pk, action):
    require_perm(request, "egov_service_catalog.view_deliverable", model=Deliverable)
    d = scoped_get(Deliverable, request.user, pk)
    try:
        if action == "submit":
            outsourcing.deliverable_submit(user=request.user, deliverable=d)
            messages.success(request, gettext("已提交验收。"))
        else:
            score = request.POST.get("score") or None
            outsourcing.deliverable_accept(user=request.user, deliverable=d, accept=action == "accept",
                                           comment=request.POST.get("comment", ""),
                                           score=int(score) if score and score.isdigit() else None)
            messages.success(request, gettext("验收通过。") if action == "accept" else gettext("已退回整改。"))
    except ValidationError as exc:
        message_service_errors(request, exc)
    return redirect(d.get_absolute_url())


# --- desk: tickets and feedback --------------------------------------------------------------------------------

@login_required
@require_POST
def ticket_action(request, pk):
    require_perm(request, "egov_service_catalog.change_ticket", model=Ticket)
    t = scoped_get(Ticket, request.user, pk)
    try:
        tickets.ticket_update(user=request.user, ticket=t, status=request.POST.get("status", ""),
                              resolution=request.POST.get("resolution", ""))
        messages.success(request, gettext("工单已更新。"))
    except ValidationError as exc:
        message_service_errors(request, exc)
    return redirect(t.get_absolute_url())


@login_required
@require_POST
def feedback_action(request, pk):
    require_perm(request, "egov_service_catalog.reply_feedback", model=Feedback)
    fb = scoped_get(Feedback, request.user, pk)
    try:
        feedback.feedback_reply(user=request.user, feedback=fb, reply=request.POST.get("reply", ""),
                                close=request.POST.get("close") == "1")
        messages.success(request, gettext("已答复。"))
    except ValidationError as exc:
        message_service_errors(request, exc)
    return redirect(fb.get_absolute_url())


# --- surveys ---------------------------------------------------------------------------------------------------

@login_required
@require_POST
def survey_action(request, pk, action):
    require_perm(request, "egov_service_catalog.publish_survey", model=Survey)
    s = scoped_get(Survey, request.user, pk)
    try:
        if action == "publish":
            feedback.survey_publish(user=request.user, survey=s)
            messages.success(request, gettext("问卷已发布，已通知相关单位。"))
        else:
            feedback.survey_close(user=request.user, survey=s)
            messages.success(request, gettext("问卷已结束。"))
    except ValidationError as exc:
        message_service_errors(request, exc)
    return redirect(s.get_absolute_url())


@login_required
def survey_results(request, pk):
    require_perm(request, "egov_service_catalog.view_survey", model=Survey)
    s = scoped_get(Survey, request.user, pk, Survey.objects.select_related("form"))
    responses = scope_queryset(s.responses.select_related("organization", "respondent"), request.user)
    results = feedback.survey_results(survey=s, responses=responses)
    if request.GET.get("export") == "xlsx":
        return _survey_export(request, s, responses)
    for i, q in enumerate(results):
        q["dom"] = f"sc-q-{i}"
    chart = [{"dom": q["dom"], "label": q["label"], "options": q.get("options", [])}
             for q in results if q["kind"] == "choice"]
    return render(request, "egov_service_catalog/ops/survey_results.html", {
        "survey": s, "results": results, "responses": responses[:50], "count": responses.count(), "chart": chart,
        "breadcrumbs": [{"label": _("问卷"), "url": "/service-catalog/survey/"}, {"label": s.title, "url": ""}],
    })


def _survey_export(request, s, responses):
    from egov_base.reports.excel import Column, ExcelReport

    from .. import forms_engine

    fields = forms_engine.fields(s.form.schema)

    class _Export(ExcelReport):
        title = gettext("%(t)s 答卷明细") % {"t": s.title}
        columns = [Column(gettext("填报单位"), 26), Column(gettext("填报人"), 12), Column(gettext("提交时间"), 20, "datetime")] + [
            Column(f["label"], 20) for f in fields]

        def rows(self, params):
            for r in responses.iterator():
                yield [r.organization.name, r.respondent.get_full_name(), timezone.localtime(r.submitted_at)] + [
                    forms_engine.display_value(f, forms_engine._get(r.data, f["key"])) for f in fields]

    rep = _Export(user=request.user)
    body = rep.render({})
    record_event(action="export", obj=s, message=gettext("导出答卷"), data={"count": responses.count()})
    return _download(body, rep.file_name(), rep.content_type)


# --- service reports -------------------------------------------------------------------------------------------

class ReportGenerateForm(OpsForm):
    period_type = forms.ChoiceField(label=_("周期"), choices=ServiceReport.PeriodType.choices)
    period_start = forms.DateField(label=_("期间内任一日期"), widget=forms.DateInput(attrs={"type": "date"}))
    subject = forms.ChoiceField(label=_("报告对象"), choices=ServiceReport.Subject.choices)
    organization = forms.ModelChoiceField(label=_("单位"), queryset=None)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from egov_base.org.models import Organization

        self.fields["organization"].queryset = scope_queryset(Organization.objects.filter(is_active=True), user)


@login_required
def report_generate(request):
    require_perm(request, "egov_service_catalog.add_servicereport", model=ServiceReport)
    form = ReportGenerateForm(request.POST or None, user=request.user,
                              initial={"period_start": timezone.localdate().replace(day=1) - dt.timedelta(days=1)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        rep = reports.report_generate(period_type=d["period_type"], period_start=d["period_start"],
                                      subject=d["subject"], organization=d["organization"], user=request.user)
        messages.success(request, gettext("报告已生成：%(t)s") % {"t": rep.title})
        return redirect(rep.get_absolute_url())
    return render(request, "egov_service_catalog/ops/report_generate.html", {
        "form": form,
        "breadcrumbs": [{"label": _("服务报告"), "url": "/service-catalog/servicereport/"},
                        {"label": _("生成报告"), "url": ""}],
    })
