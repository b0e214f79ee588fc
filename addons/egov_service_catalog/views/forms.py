"""Form designer (form-js editor in the browser), form list with versions, preview."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov_base.generic.forms import message_service_errors

from .. import forms_engine
from ..models import ServiceForm, ServiceItem
from ..services import catalog as catalog_services

APP = "egov_service_catalog"
EMPTY_SCHEMA = {"type": "default", "components": [], "schemaVersion": 16}


def _need(user):
    if not user.has_perm(f"{APP}.manage_serviceform"):
        raise PermissionDenied(_("您没有设计电子表单的权限。"))


@login_required
def form_list(request):
    _need(request.user)
    forms = (ServiceForm.objects.select_related("item").order_by("item__sort", "item__code", "kind", "-version"))
    groups: dict = {}
    for f in forms:
        groups.setdefault((f.item_id, f.kind), []).append(f)
    rows = [{"item": v[0].item, "kind": v[0].get_kind_display(), "kind_code": v[0].kind,
             "active": next((x for x in v if x.is_active), None), "versions": v} for v in groups.values()]
    items_without = ServiceItem.objects.exclude(forms__kind="apply").order_by("sort", "code")
    return render(request, "egov_service_catalog/forms/form_list.html", {
        "rows": rows, "items_without": items_without, "kinds": ServiceForm.Kind.choices,
        "breadcrumbs": [{"label": _("服务管理"), "url": ""}, {"label": _("电子表单"), "url": ""}],
    })


def _designer(request, *, item, kind, form):
    if request.method == "POST":
        try:
            schema = json.loads(request.POST.get("schema") or "{}")
        except ValueError:
            schema = None
        try:
            saved = catalog_services.form_save_version(user=request.user, item=item, kind=kind, schema=schema,
                                                       name=request.POST.get("name", "").strip())
        except ValidationError as exc:
            if request.headers.get("Accept", "").startswith("application/json"):
                return JsonResponse({"ok": False, "errors": exc.messages}, status=400)
            message_service_errors(request, exc)
            return redirect(request.path)
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"ok": True, "version": saved.version,
                                 "message": _("已保存为第 %(v)d 版。") % {"v": saved.version}})
        messages.success(request, _("已保存为第 %(v)d 版。") % {"v": saved.version})
        return redirect(reverse("egov_service_catalog:form_designer", args=[saved.pk]))
    versions = ServiceForm.objects.filter(item=item, kind=kind).order_by("-version")
    return render(request, "egov_service_catalog/forms/designer.html", {
        "item": item, "kind": kind, "kind_label": dict(ServiceForm.Kind.choices).get(kind, kind), "form": form,
        "schema": (form.schema if form else None) or EMPTY_SCHEMA, "versions": versions,
        "breadcrumbs": [{"label": _("电子表单"), "url": reverse("egov_service_catalog:form_list")},
                        {"label": str(item or _("通用表单")), "url": ""}],
    })


@login_required
def form_designer(request, pk):
    _need(request.user)
    form = get_object_or_404(ServiceForm.objects.select_related("item"), pk=pk)
    return _designer(request, item=form.item, kind=form.kind, form=form)


@login_required
def form_designer_item(request, pk):
    """Designer for an item's form; ``?kind=apply|change|cancel`` (default apply)."""
    _need(request.user)
    item = get_object_or_404(ServiceItem, pk=pk)
    kind = request.GET.get("kind") or request.POST.get("kind") or "apply"
    if kind not in ServiceForm.Kind.values:
        kind = "apply"
    form = ServiceForm.objects.filter(item=item, kind=kind, is_active=True).first()
    return _designer(request, item=item, kind=kind, form=form)


@login_required
def form_designer_new(request):
    """A standalone form (item empty), e.g. a questionnaire: ``?kind=questionnaire``."""
    _need(request.user)
    kind = request.GET.get("kind") or request.POST.get("kind") or "questionnaire"
    if kind not in ServiceForm.Kind.values:
        kind = "questionnaire"
    return _designer(request, item=None, kind=kind, form=None)


@login_required
@require_POST
def form_activate(request, pk):
    form = get_object_or_404(ServiceForm, pk=pk)
    try:
        catalog_services.form_activate(user=request.user, form=form)
        messages.success(request, _("已启用第 %(v)d 版。") % {"v": form.version})
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect(reverse("egov_service_catalog:form_designer", args=[form.pk]))


@login_required
def form_preview(request, pk):
    """Fill the form in the viewer and get the server-side validation result (no data is stored)."""
    _need(request.user)
    form = get_object_or_404(ServiceForm.objects.select_related("item"), pk=pk)
    result = None
    if request.method == "POST":
        try:
            data = json.loads(request.POST.get("form_data") or "{}")
        except ValueError:
            data = {}
        cleaned, errors = forms_engine.validate(form.schema, data)
        result = {"cleaned": cleaned, "errors": errors, "html": forms_engine.render_readonly(form.schema, cleaned)}
    return render(request, "egov_service_catalog/forms/preview.html", {
        "form": form, "result": result,
        "breadcrumbs": [{"label": _("电子表单"), "url": reverse("egov_service_catalog:form_list")},
                        {"label": str(form), "url": ""}],
    })
