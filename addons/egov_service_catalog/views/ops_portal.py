"""Department portal pages of the operations side (portal layout, /service-catalog/portal/...):
使用单位工作门户, 提交工单 (service → common problems with solutions → ticket), 我要建议, 我要投诉 (投诉须知),
问卷 (信息填报 / 问卷调查 / 满意度调查), my tickets / feedback, service reports. Everything is the user's own
organisation's data (scoped querysets)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov_base.scope import scope_queryset

from .. import forms_engine
from ..models import Feedback, ProblemType, ServiceCategory, ServiceItem, ServiceReport, Survey, SurveyResponse, Ticket
from ..services import analytics as an
from ..services import feedback as fb_services
from ..services import tickets as ticket_services
from .ops_common import OpsForm, form_errors, new_key, scoped_get

COMPLAINT_NOTICE = [
    _("投诉应实事求是，提供的事实、证据应真实、准确，不得捏造、歪曲事实，不得诬告、陷害他人。"),
    _("请写明投诉的服务事项、发生时间、具体经过和诉求，并留下有效联系方式，以便核实和答复。"),
    _("同一事项已经受理且正在办理的，请勿重复投诉；对处理结果有异议的，可在收到答复后 15 日内提出复核。"),
    _("一般投诉在 5 个工作日内答复，情况复杂的在 15 个工作日内答复，逾期将说明理由。"),
    _("投诉人的个人信息将依法予以保密，仅用于本次投诉的受理和处理。"),
]


def _published_items():
    return ServiceItem.objects.filter(status=ServiceItem.Status.PUBLISHED).select_related("category")


# --- 使用单位工作门户 -------------------------------------------------------------------------------------------

@login_required
def portal_home(request):
    overview = an.department_overview(user=request.user)
    reports = an.department_reports(user=request.user, limit=6)
    chart = {"subs": overview["subs_by_type"],
             "bills": [{"period": f"{b['period']:%Y-%m}", "item": b["item"], "amount": b["amount"]}
                       for b in overview["bills"]],
             "labels": {"subs": gettext("在用服务"), "bills": gettext("应付金额(元)")}}
    return render(request, "egov_service_catalog/ops/portal/home.html", {
        "o": overview, "reports": reports, "chart": chart,
        "my_tickets": scope_queryset(Ticket.objects.all(), request.user).order_by("-created_at")[:5],
        "surveys": fb_services.surveys_for(request.user)[:5],
    })


@login_required
def portal_reports(request):
    reports = scope_queryset(ServiceReport.objects.select_related("organization"), request.user)
    return render(request, "egov_service_catalog/ops/portal/reports.html", {"reports": reports[:60]})


@login_required
def report_download(request, pk, fmt):
    """PDF / Excel of a service report: view permission and the user's data scope (404 outside); audited."""
    from urllib.parse import quote

    from django.http import FileResponse, Http404

    from egov_base.audit.services import record_event

    from .ops_common import require_perm

    require_perm(request, "egov_service_catalog.view_servicereport", model=ServiceReport)
    report = scoped_get(ServiceReport, request.user, pk)
    f = report.pdf_file if fmt == "pdf" else report.xlsx_file if fmt == "xlsx" else None
    if not f:
        raise Http404
    record_event(action="export", obj=report, message=gettext("下载服务报告（%(f)s）") % {"f": fmt}, data={"format": fmt})
    resp = FileResponse(f.open("rb"), content_type="application/pdf" if fmt == "pdf" else
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(report.title)}.{fmt}"
    return resp


# --- 提交工单 ---------------------------------------------------------------------------------------------------

class TicketForm(OpsForm):
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 5}))
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    attachment = forms.FileField(label=_("附件"), required=False, help_text=_("截图或日志，可选"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput)


@login_required
def ticket_new(request):
    """Step 1: choose a service (?item=); step 2: common problem types with solutions (?problem=);
    step 3: the ticket form. Solving it with the knowledge base ends the flow without a ticket."""
    item = None
    if request.GET.get("item") or request.POST.get("item"):
        item = get_object_or_404(_published_items(), pk=request.GET.get("item") or request.POST.get("item"))
    problem = None
    pid = request.GET.get("problem") or request.POST.get("problem")
    if pid and pid != "other":
        problem = get_object_or_404(ProblemType.objects.filter(is_active=True), pk=pid)
    if item is None:
        cats = ServiceCategory.objects.filter(level=1).order_by("path")
        items = list(_published_items().order_by("category__path", "sort"))
        return render(request, "egov_service_catalog/ops/portal/ticket_step_item.html", {
            "groups": [(c, [i for i in items if i.category.path.startswith(c.path)]) for c in cats],
            "others": [i for i in items if not any(i.category.path.startswith(c.path) for c in cats)]})
    if not pid:
        return render(request, "egov_service_catalog/ops/portal/ticket_step_problem.html", {
            "item": item, "problems": ticket_services.problem_types_for(item)})
    initial = {"idempotency_key": new_key(),
               "title": f"{item.name}：{problem.name}" if problem else f"{item.name}：",
               "contact_phone": getattr(request.user, "phone", "") or ""}
    form = TicketForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ticket = ticket_services.ticket_submit(
                user=request.user, item=item, problem_type=problem, title=d["title"], description=d["description"],
                attachments=[d["attachment"]] if d.get("attachment") else [], idempotency_key=d["idempotency_key"],
                contact_phone=d["contact_phone"])
            messages.success(request, gettext("工单 %(n)s 已提交，服务台将尽快处理。") % {"n": ticket.number})
            if isinstance(ticket, Ticket):
                return redirect("egov_service_catalog:ops_portal_ticket", pk=ticket.pk)
            return redirect(ticket.get_absolute_url())
        except ValidationError as exc:
            for field, msgs in form_errors(exc).items():
                form.add_error(field if field in form.fields else None, msgs)
    return render(request, "egov_service_catalog/ops/portal/ticket_form.html", {
        "item": item, "problem": problem, "form": form})


@login_required
def ticket_mine(request):
    qs = scope_queryset(Ticket.objects.select_related("item", "organization"), request.user).order_by("-created_at")
    return render(request, "egov_service_catalog/ops/portal/ticket_list.html", {"tickets": qs[:100]})


@login_required
def ticket_detail(request, pk):
    ticket = scoped_get(Ticket, request.user, pk, Ticket.objects.select_related("item", "problem_type", "submitter"))
    return render(request, "egov_service_catalog/ops/portal/ticket_detail.html", {"t": ticket})


# --- 我要建议 / 我要投诉 -----------------------------------------------------------------------------------------

class FeedbackForm(OpsForm):
    item = forms.ModelChoiceField(label=_("涉及服务"), queryset=ServiceItem.objects.none(), required=False,
                                  empty_label=_("（不涉及具体服务）"))
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    notice_accepted = forms.BooleanField(label=_("我已阅读并同意《投诉须知》"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = _published_items().order_by("sort")
        if kind != Feedback.Kind.COMPLAINT:
            del self.fields["notice_accepted"]


def _feedback(request, kind):
    form = FeedbackForm(request.POST or None, kind=kind,
                        initial={"idempotency_key": new_key(), "contact_phone": getattr(request.user, "phone", "")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            fb = fb_services.feedback_submit(user=request.user, kind=kind, title=d["title"], content=d["content"],
                                             item=d.get("item"), contact_phone=d.get("contact_phone", ""),
                                             notice_accepted=bool(d.get("notice_accepted")),
                                             idempotency_key=d["idempotency_key"])
            messages.success(request, gettext("已提交（编号 %(n)s），我们会尽快答复。") % {"n": fb.number})
            return redirect("egov_service_catalog:ops_portal_feedback_mine")
        except ValidationError as exc:
            for field, msgs in form_errors(exc).items():
                form.add_error(field if field in form.fields else None, msgs)
    return render(request, "egov_service_catalog/ops/portal/feedback_form.html", {
        "form": form, "kind": kind, "is_complaint": kind == Feedback.Kind.COMPLAINT, "notice": COMPLAINT_NOTICE})


@login_required
def suggest(request):
    return _feedback(request, Feedback.Kind.SUGGESTION)


@login_required
def complain(request):
    return _feedback(request, Feedback.Kind.COMPLAINT)


@login_required
def feedback_mine(request):
    qs = scope_queryset(Feedback.objects.select_related("item"), request.user).order_by("-created_at")
    return render(request, "egov_service_catalog/ops/portal/feedback_list.html", {"rows": qs[:100]})


# --- 问卷 --------------------------------------------------------------------------------------------------------

@login_required
def survey_list(request):
    surveys = list(fb_services.surveys_for(request.user))
    done = set(SurveyResponse.objects.filter(respondent=request.user, survey__in=surveys)
               .values_list("survey_id", flat=True))
    return render(request, "egov_service_catalog/ops/portal/survey_list.html", {
        "rows": [(s, s.pk in done) for s in surveys]})


def _posted_data(request, fields) -> dict:
    data = {}
    for f in fields:
        name = f"f_{f['key']}"
        if f["type"] in ("checklist", "taglist"):
            value = request.POST.getlist(name)
        elif f["type"] == "checkbox":
            value = request.POST.get(name) == "on"
        else:
            value = request.POST.get(name, "")
        if f["type"] == "number" and value not in ("", None):
            try:
                value = float(value) if "." in value else int(value)
            except ValueError:
                pass
        forms_engine._set(data, f["key"], value)
    return data


@login_required
def survey_answer(request, pk):
    survey = get_object_or_404(Survey.objects.select_related("form"), pk=pk)
    if not fb_services.survey_can_answer(request.user, survey):
        raise PermissionDenied
    existing = SurveyResponse.objects.filter(survey=survey, respondent=request.user).first()
    fields = forms_engine.fields(survey.form.schema)
    errors, data = {}, {}
    if request.method == "POST" and existing is None:
        data = _posted_data(request, fields)
        try:
            fb_services.survey_answer(user=request.user, survey=survey, data=data)
            messages.success(request, gettext("感谢您的填写，答卷已提交。"))
            return redirect("egov_service_catalog:ops_portal_surveys")
        except ValidationError as exc:
            errors = form_errors(exc)
    for f in fields:
        f["value"] = forms_engine._get(data, f["key"]) if data else f.get("default")
        f["errors"] = errors.get(f["key"], [])
        f["name"] = f"f_{f['key']}"
        vals = f["value"] if isinstance(f["value"], list) else [f["value"]]
        f["selected"] = [str(v) for v in vals if v not in (None, "")]
    answer_rows = forms_engine.rows(survey.form.schema, existing.data) if existing else []
    return render(request, "egov_service_catalog/ops/portal/survey_answer.html", {
        "survey": survey, "fields": fields, "existing": existing, "answer_rows": answer_rows,
        "has_errors": bool(errors)})
