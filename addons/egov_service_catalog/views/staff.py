"""Staff backend: catalog management (category tree), request list and detail with node actions, fulfilment steps,
document list and downloads."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov_base.audit.services import record_event
from egov_base.generic.forms import message_service_errors
from egov_base.scope import scope_queryset

from .. import forms_engine, selectors
from ..models import FulfilmentStep, RequestDocument, ServiceCategory, ServiceItem, ServiceRequest
from ..services import catalog as catalog_services
from ..services import documents as doc_services
from ..services import requests as req_services

APP = "egov_service_catalog"


def _perm(user, codename):
    if not user.has_perm(f"{APP}.{codename}"):
        record_event(action="denied", model=ServiceRequest, message=f"无权限：{codename}")
        raise PermissionDenied(_("您没有访问该页面的权限。"))


_messages_from = message_service_errors


# --- catalog management ----------------------------------------------------------------------------------------

@login_required
def catalog_manage(request):
    _perm(request.user, "view_serviceitem")
    roots = selectors.category_tree()
    items = (ServiceItem.objects.select_related("category", "provider").order_by("category__path", "sort", "code"))
    by_cat: dict[int, list] = {}
    for it in items:
        by_cat.setdefault(it.category_id, []).append(it)

    def attach(nodes):
        for n in nodes:
            n.items_list = by_cat.get(n.pk, [])
            attach(n.children_list)
    attach(roots)
    ctx = {
        "roots": roots, "can_move": request.user.has_perm(f"{APP}.change_servicecategory"),
        "status_counts": {s: sum(1 for i in items if i.status == s) for s in ServiceItem.Status.values},
        "statuses": ServiceItem.Status.choices,
        "breadcrumbs": [{"label": _("服务管理"), "url": ""}, {"label": _("服务目录"), "url": ""}],
    }
    return render(request, "egov_service_catalog/staff/catalog_manage.html", ctx)


@login_required
@require_POST
def category_move(request):
    """POST category, parent ('' = top), position → JSON {ok, message}."""
    try:
        cat = get_object_or_404(ServiceCategory, pk=int(request.POST.get("category", 0)))
        parent_pk = request.POST.get("parent") or ""
        parent = get_object_or_404(ServiceCategory, pk=int(parent_pk)) if parent_pk else None
        catalog_services.category_move(user=request.user, category=cat, parent=parent,
                                       position=int(request.POST.get("position", 0)))
    except (ValueError, TypeError):
        return JsonResponse({"ok": False, "message": _("参数不正确。")}, status=400)
    except PermissionDenied as exc:
        return JsonResponse({"ok": False, "message": str(exc)}, status=403)
    except ValidationError as exc:
        return JsonResponse({"ok": False, "message": "；".join(exc.messages)}, status=400)
    return JsonResponse({"ok": True, "message": _("已调整“%(name)s”的位置。") % {"name": cat.name}})


@login_required
@require_POST
def item_action(request, pk):
    item = get_object_or_404(scope_queryset(ServiceItem.objects.all(), request.user), pk=pk)
    try:
        catalog_services.item_transition(user=request.user, item=item, action=request.POST.get("action", ""),
                                         comment=request.POST.get("comment", ""))
        messages.success(request, _("已完成操作。"))
    except (ValidationError, PermissionDenied) as exc:
        _messages_from(request, exc)
    except Exception as exc:  # TransitionError and friends carry a Chinese message
        if exc.__class__.__name__ != "TransitionError":
            raise
        messages.error(request, str(exc))
    return redirect(request.POST.get("next") or item.get_absolute_url())


# --- requests ----------------------------------------------------------------------------------------------------

@login_required
def request_list(request):
    _perm(request.user, "handle_servicerequest")
    g = request.GET
    items = scope_queryset(ServiceItem.objects.all(), request.user).only("pk", "name").order_by("sort", "code")
    item = items.filter(pk=g.get("item")).first() if (g.get("item") or "").isdigit() else None
    qs = selectors.request_list(request.user, q=g.get("q", ""), state=g.get("state", ""), kind=g.get("kind", ""),
                                item=item, service_type=g.get("service_type", ""), overdue=g.get("overdue", ""),
                                node=g.get("node", ""))
    page = Paginator(qs, 20).get_page(g.get("page"))
    from ..services.setup import DEFAULT_NODES

    ctx = {
        "page": page, "filters": g, "items": items, "states": ServiceRequest.State.choices,
        "kinds": ServiceRequest.Kind.choices, "types": ServiceItem.ServiceType.choices,
        "nodes": [n[0] for n in DEFAULT_NODES], "counts": selectors.request_counts(request.user),
        "query": "&".join(f"{k}={v}" for k, v in g.items() if k != "page" and v),
        "breadcrumbs": [{"label": _("服务管理"), "url": ""}, {"label": _("服务申请"), "url": ""}],
    }
    return render(request, "egov_service_catalog/staff/request_list.html", ctx)


def _scoped_request(user, pk) -> ServiceRequest:
    """A request by pk from the user's scope; node handlers outside the scope see the request they must act on."""
    req = selectors.requests_for(user).filter(pk=pk).first()
    if req is None:
        req = ServiceRequest.objects.select_related("item", "spec", "organization", "applicant").filter(pk=pk).first()
        if req is None or req_services.pending_step_for(req, user) is None:
            record_event(action="denied", model=ServiceRequest, message=f"越权访问服务申请 {pk}")
            raise Http404(_("记录不存在或不在您的数据范围内。"))
    return req


def request_context(request, req: ServiceRequest) -> dict:
    user = request.user
    step = req_services.pending_step_for(req, user) if req.state == ServiceRequest.State.IN_PROGRESS else None
    node_kind = req_services.node_kind(step.node_name) if step else None
    inst = req_services.running_instance(req) if step else None
    actions = (inst.nodes[step.node_index].get("actions") if inst else []) or []
    stages = selectors.progress(req)
    return {
        "req": req, "object": req,
        "form_html": forms_engine.render_readonly(req.form.schema if req.form_id else {}, req.form_data),
        "stages": stages, "percent": selectors.progress_percent(stages),
        "history": selectors.approval_history(req),
        "documents": selectors.documents_for(req),
        "fulfilment": list(req.fulfilment.select_related("done_by")),
        "my_step": step, "node_kind": node_kind, "node_actions": actions,
        "is_delivery": node_kind == RequestDocument.Node.DELIVERY,
        "resources_json": (req.delivery_data or {}).get("resources") or [],
    }


@login_required
def request_detail(request, pk):
    req = _scoped_request(request.user, pk)
    if request.user.home_shell == "portal" and not request.user.has_perm(f"{APP}.handle_servicerequest"):
        return redirect("egov_service_catalog:portal_request_detail", pk=req.pk)
    if not (request.user.has_perm(f"{APP}.view_servicerequest") or req_services.pending_step_for(req, request.user)):
        raise PermissionDenied(_("您没有访问该页面的权限。"))
    ctx = request_context(request, req)
    ctx["breadcrumbs"] = [{"label": _("服务申请"), "url": reverse("egov_service_catalog:request_list")},
                          {"label": req.number, "url": ""}]
    return render(request, "egov_service_catalog/staff/request_detail.html", ctx)


def _delivery_from_post(post) -> dict:
    names, specs, addrs, notes = (post.getlist("res_name"), post.getlist("res_spec"), post.getlist("res_address"),
                                  post.getlist("res_note"))
    rows = []
    for i, name in enumerate(names):
        rows.append({"name": name, "spec": specs[i] if i < len(specs) else "",
                     "address": addrs[i] if i < len(addrs) else "", "note": notes[i] if i < len(notes) else ""})
    return {"resources": rows, "note": post.get("delivery_note", "")}


@login_required
@require_POST
def request_act(request, pk):
    req = _scoped_request(request.user, pk)
    action = request.POST.get("action", "")
    if action not in ("approve", "return", "return_applicant", "reject"):
        messages.error(request, _("未知的办理操作。"))
        return redirect(req.get_absolute_url())
    try:
        req_services.request_node_act(user=request.user, request=req, action=action,
                                      comment=request.POST.get("comment", ""),
                                      delivery=_delivery_from_post(request.POST))
        messages.success(request, _("已办理：%(n)s") % {"n": req.number})
    except (ValidationError, PermissionDenied) as exc:
        _messages_from(request, exc)
    nxt = request.POST.get("next") or ""
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else req.get_absolute_url())


@login_required
@require_POST
def fulfilment_update(request, pk):
    step = get_object_or_404(FulfilmentStep.objects.select_related("request"), pk=pk)
    _scoped_request(request.user, step.request_id)
    try:
        req_services.fulfilment_step_update(user=request.user, step=step, status=request.POST.get("status", "done"),
                                            note=request.POST.get("note", ""))
        messages.success(request, _("已登记：%(s)s") % {"s": step.name})
    except (ValidationError, PermissionDenied) as exc:
        _messages_from(request, exc)
    return redirect(step.request.get_absolute_url() + "#fulfilment")


# --- documents ---------------------------------------------------------------------------------------------------

@login_required
def document_list(request):
    _perm(request.user, "handle_servicerequest")
    qs = selectors.documents_list(request.user, q=request.GET.get("q", ""), node=request.GET.get("node", ""))
    ctx = {"page": Paginator(qs, 20).get_page(request.GET.get("page")), "nodes": RequestDocument.Node.choices,
           "filters": request.GET,
           "breadcrumbs": [{"label": _("服务管理"), "url": ""}, {"label": _("办理文书"), "url": ""}]}
    return render(request, "egov_service_catalog/staff/document_list.html", ctx)


def _doc_for(user, pk) -> RequestDocument:
    doc = scope_queryset(RequestDocument.objects.all(), user).select_related("request").filter(pk=pk).first()
    if doc is None:
        doc = RequestDocument.objects.select_related("request").filter(pk=pk).first()
        if doc is None or req_services.pending_step_for(doc.request, user) is None:
            raise Http404(_("记录不存在或不在您的数据范围内。"))
    return doc


@login_required
def document_download(request, pk, fmt):
    doc = _doc_for(request.user, pk)
    if fmt == "docx":
        data = doc_services.document_docx(doc)
        ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    elif fmt == "pdf":
        data = doc_services.document_pdf(doc, user=request.user)
        ctype = "application/pdf"
    else:
        raise Http404()
    from urllib.parse import quote

    name = f"{doc.title}-{doc.request.number}.{fmt}"
    resp = HttpResponse(data, content_type=ctype)
    disp = "inline" if fmt == "pdf" and request.GET.get("inline") else "attachment"
    resp["Content-Disposition"] = f"{disp}; filename=\"{doc.node}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    resp["Cache-Control"] = "private, no-store"
    record_event(action="export", obj=doc, message=f"下载办理文书 {doc.number}（{fmt}）")
    return resp


@login_required
def request_form_pdf(request, pk):
    req = _scoped_request(request.user, pk)
    extra = [(_("申请编号"), req.number), (_("申请单位"), str(req.organization)), (_("申请人"), str(req.applicant)),
             (_("服务项"), req.item.name), (_("规格"), req.spec.name if req.spec_id else "—"),
             (_("数量"), str(req.quantity)), (_("申请事由"), req.title)]
    data = forms_engine.pdf(req.form.schema if req.form_id else {}, req.form_data,
                            f"{req.item.name}{req.get_kind_display()}申请表", user=request.user, subtitle=req.number,
                            extra_rows=extra)
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{req.number}.pdf"'
    record_event(action="export", obj=req, message=f"打印申请表 {req.number}")
    return resp


def json_script_safe(data) -> str:
    return json.dumps(data, ensure_ascii=False)
