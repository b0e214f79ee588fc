"""Audit screens (系统管理 > 日志管理): list with filters, detail with field diffs, statistics, chain verification.
Read-only: audit entries are never edited or deleted. Permission: egov_base.view_auditentry."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .models import AuditEntry
from .presentation import entry_changes
from .selectors import audit_chain_verify, audit_entry_list, audit_statistics
from .services import record_event

PERM = "egov_base.view_auditentry"


def _parse_filters(request):
    get = request.GET
    errors = []
    filters = {k: get.get(k, "").strip() for k in ("actor", "action", "model", "object_id", "ip", "q")}
    tz = timezone.get_current_timezone()
    for key, end in (("since", False), ("until", True)):
        raw = get.get(key, "").strip()
        if not raw:
            continue
        day = parse_date(raw)
        if day is None:
            errors.append(_("日期格式应为 年-月-日，例如 2026-01-31。"))
            continue
        moment = datetime.combine(day, time.min).replace(tzinfo=tz)
        filters[key] = moment + timedelta(days=1) if end else moment
    if filters.get("ip"):
        import ipaddress

        try:
            ipaddress.ip_address(filters["ip"])
        except ValueError:
            errors.append(_("IP 地址格式不正确。"))
            filters["ip"] = ""
    if filters.get("actor") and not filters["actor"].isdigit():
        pass
    return filters, errors


@login_required
@permission_required(PERM, raise_exception=True)
@require_GET
def audit_list(request):
    filters, errors = _parse_filters(request)
    qs = audit_entry_list(filters=filters)
    page = Paginator(qs, 50, allow_empty_first_page=True).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "page_obj": page,
        "entries": page.object_list,
        "errors": errors,
        "f": {k: request.GET.get(k, "") for k in ("since", "until", "actor", "action", "model", "object_id", "ip", "q")},
        "actions": AuditEntry.Action.choices,
        "models": ContentType.objects.filter(app_label__startswith="egov").order_by("app_label", "model"),
        "query": query.urlencode(),
    }
    template = "egov_base/audit/partials/entry_rows.html" if getattr(request, "htmx", False) else "egov_base/audit/list.html"
    return render(request, template, ctx)


@login_required
@permission_required(PERM, raise_exception=True)
@require_GET
def audit_detail(request, pk):
    entry = get_object_or_404(AuditEntry.objects.select_related("content_type", "actor"), pk=pk)
    return render(request, "egov_base/audit/detail.html", {"entry": entry, "changes": entry_changes(entry)})


@login_required
@permission_required(PERM, raise_exception=True)
@require_GET
def audit_stats(request):
    try:
        days = max(1, min(int(request.GET.get("days", 30)), 366))
    except ValueError:
        days = 30
    stats = audit_statistics(days=days)
    chart = {
        "by_day": stats["by_day"],
        "by_action": [{"name": r["label"], "value": r["n"]} for r in stats["by_action"]],
    }
    return render(request, "egov_base/audit/stats.html", {"stats": stats, "chart": chart, "days": days})


@login_required
@permission_required(PERM, raise_exception=True)
@require_http_methods(["GET", "POST"])
def audit_verify(request):
    result = None
    if request.method == "POST":
        result = audit_chain_verify()
        record_event(action="other", model=AuditEntry, message=_("校验审计日志哈希链"),
                     data={"ok": result.ok, "checked": result.checked, "broken_id": result.broken_id})
    return render(request, "egov_base/audit/verify.html", {"result": result})
