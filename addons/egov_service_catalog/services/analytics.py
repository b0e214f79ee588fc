"""Reads for the management portal (管理单位工作门户), the department portal (使用单位工作门户) and analytics
(scored demo 6). Every function scopes by the user and caches its aggregates in Redis for a short time, so a
dashboard hit reads a few cached rows instead of scanning the request table.

Pool types map to catalog service types for the request statistics (``POOL_SERVICE_TYPES``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from egov_base.scope import scope_queryset, user_scope

from ..models import (
    BillLine,
    PoolAllocation,
    PoolMetric,
    ProviderBill,
    ResourcePool,
    ServiceItem,
    ServiceReport,
    ServiceRequest,
    Subscription,
)
from ..models.resources import PoolType

CACHE_SECONDS = 120
POOL_SERVICE_TYPES = {
    PoolType.ROOM: ["hosting"],
    PoolType.NETWORK: ["network"],
    PoolType.CLOUD: ["cloud"],
    PoolType.STORAGE: ["dr"],
    PoolType.SUPPORT: ["identity", "data", "capability", "sms", "mail"],
}
DONE_STATES = (ServiceRequest.State.DELIVERED, ServiceRequest.State.CLOSED)
APPROVED_STATES = (ServiceRequest.State.IN_PROGRESS, ServiceRequest.State.DELIVERED, ServiceRequest.State.CLOSED)


def _scope_key(user) -> str:
    scope = user_scope(user)
    if scope == "all":
        return "all"
    if scope == "city":
        return "city"
    org = getattr(user, "organization", None)
    if scope == "district" and org is not None and org.district_id:
        return f"d{org.district_id}"
    if scope in ("org", "district"):
        return f"o{getattr(org, 'path', '')}"
    return f"u{user.pk}"


def _cached(name: str, user, params: dict, fn):
    raw = json.dumps(params, sort_keys=True, default=str)
    from django.utils.translation import get_language

    # labels inside the aggregates are translated: one entry per language
    key = f"sc:{name}:{get_language() or 'zh-hans'}:{_scope_key(user)}:{hashlib.md5(raw.encode()).hexdigest()}"  # noqa: S324
    value = cache.get(key)
    if value is None:
        value = fn()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _num(v) -> float:
    if v is None:
        return 0.0
    if isinstance(v, dt.timedelta):
        return round(v.total_seconds() / 3600, 1)
    return round(float(v), 2) if isinstance(v, Decimal | float) else v


def _cycle():
    return ExpressionWrapper(F("delivered_at") - F("submitted_at"), output_field=DurationField())


def _sla():
    return ExpressionWrapper(F("item__sla_hours") * Value(dt.timedelta(hours=1)), output_field=DurationField())


def requests_in_scope(user):
    return scope_queryset(ServiceRequest.objects.all(), user)


# --- management portal -----------------------------------------------------------------------------------------

def pool_panels(*, user) -> list[dict]:
    """One panel per pool type: capacity totals per metric, usage by department (top 8), request counts,
    average cycle time and SLA achievement over the last 90 days."""

    def build():
        since = timezone.now() - dt.timedelta(days=90)
        pools = list(ResourcePool.objects.filter(is_active=True).order_by("pool_type", "sort", "code"))
        metrics = list(PoolMetric.objects.filter(pool__in=pools).select_related("pool").order_by("pool", "sort"))
        allocs = (PoolAllocation.objects.filter(metric__pool__in=pools)
                  .values("metric__pool__pool_type", "metric__code", "metric__name", "metric__unit",
                          "organization__name")
                  .annotate(amount=Sum("amount")).order_by("-amount"))
        reqs = requests_in_scope(user).filter(submitted_at__gte=since)
        by_type = {r["item__service_type"]: r for r in reqs.values("item__service_type").annotate(
            total=Count("id"),
            done=Count("id", filter=Q(state__in=DONE_STATES)),
            open=Count("id", filter=Q(state__in=(ServiceRequest.State.SUBMITTED, ServiceRequest.State.IN_PROGRESS))),
            overdue=Count("id", filter=Q(overdue=True)),
            cycle=Avg(_cycle(), filter=Q(delivered_at__isnull=False)),
            in_sla=Count("id", filter=Q(delivered_at__isnull=False, item__sla_hours__isnull=False,
                                       delivered_at__lte=F("submitted_at") + _sla())),
            with_sla=Count("id", filter=Q(delivered_at__isnull=False, item__sla_hours__isnull=False)),
        )}
        subs = {r["item__service_type"]: r["n"] for r in scope_queryset(Subscription.objects.all(), user)
                .filter(state=Subscription.State.RUNNING).values("item__service_type").annotate(n=Count("id"))}
        panels = []
        for ptype in PoolType:
            p_pools = [p for p in pools if p.pool_type == ptype]
            p_metrics = [m for m in metrics if m.pool.pool_type == ptype]
            agg: dict[str, dict] = {}
            for m in p_metrics:
                a = agg.setdefault(m.code, {"code": m.code, "name": m.name, "unit": m.unit, "total": 0.0, "used": 0.0,
                                            "level": "normal"})
                a["total"] += float(m.total)
                a["used"] += float(m.used)
                if m.level in ("warning", "critical") and a["level"] != "critical":
                    a["level"] = m.level
            for a in agg.values():
                a["percent"] = round(a["used"] * 100 / a["total"], 1) if a["total"] else 0.0
                a["total"], a["used"] = round(a["total"], 2), round(a["used"], 2)
            first_metric = p_metrics[0].code if p_metrics else None
            by_dept = [
                {"name": r["organization__name"], "value": _num(r["amount"])}
                for r in allocs if r["metric__pool__pool_type"] == ptype and r["metric__code"] == first_metric
            ][:8]
            stypes = POOL_SERVICE_TYPES[ptype]
            rq = [by_type[s] for s in stypes if s in by_type]
            total = sum(r["total"] for r in rq)
            with_sla = sum(r["with_sla"] for r in rq)
            cycles = [(r["cycle"], r["done"]) for r in rq if r["cycle"] is not None]
            weight = sum(n for _c, n in cycles) or 0
            cycle_h = round(sum(_num(c) * n for c, n in cycles) / weight, 1) if weight else None
            levels = {a["level"] for a in agg.values()}
            panels.append({
                "type": ptype.value, "label": str(ptype.label),
                "level": "critical" if "critical" in levels else "warning" if "warning" in levels else "normal",
                "pools": [
                    {"code": p.code, "name": p.name, "level": p.level, "source": p.source,
                     "sync_status": p.sync_status, "last_synced_at": p.last_synced_at} for p in p_pools],
                "metrics": list(agg.values()),
                "by_dept": by_dept,
                "by_dept_metric": next((f"{m.name}({m.unit})" for m in p_metrics if m.code == first_metric), ""),
                "by_type": [{"name": str(ServiceItem.ServiceType(s).label), "value": subs.get(s, 0)} for s in stypes],
                "requests": total, "done": sum(r["done"] for r in rq), "open": sum(r["open"] for r in rq),
                "overdue": sum(r["overdue"] for r in rq), "cycle_hours": cycle_h,
                "sla_rate": round(sum(r["in_sla"] for r in rq) * 100 / with_sla, 1) if with_sla else None,
            })
        return panels

    return _cached("panels", user, {}, build)


# --- department portal -----------------------------------------------------------------------------------------

def department_overview(*, user) -> dict:
    """使用单位工作门户: the user's organisation(s) usage, requests and bills (always scoped)."""

    def build():
        reqs = requests_in_scope(user)
        states = dict(reqs.values_list("state").annotate(n=Count("id")).order_by())
        subs = scope_queryset(Subscription.objects.all(), user).filter(state=Subscription.State.RUNNING)
        by_type = list(subs.values("item__service_type").annotate(n=Count("id"), q=Sum("quantity"))
                       .order_by("-n"))
        allocs = list(scope_queryset(PoolAllocation.objects.all(), user)
                      .values("metric__pool__name", "metric__name", "metric__unit")
                      .annotate(amount=Sum("amount")).order_by("metric__pool__name", "metric__name"))
        lines = scope_queryset(BillLine.objects.all(), user).filter(
            bill__status__in=(ProviderBill.Status.RECONCILED, ProviderBill.Status.CONFIRMED,
                              ProviderBill.Status.DISPUTED))
        bills = list(lines.values("bill__period", "bill__item__name")
                     .annotate(amount=Sum("expected_amount"), billed=Sum("billed_amount"))
                     .order_by("-bill__period", "bill__item__name")[:24])
        rated = reqs.filter(rating__isnull=False).aggregate(avg=Avg("rating"), n=Count("id"))
        return {
            "states": {k: states.get(k, 0) for k in ServiceRequest.State.values},
            "open": sum(states.get(s, 0) for s in ("submitted", "in_progress", "returned", "delivered")),
            "total": sum(states.values()),
            "subs_by_type": [{"name": str(ServiceItem.ServiceType(r["item__service_type"]).label), "value": r["n"],
                              "quantity": r["q"] or 0} for r in by_type],
            "subs_total": sum(r["n"] for r in by_type),
            "allocations": [{"pool": r["metric__pool__name"], "metric": r["metric__name"], "unit": r["metric__unit"],
                             "amount": _num(r["amount"])} for r in allocs],
            "bills": [{"period": r["bill__period"], "item": r["bill__item__name"], "amount": _num(r["amount"]),
                       "billed": _num(r["billed"])} for r in bills],
            "rating": round(float(rated["avg"]), 2) if rated["avg"] else None, "rated": rated["n"],
        }

    return _cached("dept", user, {}, build)


def department_reports(*, user, limit=12):
    return scope_queryset(ServiceReport.objects.select_related("organization"), user)[:limit]


# --- analytics (scored demo 6) --------------------------------------------------------------------------------

def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The previous period of the same length (for 环比 comparison)."""
    days = (end - start).days + 1
    prev_end = start - dt.timedelta(days=1)
    return prev_end - dt.timedelta(days=days - 1), prev_end


def _window(qs, start, end):
    tz = timezone.get_current_timezone()
    s = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    e = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return qs.filter(submitted_at__gte=s, submitted_at__lt=e)


def _metrics(qs, group: str):
    rows = qs.values(group).annotate(
        applications=Count("id"),
        approvals=Count("id", filter=Q(state__in=APPROVED_STATES)),
        done=Count("id", filter=Q(state__in=DONE_STATES)),
        cycle=Avg(_cycle(), filter=Q(delivered_at__isnull=False)),
        satisfaction=Avg("rating"),
    ).order_by("-applications")
    return [{"key": r[group], "applications": r["applications"], "approvals": r["approvals"], "done": r["done"],
             "cycle_hours": _num(r["cycle"]) if r["cycle"] is not None else None,
             "satisfaction": round(float(r["satisfaction"]), 2) if r["satisfaction"] is not None else None}
            for r in rows]


def analytics(*, user, start: dt.date, end: dt.date, service_type: str = "", organization_id: int | None = None,
              top: int = 15) -> dict:
    params = {"s": start, "e": end, "t": service_type, "o": organization_id, "top": top}

    def build():
        base = requests_in_scope(user)
        if service_type:
            base = base.filter(item__service_type=service_type)
        if organization_id:
            base = base.filter(organization_id=organization_id)
        cur = _window(base, start, end)
        p_start, p_end = period_bounds(start, end)
        prev = _window(base, p_start, p_end)

        def totals(qs):
            t = qs.aggregate(applications=Count("id"), approvals=Count("id", filter=Q(state__in=APPROVED_STATES)),
                             done=Count("id", filter=Q(state__in=DONE_STATES)),
                             cycle=Avg(_cycle(), filter=Q(delivered_at__isnull=False)), satisfaction=Avg("rating"))
            return {"applications": t["applications"], "approvals": t["approvals"], "done": t["done"],
                    "cycle_hours": _num(t["cycle"]) if t["cycle"] is not None else None,
                    "satisfaction": round(float(t["satisfaction"]), 2) if t["satisfaction"] is not None else None}

        by_dept = _metrics(cur, "organization__name")[:top]
        prev_dept = {r["key"]: r for r in _metrics(prev.filter(organization__name__in=[r["key"] for r in by_dept]),
                                                   "organization__name")}
        for r in by_dept:
            r["prev_applications"] = prev_dept.get(r["key"], {}).get("applications", 0)
        by_type = _metrics(cur, "item__service_type")
        labels = dict(ServiceItem.ServiceType.choices)
        for r in by_type:
            r["label"] = str(labels.get(r["key"], r["key"]))
        prev_type = {r["key"]: r["applications"] for r in _metrics(prev, "item__service_type")}
        for r in by_type:
            r["prev_applications"] = prev_type.get(r["key"], 0)
        by_item = _metrics(cur, "item__name")[:top]
        subs = scope_queryset(Subscription.objects.all(), user).filter(state=Subscription.State.RUNNING)
        if service_type:
            subs = subs.filter(item__service_type=service_type)
        if organization_id:
            subs = subs.filter(organization_id=organization_id)
        in_use = [{"key": r["item__service_type"], "label": str(labels.get(r["item__service_type"], "")),
                   "count": r["n"], "quantity": r["q"] or 0}
                  for r in subs.values("item__service_type").annotate(n=Count("id"), q=Sum("quantity")).order_by("-n")]
        in_use_dept = [{"key": r["organization__name"], "count": r["n"]}
                       for r in subs.values("organization__name").annotate(n=Count("id")).order_by("-n")[:top]]
        trunc = TruncDate("submitted_at") if (end - start).days <= 62 else TruncWeek("submitted_at")
        trend = list(cur.annotate(day=trunc).values("day").annotate(n=Count("id")).order_by("day"))
        return {
            "start": start, "end": end, "prev_start": p_start, "prev_end": p_end,
            "totals": totals(cur), "prev_totals": totals(prev),
            "by_dept": by_dept, "by_type": by_type, "by_item": by_item,
            "in_use": in_use, "in_use_dept": in_use_dept,
            "trend": [{"day": r["day"], "n": r["n"]} for r in trend],
        }

    return _cached("analytics", user, params, build)


def change_percent(cur, prev) -> float | None:
    if cur is None or prev in (None, 0):
        return None
    return round((cur - prev) * 100 / prev, 1)
