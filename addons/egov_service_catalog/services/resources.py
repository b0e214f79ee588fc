"""资源管理 writes: pools fed by a platform's HTTP API (through egov_base's IntegrationClient), pools maintained
by hand, capacity thresholds with warnings (notify), daily snapshots.

Provider payload (``GET <external system base_url><pool.endpoint>``, ``Authorization: Bearer <token>``)::

    {"platform": "...", "collected_at": "2026-11-25T10:00:00+08:00",
     "metrics": [{"code": "vcpu", "name": "vCPU", "unit": "核", "total": 20000, "used": 15320}, ...],
     "devices": [{"code": "HCS-CN-01", "name": "计算节点01", "type": "计算节点", "model": "...", "spec": "...",
                  "position": "A区3排", "status": "running"}, ...],                          # optional
     "tenants": [{"org_code": "CD-WJW", "usage": {"vcpu": 1200, "memory": 4800}}, ...]}      # optional
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from egov_base.audit.services import record_event

from ..models import CapacitySnapshot, CapacityWarning, PoolAllocation, PoolDevice, PoolMetric, ResourcePool
from ..models.resources import Level

log = logging.getLogger(__name__)

WARNING_EVENT = "service_catalog.capacity_warning"
WARNING_ROLES = ("dept_head", "ops_engineer")
MAX_DEVICES = 5000


class PayloadError(ValueError):
    """The provider answered, but with data we cannot use (nothing is written)."""


@dataclass
class SyncResult:
    pool: ResourcePool
    ok: bool
    error: str = ""
    metrics: int = 0
    devices: int = 0
    tenants: int = 0
    unknown_orgs: list[str] = field(default_factory=list)


def api_token(system: str) -> str:
    """The bearer token for a platform's capacity API: ``SC_POOL_TOKEN_<SYSTEM>`` or ``SC_CAPACITY_API_TOKEN``
    (settings, environment or egov.conf). Never stored in the database."""
    from egov import config

    key = f"SC_POOL_TOKEN_{system.upper().replace('-', '_')}"
    return (getattr(settings, key, None) or config.get(key) or getattr(settings, "SC_CAPACITY_API_TOKEN", None)
            or config.get("SC_CAPACITY_API_TOKEN") or "")


# --- thresholds --------------------------------------------------------------------------------------------

def level_for(metric: PoolMetric) -> str:
    if not metric.total:
        return Level.UNKNOWN
    pct = Decimal(metric.used) * 100 / Decimal(metric.total)
    if pct >= metric.critical_percent:
        return Level.CRITICAL
    if pct >= metric.warn_percent:
        return Level.WARNING
    return Level.NORMAL


def _recipients(pool: ResourcePool):
    from egov_base.org.models import User

    return list(User.objects.filter(is_active=True, groups__role__code__in=WARNING_ROLES).distinct())


def metric_evaluate(*, metric: PoolMetric, now=None) -> CapacityWarning | None:
    """Set the metric's level from its thresholds; open/resolve a CapacityWarning and notify on a rise.
    Idempotent: the same level twice opens nothing new and sends nothing."""
    from egov_base.notify.services import notify

    now = now or timezone.now()
    new = level_for(metric)
    old = metric.level
    if new != old:
        PoolMetric.objects.filter(pk=metric.pk).update(level=new)
        metric.level = new
    open_w = CapacityWarning.objects.select_for_update().filter(metric=metric, resolved_at__isnull=True).first()
    opened = None
    if new in (Level.WARNING, Level.CRITICAL):
        if open_w is None or open_w.level != new:
            if open_w is not None:
                open_w.resolved_at = now
                open_w.save(update_fields=["resolved_at"])
            pct = Decimal(str(metric.percent))
            msg = gettext("%(pool)s %(metric)s 使用率 %(pct)s%%，超过%(level)s阈值 %(th)s%%") % {
                "pool": metric.pool.name, "metric": metric.name, "pct": pct,
                "level": Level(new).label,
                "th": metric.critical_percent if new == Level.CRITICAL else metric.warn_percent,
            }
            opened = CapacityWarning.objects.create(metric=metric, level=new, percent=pct, message=msg)
            notify(_recipients(metric.pool), WARNING_EVENT,
                   {"pool": metric.pool.name, "metric": metric.name, "percent": pct, "level": Level(new).label,
                    "used": metric.used, "total": metric.total, "unit": metric.unit},
                   obj=metric.pool, urgent=new == Level.CRITICAL, key=f"sc-capacity:{opened.pk}")
    elif open_w is not None:
        open_w.resolved_at = now
        open_w.save(update_fields=["resolved_at"])
    _pool_level(metric.pool)
    return opened


def _pool_level(pool: ResourcePool) -> None:
    levels = set(pool.metrics.values_list("level", flat=True))
    level = Level.UNKNOWN
    for candidate in (Level.CRITICAL, Level.WARNING, Level.NORMAL):
        if candidate in levels:
            level = candidate
            break
    if pool.level != level:
        ResourcePool.objects.filter(pk=pool.pk).update(level=level)
        pool.level = level


def _snapshot(metric: PoolMetric, now) -> None:
    CapacitySnapshot.objects.update_or_create(
        metric=metric, day=timezone.localdate(now), defaults={"total": metric.total, "used": metric.used}
    )


# --- manual maintenance --------------------------------------------------------------------------------------

def _dec(value, label) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(gettext("%(label)s 必须是数字。") % {"label": label}) from None
    if d < 0 or not d.is_finite():
        raise ValidationError(gettext("%(label)s 不能为负数。") % {"label": label})
    return d.quantize(Decimal("0.01"))


def metric_validate(metric: PoolMetric) -> None:
    errors = {}
    if metric.total is not None and metric.used is not None and metric.used > metric.total:
        errors["used"] = gettext("已用量不能大于总量。")
    if metric.warn_percent is not None and metric.critical_percent is not None:
        if not (0 < metric.warn_percent <= metric.critical_percent <= 100):
            errors["critical_percent"] = gettext("阈值须满足 0 < 预警阈值 ≤ 告急阈值 ≤ 100。")
    if errors:
        raise ValidationError(errors)


def metric_save(*, user, metric: PoolMetric) -> PoolMetric:
    """Create or update one metric of a hand-maintained pool (entry form), then evaluate thresholds."""
    metric_validate(metric)
    with transaction.atomic():
        if metric.pk:
            PoolMetric.objects.select_for_update().filter(pk=metric.pk).first()
        metric.save()
        _snapshot(metric, timezone.now())
        metric_evaluate(metric=metric)
    return metric


def metric_create_service(*, user, form):
    """generic views hook (PoolMetric create)."""
    return metric_save(user=user, metric=form.save(commit=False))


def metric_update_service(*, user, obj, form):
    metric = form.save(commit=False)
    return metric_save(user=user, metric=metric)


def allocation_set(*, user, metric: PoolMetric, organization, amount, note="") -> PoolAllocation:
    """Record (upsert) how much of ``metric`` a department uses; the metric's used value is not touched."""
    amount = _dec(amount, gettext("使用量"))
    with transaction.atomic():
        alloc, _created = PoolAllocation.objects.update_or_create(
            metric=metric, organization=organization, defaults={"amount": amount, "note": note}
        )
    return alloc


# --- interface sync ------------------------------------------------------------------------------------------

def _parse(payload) -> dict:
    if not isinstance(payload, dict):
        raise PayloadError(gettext("接口返回的不是 JSON 对象。"))
    metrics = payload.get("metrics")
    if not isinstance(metrics, list) or not metrics:
        raise PayloadError(gettext("接口返回缺少容量指标 metrics。"))
    out = {"metrics": [], "devices": [], "tenants": []}
    seen = set()
    for i, m in enumerate(metrics, 1):
        if not isinstance(m, dict) or not str(m.get("code") or "").strip():
            raise PayloadError(gettext("第 %(i)s 个容量指标缺少编码。") % {"i": i})
        code = str(m["code"]).strip()[:32]
        if code in seen:
            raise PayloadError(gettext("容量指标编码重复：%(code)s") % {"code": code})
        seen.add(code)
        try:
            total = _dec(m.get("total"), f"{code}.total")
            used = _dec(m.get("used"), f"{code}.used")
        except ValidationError as exc:
            raise PayloadError(" ".join(exc.messages)) from None
        if used > total:
            raise PayloadError(gettext("容量指标 %(code)s 的已用量大于总量。") % {"code": code})
        out["metrics"].append({"code": code, "name": str(m.get("name") or code)[:64], "unit": str(m.get("unit") or "")[:16],
                               "total": total, "used": used})
    devices = payload.get("devices") or []
    if not isinstance(devices, list) or len(devices) > MAX_DEVICES:
        raise PayloadError(gettext("设备清单 devices 格式错误或超过上限。"))
    statuses = set(PoolDevice.Status.values)
    for d in devices:
        if not isinstance(d, dict) or not str(d.get("code") or "").strip():
            raise PayloadError(gettext("设备清单中有设备缺少编号。"))
        status = str(d.get("status") or "running")
        out["devices"].append({
            "code": str(d["code"]).strip()[:64], "name": str(d.get("name") or d["code"])[:128],
            "device_type": str(d.get("type") or "")[:64], "model_name": str(d.get("model") or "")[:128],
            "spec": str(d.get("spec") or "")[:255], "position": str(d.get("position") or "")[:128],
            "status": status if status in statuses else PoolDevice.Status.FAULT,
        })
    tenants = payload.get("tenants") or []
    if not isinstance(tenants, list):
        raise PayloadError(gettext("租户用量 tenants 格式错误。"))
    for t in tenants:
        if not isinstance(t, dict) or not t.get("org_code") or not isinstance(t.get("usage"), dict):
            raise PayloadError(gettext("租户用量中有记录缺少单位编码或用量。"))
        usage = {}
        for k, v in t["usage"].items():
            try:
                usage[str(k)] = _dec(v, str(k))
            except ValidationError as exc:
                raise PayloadError(" ".join(exc.messages)) from None
        out["tenants"].append({"org_code": str(t["org_code"]), "usage": usage})
    return out


def _fail(pool: ResourcePool, message: str) -> SyncResult:
    ResourcePool.objects.filter(pk=pool.pk).update(
        sync_status=ResourcePool.SyncStatus.FAILED, last_sync_error=message[:500]
    )
    pool.sync_status, pool.last_sync_error = ResourcePool.SyncStatus.FAILED, message[:500]
    record_event(action="api_call", obj=pool, message=gettext("资源池采集失败：%(m)s") % {"m": message[:200]},
                 data={"ok": False})
    return SyncResult(pool=pool, ok=False, error=message)


def pool_sync(*, pool: ResourcePool, client=None) -> SyncResult:
    """Read the pool's capacity from its platform API and apply it in one transaction. Errors (timeout,
    HTTP error, circuit open, bad payload) leave the pool's data untouched and mark the pool failed."""
    from egov_base.integration.client import IntegrationClient
    from egov_base.integration.exceptions import IntegrationError

    if pool.source != ResourcePool.Source.INTERFACE or not pool.external_system or not pool.endpoint:
        return SyncResult(pool=pool, ok=False, error=gettext("该资源池不是数据接口采集。"))
    client = client or IntegrationClient(pool.external_system)
    token = api_token(pool.external_system)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        resp = client.get(pool.endpoint, headers=headers)
    except IntegrationError as exc:
        return _fail(pool, str(exc) or exc.__class__.__name__)
    try:
        data = _parse(resp.json())
    except ValueError as exc:  # JSONDecodeError is a ValueError; PayloadError too
        msg = str(exc) if isinstance(exc, PayloadError) else gettext("接口返回的不是有效的 JSON。")
        return _fail(pool, gettext("接口数据无效：%(m)s") % {"m": msg})
    return _apply(pool, data)


def _apply(pool: ResourcePool, data: dict) -> SyncResult:
    from egov_base.org.models import Organization

    now = timezone.now()
    result = SyncResult(pool=pool, ok=True)
    with transaction.atomic():
        pool = ResourcePool.objects.select_for_update().get(pk=pool.pk)
        result.pool = pool
        metrics = {m.code: m for m in pool.metrics.all()}
        for sort, m in enumerate(data["metrics"]):
            metric = metrics.get(m["code"])
            if metric is None:
                metric = PoolMetric(pool=pool, code=m["code"], name=m["name"], unit=m["unit"], sort=sort)
                metrics[m["code"]] = metric
            metric.total, metric.used = m["total"], m["used"]
            if m["unit"] and not metric.unit:
                metric.unit = m["unit"]
            metric.save()
            _snapshot(metric, now)
            metric_evaluate(metric=metric, now=now)
        result.metrics = len(data["metrics"])

        if data["devices"]:
            existing = {d.code: d for d in pool.devices.all()}
            seen = set()
            for d in data["devices"]:
                seen.add(d["code"])
                dev = existing.get(d["code"]) or PoolDevice(pool=pool, code=d["code"])
                changed = dev.pk is None or any(getattr(dev, k) != v for k, v in d.items() if k != "code")
                if changed or not dev.synced:
                    for k, v in d.items():
                        setattr(dev, k, v)
                    dev.synced = True
                    dev.save()
            gone = [d.pk for code, d in existing.items() if d.synced and code not in seen
                    and d.status != PoolDevice.Status.OFFLINE]
            if gone:
                PoolDevice.objects.filter(pk__in=gone).update(status=PoolDevice.Status.OFFLINE, updated_at=now)
            result.devices = len(data["devices"])

        if data["tenants"]:
            codes = {t["org_code"] for t in data["tenants"]}
            orgs = {o.code: o for o in Organization.objects.filter(code__in=codes)}
            keep: dict[int, set[int]] = {}
            for t in data["tenants"]:
                org = orgs.get(t["org_code"])
                if org is None:
                    result.unknown_orgs.append(t["org_code"])
                    continue
                for code, amount in t["usage"].items():
                    metric = metrics.get(code)
                    if metric is None:
                        continue
                    PoolAllocation.objects.update_or_create(metric=metric, organization=org,
                                                            defaults={"amount": amount})
                    keep.setdefault(metric.pk, set()).add(org.pk)
            for metric_id, org_ids in keep.items():
                PoolAllocation.objects.filter(metric_id=metric_id).exclude(organization_id__in=org_ids).delete()
            result.tenants = len(data["tenants"]) - len(result.unknown_orgs)

        pool.sync_status = ResourcePool.SyncStatus.OK
        pool.last_synced_at = now
        pool.last_sync_error = ""
        if result.unknown_orgs:
            pool.last_sync_error = (gettext("未识别的单位编码：") + "、".join(sorted(set(result.unknown_orgs))))[:500]
        pool.save(update_fields=["sync_status", "last_synced_at", "last_sync_error", "updated_at", "updated_by"])
        _pool_level(pool)
    return result


def pools_sync_all() -> list[SyncResult]:
    """The periodic job: every active interface pool, one after another; a failing pool never stops the rest."""
    results = []
    for pool in ResourcePool.objects.filter(is_active=True, source=ResourcePool.Source.INTERFACE).order_by("pk"):
        try:
            results.append(pool_sync(pool=pool))
        except Exception as exc:  # noqa: BLE001 - one broken pool must not stop the job
            log.exception("pool sync crashed: %s", pool.code)
            results.append(_fail(pool, str(exc)[:300]))
    return results
