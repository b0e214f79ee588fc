"""Department portal (使用单位门户): catalog home, item details, guided application wizard (apply / change / cancel,
drafts), my requests with progress, request detail (documents, trace, accept and rate, withdraw, resubmit),
my resources (subscriptions), capability credentials, 服务评价."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov_base.audit.services import record_event
from egov_base.generic.forms import message_service_errors

from .. import forms_engine, selectors
from ..models import ServiceCategory, ServiceItem, ServiceRequest, Subscription
from ..services import capabilities as cap_services
from ..services import requests as req_services
from ..services.catalog import active_form

APP = "egov_service_catalog"


def _notices(user, limit=6):
    try:
        from egov_base.content.models import Article
        from egov_base.content.selectors import article_latest

        return article_latest(user=user, limit=limit, category=Article.Category.NOTICE)
    except Exception:  # noqa: BLE001 - content area missing: no notices, never a broken page
        return []


@login_required
def catalog(request):
    """服务门户首页 / 服务目录: search, category tree, item cards, announcements, my requests with progress, my
    subscriptions."""
    user = request.user
    cat = None
    if (request.GET.get("category") or "").isdigit():
        cat = ServiceCategory.objects.filter(pk=request.GET["category"], is_active=True).first()
    q = request.GET.get("q", "").strip()
    stype = request.GET.get("type", "")
    items = selectors.published_items(user, q=q, category=cat, service_type=stype)
    my_reqs = selectors.my_requests_with_progress(user, limit=6)
    ctx = {
        "tree": selectors.category_tree(only_with_published=True), "category": cat, "q": q, "type": stype,
        "types": ServiceItem.ServiceType.choices, "items": items[:60], "item_count": items.count(),
        "notices": _notices(user), "my_requests": my_reqs,
        "my_subscriptions": list(selectors.my_subscriptions(user)[:6]) if user.organization_id else [],
        "filtered": bool(cat or q or stype),
    }
    return render(request, "egov_service_catalog/portal/catalog.html", ctx)


@login_required
def portal_item(request, pk):
    item = selectors.item_for_portal(request.user, pk)
    if item is None:
        if request.user.has_perm(f"{APP}.view_serviceitem"):  # staff preview of drafts
            item = ServiceItem.objects.select_related("category", "provider").filter(pk=pk).first()
        if item is None:
            raise Http404(_("服务不存在或未发布。"))
    from egov_base.files.services import attachments_for

    ctx = {
        "item": item, "specs": item.specs.filter(is_active=True).order_by("sort", "code"),
        "docs": list(attachments_for(item, request.user)) if item.pk else [],
        "api_info": item.api_info or {}, "path": item.category.ancestors(include_self=True),
        "steps": [s.get("name") for s in item.fulfilment_steps or [] if isinstance(s, dict)],
        "running": selectors.my_subscriptions(request.user).filter(item=item) if request.user.organization_id else [],
    }
    return render(request, "egov_service_catalog/portal/item.html", ctx)


# --- wizard ------------------------------------------------------------------------------------------------------

def _wizard(request, *, item: ServiceItem, kind: str, req: ServiceRequest | None = None,
            subscription: Subscription | None = None):
    user = request.user
    form = active_form(item, kind)
    errors: dict = {}
    values = {
        "spec": req.spec_id if req else (subscription.spec_id if subscription else None),
        "quantity": req.quantity if req else (subscription.quantity if subscription else 1),
        "title": req.title if req else "",
        "phone": req.contact_phone if req else (str(user.phone) if getattr(user, "phone", None) else ""),
        "form_data": req.form_data if req else {},
    }
    if subscription and not req:
        values["title"] = (_("变更：%(item)s（%(no)s）") if kind == "change" else _("取消：%(item)s（%(no)s）")) % {
            "item": item.name, "no": subscription.number}
    if request.method == "POST":
        submit = request.POST.get("do") == "submit"
        try:
            data = json.loads(request.POST.get("form_data") or "{}")
            if not isinstance(data, dict):
                data = {}
        except ValueError:
            data = {}
        spec_pk = request.POST.get("spec") or ""
        spec = item.specs.filter(pk=spec_pk).first() if spec_pk.isdigit() else None
        values.update(spec=spec.pk if spec else None, quantity=request.POST.get("quantity", "1"),
                      title=request.POST.get("title", ""), phone=request.POST.get("contact_phone", ""), form_data=data)
        try:
            saved = req_services.request_save(
                user=user, item=item, spec=spec, quantity=request.POST.get("quantity", "1"),
                title=request.POST.get("title", ""), form_data=data,
                contact_phone=request.POST.get("contact_phone", ""), kind=kind, subscription=subscription,
                request=req, submit=submit, idempotency_key=(request.POST.get("idempotency_key") or None) if not req else None,
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("egov_service_catalog:catalog")
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            if submit:
                messages.success(request, _("申请 %(n)s 已提交，当前环节：%(node)s。") % {"n": saved.number,
                                                                              "node": saved.current_node or "—"})
                return redirect("egov_service_catalog:portal_request_detail", pk=saved.pk)
            messages.success(request, _("草稿已保存（%(n)s），可随时在“我的申请”中继续填写。") % {"n": saved.number})
            return redirect(reverse("egov_service_catalog:portal_request_edit", args=[saved.pk]))
    labels = {f["key"]: f["label"] for f in forms_engine.fields(form.schema if form else {})}
    field_errors = [(labels.get(k[5:], k[5:]), m) for k, msgs in errors.items() if k.startswith("form.") for m in msgs]
    other_errors = [(k, m) for k, msgs in errors.items() if not k.startswith("form.") for m in msgs]
    specs = list(item.specs.filter(is_active=True).order_by("sort", "code"))
    ctx = {
        "item": item, "kind": kind, "kind_label": dict(ServiceRequest.Kind.choices)[kind], "req": req,
        "subscription": subscription, "form": form, "schema": form.schema if form else {"components": []},
        "specs": specs, "values": values, "errors": errors, "field_errors": field_errors,
        "other_errors": other_errors, "idempotency_key": uuid.uuid4().hex,
        "wizard_state": {"step": 4 if field_errors else (1 if other_errors else 1), "spec": values["spec"],
                         "has_specs": bool(specs), "kind": kind},
        "form_data": values["form_data"] or {},
    }
    return render(request, "egov_service_catalog/portal/apply.html", ctx)


@login_required
def portal_apply(request, pk):
    item = selectors.item_for_portal(request.user, pk)
    if item is None:
        raise Http404(_("服务不存在或未发布。"))
    if not request.user.has_perm(f"{APP}.add_servicerequest"):
        raise PermissionDenied(_("您没有提交服务申请的权限。"))
    return _wizard(request, item=item, kind=ServiceRequest.Kind.APPLY)


def _my_request(user, pk) -> ServiceRequest:
    req = selectors.requests_for(user).filter(pk=pk).first()
    if req is None:
        record_event(action="denied", model=ServiceRequest, message=f"越权访问服务申请 {pk}")
        raise Http404(_("记录不存在或不在您的数据范围内。"))
    return req


@login_required
def portal_request_edit(request, pk):
    req = _my_request(request.user, pk)
    if req.applicant_id != request.user.pk or not req.is_editable:
        messages.info(request, _("该申请当前状态为“%(s)s”，不能修改。") % {"s": req.get_state_display()})
        return redirect("egov_service_catalog:portal_request_detail", pk=req.pk)
    return _wizard(request, item=req.item, kind=req.kind, req=req, subscription=req.subscription)


def _my_subscription(user, pk) -> Subscription:
    sub = selectors.subscriptions_for(user).filter(pk=pk).first()
    if sub is None:
        raise Http404(_("记录不存在或不在您的数据范围内。"))
    return sub


@login_required
def portal_subscription_change(request, pk, kind):
    sub = _my_subscription(request.user, pk)
    if kind not in ("change", "cancel"):
        raise Http404()
    if sub.state != Subscription.State.RUNNING:
        messages.error(request, _("该服务对象当前状态为“%(s)s”，不能再次变更或取消。") % {"s": sub.get_state_display()})
        return redirect("egov_service_catalog:portal_subscription", pk=sub.pk)
    return _wizard(request, item=sub.item, kind=kind, subscription=sub)


# --- my requests ---------------------------------------------------------------------------------------------------

@login_required
def portal_requests(request):
    state = request.GET.get("state", "")
    qs = selectors.my_requests(request.user, states=[state] if state else None)
    page = Paginator(qs, 15).get_page(request.GET.get("page"))
    for r in page.object_list:
        r.stages = selectors.progress(r)
        r.percent = selectors.progress_percent(r.stages)
    return render(request, "egov_service_catalog/portal/requests.html",
                  {"page": page, "state": state, "states": ServiceRequest.State.choices})


@login_required
def portal_request_detail(request, pk):
    req = _my_request(request.user, pk)
    from .staff import request_context

    ctx = request_context(request, req)
    ctx["is_applicant"] = req.applicant_id == request.user.pk
    return render(request, "egov_service_catalog/portal/request_detail.html", ctx)


@login_required
@require_POST
def portal_request_action(request, pk):
    req = _my_request(request.user, pk)
    action = request.POST.get("action")
    try:
        if action == "accept":
            req_services.request_accept(user=request.user, request=req, rating=request.POST.get("rating"),
                                        comment=request.POST.get("rating_comment", ""))
            messages.success(request, _("感谢您的评价，申请已办结。"))
        elif action == "withdraw":
            req_services.request_withdraw(user=request.user, request=req, comment=request.POST.get("comment", ""))
            messages.success(request, _("申请已撤销。"))
        elif action == "submit":
            req_services.request_submit(user=request.user, request=req)
            messages.success(request, _("申请已提交。"))
        else:
            messages.error(request, _("未知的操作。"))
    except (ValidationError, PermissionDenied) as exc:
        message_service_errors(request, exc)
    except Exception as exc:
        if exc.__class__.__name__ != "TransitionError":
            raise
        messages.error(request, str(exc))
    nxt = request.POST.get("next") or ""
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//")
                    else reverse("egov_service_catalog:portal_request_detail", args=[req.pk]))


@login_required
def portal_ratings(request):
    """服务评价: the requests of my organisation waiting for acceptance and rating, and the ones rated."""
    todo = selectors.my_requests(request.user, states=[ServiceRequest.State.DELIVERED])
    done = selectors.my_requests(request.user, states=[ServiceRequest.State.CLOSED])[:30]
    return render(request, "egov_service_catalog/portal/ratings.html", {"todo": todo, "done": done})


# --- my resources --------------------------------------------------------------------------------------------------

@login_required
def portal_resources(request):
    """我的资源: 资源情况 (summary by type), each subscription with 状态, 变更信息, 运维信息, 报告."""
    subs = list(selectors.my_subscriptions(request.user, include_terminated=request.GET.get("all") == "1")
                .prefetch_related("changes"))
    return render(request, "egov_service_catalog/portal/resources.html", {
        "subs": subs, "summary": selectors.resource_summary(request.user), "show_all": request.GET.get("all") == "1",
        "open_changes": selectors.my_requests(request.user, states=["in_progress", "returned"])
        .filter(kind__in=["change", "cancel"]),
        "reports": _org_reports(request.user, request.user.organization_id),
    })


@login_required
def portal_subscription(request, pk):
    return _subscription_page(request, _my_subscription(request.user, pk))


def _subscription_page(request, sub, secret=None):
    cred = getattr(sub, "credential", None) if hasattr(sub, "credential") else None
    reports = _org_reports(request.user, sub.organization_id)
    resp = render(request, "egov_service_catalog/portal/subscription.html", {
        "sub": sub, "changes": sub.changes.select_related("request", "actor"),
        "requests": sub.requests.select_related("item").order_by("-created_at"),
        "cred": cred, "calls": selectors.capability_calls(cred) if cred else [],
        "secret": secret, "reports": reports,
    })
    if secret:
        resp["Cache-Control"] = "no-store"
    return resp


def _org_reports(user, organization_id, limit=6) -> list[dict]:
    """报告: the service reports the operations side generated for the organisation (scoped), newest first."""
    try:
        from django.urls import NoReverseMatch

        from egov_base.scope import scope_queryset

        from ..models import ServiceReport
    except ImportError:  # pragma: no cover - operations side absent
        return []
    out = []
    for r in scope_queryset(ServiceReport.objects.filter(organization_id=organization_id), user) \
            .order_by("-period_start")[:limit]:
        try:
            url = reverse("egov_service_catalog:ops_report_download", args=[r.pk, "pdf"])
        except NoReverseMatch:
            url = ""
        out.append({"title": r.title, "url": url, "period": f"{r.period_start:%Y-%m-%d} – {r.period_end:%Y-%m-%d}"})
    return out


@login_required
@require_POST
def portal_capability_secret(request, pk):
    sub = _my_subscription(request.user, pk)
    cred = getattr(sub, "credential", None)
    if cred is None:
        raise Http404()
    try:
        secret = cap_services.credential_reveal_secret(user=request.user, credential=cred,
                                                       reset=request.POST.get("reset") == "1")
        sub.refresh_from_db()
        return _subscription_page(request, sub, secret=secret)  # shown once, on this response only (no-store)
    except (ValidationError, PermissionDenied) as exc:
        message_service_errors(request, exc)
    return redirect("egov_service_catalog:portal_subscription", pk=sub.pk)
