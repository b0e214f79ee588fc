"""Mobile H5 pages (/service-catalog/m/...): catalog, item, my requests, request detail (with accept and rate)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import selectors
from ..models import ServiceCategory
from .portal import _my_request


@login_required
def m_catalog(request):
    cat = None
    if (request.GET.get("category") or "").isdigit():
        cat = ServiceCategory.objects.filter(pk=request.GET["category"], is_active=True).first()
    q = request.GET.get("q", "").strip()
    items = selectors.published_items(request.user, q=q, category=cat)[:50]
    return render(request, "egov_service_catalog/mobile/catalog.html", {
        "tree": selectors.category_tree(only_with_published=True), "items": items, "q": q, "category": cat,
        "tab": "home",
    })


@login_required
def m_item(request, pk):
    item = selectors.item_for_portal(request.user, pk)
    if item is None:
        raise Http404(_("服务不存在或未发布。"))
    return render(request, "egov_service_catalog/mobile/item.html", {
        "item": item, "specs": item.specs.filter(is_active=True).order_by("sort"), "tab": "home"})


@login_required
def m_requests(request):
    reqs = list(selectors.my_requests(request.user, limit=50))
    for r in reqs:
        r.stages = selectors.progress(r)
        r.percent = selectors.progress_percent(r.stages)
    return render(request, "egov_service_catalog/mobile/requests.html", {"reqs": reqs, "tab": "me"})


@login_required
def m_request_detail(request, pk):
    req = _my_request(request.user, pk)
    from .staff import request_context

    ctx = request_context(request, req)
    ctx.update(tab="me", is_applicant=req.applicant_id == request.user.pk)
    return render(request, "egov_service_catalog/mobile/request_detail.html", ctx)
