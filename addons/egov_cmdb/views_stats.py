"""配置项统计 (CI overview): counts per class and category, online/offline, health, lifecycle, vendor
distribution, growth trend, relation counts, top organisations; every figure from the user's scoped queryset and
filtered by organisation (with its sub-units) and class. Excel export of the same figures.

The selector ``ci_statistics(*, user, organization=None, ci_class=None, months=12)`` is the read other screens
(cockpit) can reuse; it runs a fixed number of aggregate queries whatever the data size."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Count, Q, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from egov_base.audit.services import record_event
from egov_base.scope import allowed_organizations, scope_queryset

from .models import CI, CIClass, Relation, RelationType

PERM = "egov_cmdb.view_ci"
# Categories of the overview (物理资产 / 软件资产 / 业务系统 / 云资源 / 其他) by class code and its subclasses.
CATEGORY_ROOTS = {
    "physical": ("machine_room", "rack", "rack_unit", "device", "power_link"),
    "cloud": ("cluster", "compute"),
    "software": ("middleware", "database", "web_service"),
    "network": ("nic", "subnet", "vlan", "logical_volume"),
    "business": ("business_system",),
}
HARDWARE_ROOTS = ("device",)


def _category_labels() -> dict:
    return {"physical": _("物理资产"), "cloud": _("云资源"), "software": _("软件资产"), "network": _("网络与存储资源"),
            "business": _("业务系统"), "other": _("其他")}


def _months_back(today: date, months: int) -> date:
    y, m = today.year, today.month - (months - 1)
    while m <= 0:
        m += 12
        y -= 1
    return date(y, m, 1)


def ci_statistics(*, user, organization=None, ci_class=None, months: int = 12) -> dict:
    """Overview figures for ``user`` (scoped), optionally limited to an organisation subtree and a class subtree."""
    classes = {c.pk: c for c in CIClass.objects.all()}
    by_code = {c.code: c.pk for c in classes.values()}
    cis = scope_queryset(CI.objects.all(), user)
    rels = scope_queryset(Relation.objects.all(), user)
    if organization is not None:
        cis = cis.filter(organization__path__startswith=organization.path)
        rels = rels.filter(source__organization__path__startswith=organization.path)
    if ci_class is not None:
        ids = CIClass.descendant_ids_of([ci_class.pk])
        cis = cis.filter(ci_class_id__in=ids)
        rels = rels.filter(Q(source__ci_class_id__in=ids) | Q(target__ci_class_id__in=ids))

    # 1 query: per class × status (gives totals, per class, online/health)
    per_class_status = list(cis.values_list("ci_class_id", "status").annotate(n=Count("pk")))
    # 1 query: lifecycle
    lifecycle = dict(cis.values_list("lifecycle").annotate(n=Count("pk")).values_list("lifecycle", "n"))
    total = sum(n for _c, _s, n in per_class_status)
    per_class: dict[int, int] = {}
    status_counts = {s: 0 for s in CI.Status.values}
    for cls_id, status, n in per_class_status:
        per_class[cls_id] = per_class.get(cls_id, 0) + n
        status_counts[status] = status_counts.get(status, 0) + n

    cat_of: dict[int, str] = {}
    for key, roots in CATEGORY_ROOTS.items():
        for pk in CIClass.descendant_ids_of([by_code[c] for c in roots if c in by_code]):
            cat_of.setdefault(pk, key)
    labels = _category_labels()
    categories = {k: 0 for k in labels}
    for cls_id, n in per_class.items():
        categories[cat_of.get(cls_id, "other")] += n

    # 1 query: vendor distribution of hardware (attrs.vendor, else attrs.brand)
    hw_ids = CIClass.descendant_ids_of([by_code[c] for c in HARDWARE_ROOTS if c in by_code])
    vendor_rows = list(
        cis.filter(ci_class_id__in=hw_ids)
        .annotate(v=Coalesce(NullIf(KeyTextTransform("vendor", "attrs"), Value("")),
                             NullIf(KeyTextTransform("brand", "attrs"), Value("")), output_field=CharField()))
        .values_list("v").annotate(n=Count("pk")).order_by("-n")
    )
    vendors, other_n = [], 0
    for name, n in vendor_rows:
        if name and len(vendors) < 12:
            vendors.append({"name": name, "value": n})
        else:
            other_n += n
    if other_n:
        vendors.append({"name": _("其他/未填写"), "value": other_n})

    # 2 queries: growth (new per month in the window, and the count before it)
    today = timezone.localdate()
    start = _months_back(today, months)
    tz = timezone.get_current_timezone()
    start_dt = timezone.make_aware(timezone.datetime(start.year, start.month, 1), tz)
    monthly = dict(cis.filter(created_at__gte=start_dt).annotate(m=TruncMonth("created_at", tzinfo=tz))
                   .values_list("m").annotate(n=Count("pk")).values_list("m", "n"))
    base = cis.filter(created_at__lt=start_dt).count()
    growth, running = [], base
    y, m = start.year, start.month
    monthly_by_key = {(k.year, k.month): v for k, v in monthly.items()}
    for _i in range(months):
        added = monthly_by_key.get((y, m), 0)
        running += added
        growth.append({"month": f"{y}-{m:02d}", "label": _("%(y)s年%(m)s月") % {"y": y, "m": m}, "added": added,
                       "total": running})
        m += 1
        if m > 12:
            m, y = 1, y + 1

    # 2 queries: relations per type, and the top class-to-class links
    type_names = {t.pk: t for t in RelationType.objects.all()}
    rel_rows = list(rels.values_list("type_id").annotate(n=Count("pk")).order_by("-n"))
    relations = [{"name": type_names[t].label if t in type_names else str(t), "value": n,
                  "dependency": bool(type_names.get(t) and type_names[t].is_dependency)} for t, n in rel_rows]
    links = list(rels.values_list("source__ci_class_id", "type_id", "target__ci_class_id")
                 .annotate(n=Count("pk")).order_by("-n")[:15])
    top_links = [{"source": classes[s].label if s in classes else "", "type": type_names[t].label if t in type_names
                  else "", "target": classes[g].label if g in classes else "", "n": n} for s, t, g, n in links]

    # 1 query: top organisations
    org_rows = list(cis.values_list("organization__short_name", "organization__name").annotate(n=Count("pk"))
                    .order_by("-n")[:10])
    orgs = [{"name": short or name, "value": n} for short, name, n in org_rows]

    online = total - status_counts.get(CI.Status.OFFLINE, 0)
    class_rows = sorted(
        ({"id": pk, "name": classes[pk].label, "code": classes[pk].code, "icon": classes[pk].icon,
          "category": labels[cat_of.get(pk, "other")], "value": n} for pk, n in per_class.items() if pk in classes),
        key=lambda r: -r["value"],
    )
    return {
        "total": total,
        "relations_total": sum(r["value"] for r in relations),
        "online": online, "offline": status_counts.get(CI.Status.OFFLINE, 0),
        "online_rate": round(online * 100 / total, 1) if total else 0,
        "faulty": status_counts.get(CI.Status.FAULTY, 0), "warning": status_counts.get(CI.Status.WARNING, 0),
        "categories": [{"key": k, "name": labels[k], "value": v} for k, v in categories.items() if v or k != "other"],
        "classes": class_rows,
        "health": [{"key": s, "name": str(CI.Status(s).label), "value": status_counts.get(s, 0)}
                   for s in CI.Status.values],
        "online_split": [{"name": _("在线"), "value": online},
                         {"name": _("离线"), "value": status_counts.get(CI.Status.OFFLINE, 0)}],
        "lifecycle": [{"key": s, "name": str(CI.Lifecycle(s).label), "value": lifecycle.get(s, 0)}
                      for s in CI.Lifecycle.values],
        "vendors": vendors, "growth": growth, "relations": relations, "top_links": top_links, "orgs": orgs,
    }


def _cache_seconds() -> int:
    from django.conf import settings

    return int(getattr(settings, "CMDB_STATS_CACHE_SECONDS", 0 if getattr(settings, "TESTING", False) else 60))


def ci_statistics_cached(*, user, organization=None, ci_class=None, months: int = 12, refresh: bool = False):
    """``ci_statistics`` cached for ``CMDB_STATS_CACHE_SECONDS`` (default 60 s; 0 in tests) per data scope: the
    key holds the user's scope and what it depends on (organisation or district; the user for "own records"),
    the filters and the language. Returns ``(stats, computed_at)``."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    from egov_base.scope import user_scope

    seconds = _cache_seconds()
    if seconds <= 0:
        return ci_statistics(user=user, organization=organization, ci_class=ci_class, months=months), timezone.now()
    scope = user_scope(user)
    org = getattr(user, "organization", None)
    who = {"all": "", "city": "", "district": f"d{getattr(org, 'district_id', '')}o{getattr(org, 'pk', '')}",
           "org": f"o{getattr(org, 'pk', '')}"}.get(scope, f"u{user.pk}")
    key = (f"cmdb:stats:v1:{scope}:{who}:{organization.pk if organization else ''}:"
           f"{ci_class.pk if ci_class else ''}:{months}:{get_language()}")
    hit = None if refresh else cache.get(key)
    if hit is None:
        hit = (ci_statistics(user=user, organization=organization, ci_class=ci_class, months=months), timezone.now())
        cache.set(key, hit, seconds)
    return hit


def _filters(request):
    org = cls = None
    org_id = request.GET.get("organization") or ""
    if org_id.isdigit():
        org = allowed_organizations(request.user).filter(pk=int(org_id)).first()
    cls_id = request.GET.get("ci_class") or ""
    if cls_id.isdigit():
        cls = CIClass.objects.filter(pk=int(cls_id)).first()
    try:
        months = max(3, min(int(request.GET.get("months", 12)), 36))
    except ValueError:
        months = 12
    return org, cls, months


@login_required
@require_GET
def ci_stats(request):
    if not request.user.has_perm(PERM):
        raise PermissionDenied(_("您没有查看配置项的权限。"))
    org, cls, months = _filters(request)
    stats, computed_at = ci_statistics_cached(user=request.user, organization=org, ci_class=cls, months=months,
                                              refresh=request.GET.get("refresh") == "1")
    orgs = allowed_organizations(request.user).filter(is_active=True).order_by("path").only("pk", "name", "depth")
    query = request.GET.urlencode()
    return render(request, "egov_cmdb/stats/overview.html", {
        "stats": stats, "computed_at": computed_at, "chart": {**stats, "labels": {"added": _("新增"), "total": _("累计")}}, "organization": org, "ci_class": cls, "months": months,
        "organizations": orgs[:500], "classes": CIClass.objects.order_by("sort", "code"), "query": query,
        "breadcrumbs": [{"label": _("配置项统计"), "url": ""}],
    })


@login_required
@require_GET
def ci_stats_export(request):
    """The overview figures as an Excel workbook (one sheet per table); audited as an export."""
    from django.http import HttpResponse

    from egov_base.reports.excel import Column, ExcelReport, Sheet

    if not request.user.has_perm(PERM):
        raise PermissionDenied(_("您没有查看配置项的权限。"))
    org, cls, months = _filters(request)
    stats = ci_statistics(user=request.user, organization=org, ci_class=cls, months=months)

    class StatsExcel(ExcelReport):
        title = _("配置项统计")

        def sheets(self, params):
            yield Sheet(_("按类别"), [Column(_("类别"), 20), Column(_("大类"), 16), Column(_("数量"), 12, "int")],
                        ([r["name"], r["category"], r["value"]] for r in stats["classes"]))
            yield Sheet(_("运行状态"), [Column(_("状态"), 16), Column(_("数量"), 12, "int")],
                        ([r["name"], r["value"]] for r in stats["health"]))
            yield Sheet(_("生命周期"), [Column(_("阶段"), 16), Column(_("数量"), 12, "int")],
                        ([r["name"], r["value"]] for r in stats["lifecycle"]))
            yield Sheet(_("厂商分布"), [Column(_("厂商"), 30), Column(_("数量"), 12, "int")],
                        ([r["name"], r["value"]] for r in stats["vendors"]))
            yield Sheet(_("增长趋势"), [Column(_("月份"), 16), Column(_("新增"), 12, "int"),
                                       Column(_("累计"), 12, "int")],
                        ([r["label"], r["added"], r["total"]] for r in stats["growth"]))
            yield Sheet(_("关联关系"), [Column(_("关系类型"), 20), Column(_("数量"), 12, "int")],
                        ([r["name"], r["value"]] for r in stats["relations"]))

    data = StatsExcel(user=request.user).render({})
    record_event(action="export", model=CI, message=_("导出配置项统计"),
                 data={"organization": org.pk if org else None, "ci_class": cls.pk if cls else None})
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = "attachment; filename*=UTF-8''cmdb-stats.xlsx"
    return resp
