"""Read queries of the integration area (接口管理 statistics)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from ..scope import scope_queryset
from .breaker import CircuitBreaker
from .models import ExternalSystem, IntegrationCall


def call_list(*, user, system: str = "", ok: str = "", since=None, until=None, q: str = ""):
    qs = scope_queryset(IntegrationCall.objects.all(), user)
    if system:
        qs = qs.filter(system=system)
    if ok in ("1", "true", "yes"):
        qs = qs.filter(ok=True)
    elif ok in ("0", "false", "no"):
        qs = qs.filter(ok=False)
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lt=until)
    if q:
        qs = qs.filter(url__icontains=q) | qs.filter(request_id=q)
    return qs.order_by("-created_at", "-id")


def call_stats(*, since=None, system: str = "") -> list[dict]:
    """Per system: count, failures, error rate (%), p50/p95/max latency (ms) — one grouped query."""
    since = since or timezone.now() - timedelta(days=1)
    sql = f"""
        SELECT system, count(*), sum(CASE WHEN ok THEN 0 ELSE 1 END),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms),
               percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms),
               max(latency_ms)
          FROM {IntegrationCall._meta.db_table}
         WHERE created_at >= %s {"AND system = %s" if system else ""}
         GROUP BY system ORDER BY system"""
    params = [since] + ([system] if system else [])
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    out = []
    for code, count, failed, p50, p95, mx in rows:
        out.append({
            "system": code, "count": count, "failed": failed or 0,
            "error_rate": round(100.0 * (failed or 0) / count, 2) if count else 0.0,
            "p50": int(round(p50 or 0)), "p95": int(round(p95 or 0)), "max": mx or 0,
        })
    return out


def system_list(*, user):
    return scope_queryset(ExternalSystem.objects.all(), user).order_by("code")


def breaker_states(systems) -> dict[str, dict]:
    return {
        s.code: CircuitBreaker(s.code, failure_threshold=s.failure_threshold, cooldown=s.cooldown_seconds).info()
        for s in systems
    }
