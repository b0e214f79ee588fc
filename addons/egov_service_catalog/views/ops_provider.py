"""Demo provider endpoint: the 政务云 cloud management platform's capacity API (what the pool job reads).

``GET /service-catalog/ops/provider/cloud-capacity/`` with ``Authorization: Bearer <SC_CAPACITY_API_TOKEN>``.
Answers realistic JSON: totals/used per metric of a Huawei Cloud Stack region, the compute/storage node list
with status, and per-department usage (tenants) derived from the running cloud subscriptions. Without a
configured token the endpoint is closed (503); a wrong token gets 401."""

from __future__ import annotations

import hashlib
import hmac
import math

from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from egov_base.audit.services import record_event

from ..models import Subscription

METRICS = [
    # code, name, unit, total, base used ratio
    ("vcpu", "vCPU", "核", 24576, 0.78),
    ("memory", "内存", "GB", 98304, 0.74),
    ("block_storage", "块存储", "TB", 3200, 0.66),
    ("object_storage", "对象存储", "TB", 1800, 0.52),
    ("eip", "弹性公网IP", "个", 2048, 0.61),
]


def _token() -> str:
    from egov import config

    return getattr(settings, "SC_CAPACITY_API_TOKEN", None) or config.get("SC_CAPACITY_API_TOKEN") or ""


def _wave(seed: str, hours: float) -> float:
    """A smooth, deterministic daily variation in [-1, 1] (so successive reads look like a live platform)."""
    phase = int(hashlib.sha1(seed.encode()).hexdigest()[:6], 16) % 360  # noqa: S324 - not security relevant
    return math.sin(math.radians(phase) + hours * math.pi / 12)


def capacity_payload(now=None) -> dict:
    now = timezone.localtime(now or timezone.now())
    hours = now.hour + now.minute / 60
    metrics = []
    for code, name, unit, total, ratio in METRICS:
        used = round(total * min(0.97, ratio + 0.02 * _wave(code, hours)), 0 if unit in ("核", "个") else 1)
        metrics.append({"code": code, "name": name, "unit": unit, "total": total, "used": used})
    devices = []
    for i in range(1, 25):
        status = "fault" if i == 17 else ("maintenance" if i == 9 else "running")
        devices.append({"code": f"HCS-CD01-CN{i:02d}", "name": f"计算节点{i:02d}", "type": "计算节点",
                        "model": "TaiShan 200 (鲲鹏920)" if i % 2 else "FusionServer 2288H V6",
                        "spec": "2×64核 / 1024GB / 2×25GE", "position": f"天府新区政务云机房 A{(i - 1) // 8 + 1}排{(i - 1) % 8 + 1:02d}柜",
                        "status": status})
    for i in range(1, 9):
        devices.append({"code": f"HCS-CD01-ST{i:02d}", "name": f"分布式存储节点{i:02d}", "type": "存储节点",
                        "model": "OceanStor Pacific 9550", "spec": "400TB 原始容量", "position": f"天府新区政务云机房 C1排{i:02d}柜",
                        "status": "running"})
    tenants = []
    rows = (Subscription.objects.filter(state=Subscription.State.RUNNING, item__service_type="cloud")
            .values("organization__code").annotate(q=Sum("quantity")).order_by("-q")[:60])
    for r in rows:
        q = r["q"] or 1
        tenants.append({"org_code": r["organization__code"],
                        "usage": {"vcpu": q * 8, "memory": q * 32, "block_storage": round(q * 0.5, 1)}})
    return {"platform": "成都市政务云（华为云Stack 8.3 天府区域）", "collected_at": now.isoformat(),
            "metrics": metrics, "devices": devices, "tenants": tenants}


@require_GET
def cloud_capacity(request):
    expected = _token()
    if not expected:
        return JsonResponse({"code": "unavailable", "message": "容量接口未配置访问令牌。"}, status=503)
    auth = request.headers.get("Authorization", "")
    given = auth[7:] if auth.startswith("Bearer ") else ""
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        record_event(action="denied", obj=None, message=f"capacity api token {request.path}", data={})
        return JsonResponse({"code": "authentication_failed", "message": "访问令牌无效。"}, status=401)
    return JsonResponse(capacity_payload(), json_dumps_params={"ensure_ascii": False})
