"""Resource pools: the sync job against a real HTTP server (success, timeout, bad payload, HTTP error, wrong
token), the demo provider endpoint over real HTTP, thresholds with warnings and notifications, manual entry."""

from decimal import Decimal

import pytest
import requests

from egov_service_catalog.models import CapacityWarning, PoolAllocation, PoolDevice, PoolMetric, ResourcePool
from egov_service_catalog.services import resources as rs

from .test_ops_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "platform": "政务云", "collected_at": "2026-11-25T10:00:00+08:00",
    "metrics": [{"code": "vcpu", "name": "vCPU", "unit": "核", "total": 1000, "used": 700},
                {"code": "memory", "name": "内存", "unit": "GB", "total": 4000, "used": 3700}],
    "devices": [{"code": "CN01", "name": "计算节点01", "type": "计算节点", "status": "running"},
                {"code": "CN02", "name": "计算节点02", "type": "计算节点", "status": "fault"}],
    "tenants": [{"org_code": "JJ-XZSP", "usage": {"vcpu": 120, "memory": 480}},
                {"org_code": "NO-SUCH", "usage": {"vcpu": 5}}],
}


@pytest.fixture
def ext_system(http_peer):
    from egov_base.integration.models import ExternalSystem

    return ExternalSystem.objects.create(code="t_cloud", name="测试云管平台", base_url=http_peer.url(""),
                                         read_timeout=0.5, connect_timeout=0.5, max_retries=0, backoff_base=0,
                                         failure_threshold=50)


@pytest.fixture
def head(users):
    return users["dept_head"]


def test_sync_applies_metrics_devices_tenants_and_sends_token(settings, http_peer, ext_system, cloud_pool, orgs, head,
                                                              django_capture_on_commit_callbacks):
    settings.SC_CAPACITY_API_TOKEN = "s3cret-token"
    http_peer.route("/api/capacity", json=PAYLOAD)
    with django_capture_on_commit_callbacks(execute=True):
        result = rs.pool_sync(pool=cloud_pool)
    assert result.ok, result.error
    assert http_peer.requests[-1].headers.get("Authorization") == "Bearer s3cret-token"
    cloud_pool.refresh_from_db()
    assert cloud_pool.sync_status == "ok" and cloud_pool.last_synced_at
    assert "NO-SUCH" in cloud_pool.last_sync_error  # unknown org codes are reported, not fatal
    mem = PoolMetric.objects.get(pool=cloud_pool, code="memory")
    assert mem.used == Decimal("3700") and mem.level == "critical"  # 92.5 % ≥ 90 %
    assert PoolMetric.objects.get(pool=cloud_pool, code="vcpu").level == "normal"
    assert cloud_pool.level == "critical"
    assert PoolDevice.objects.filter(pool=cloud_pool).count() == 2
    assert PoolAllocation.objects.get(metric__code="vcpu", organization=orgs["jinjiang"]).amount == 120
    # a critical warning is opened once and the pool managers are told
    w = CapacityWarning.objects.get(metric=mem, resolved_at__isnull=True)
    assert w.level == "critical"
    from egov_base.notify.models import Delivery

    assert Delivery.objects.filter(event="service_catalog.capacity_warning", recipient=head).exists()
    # the same data again: nothing new (idempotent job)
    n_deliveries = Delivery.objects.count()
    assert rs.pool_sync(pool=cloud_pool).ok
    assert CapacityWarning.objects.filter(metric=mem).count() == 1
    assert Delivery.objects.count() == n_deliveries


def test_sync_timeout_marks_failed_and_keeps_data(http_peer, ext_system, cloud_pool):
    http_peer.route("/api/capacity", json=PAYLOAD, delay=1.5)
    result = rs.pool_sync(pool=cloud_pool)
    assert not result.ok
    cloud_pool.refresh_from_db()
    assert cloud_pool.sync_status == "failed" and cloud_pool.last_sync_error
    assert PoolMetric.objects.get(pool=cloud_pool, code="vcpu").used == 500  # untouched
    assert not PoolMetric.objects.filter(pool=cloud_pool, code="memory").exists()
    from egov_base.integration.models import IntegrationCall

    assert IntegrationCall.objects.filter(system="t_cloud", ok=False).exists()


@pytest.mark.parametrize("answer,needle", [
    ({"body": "<html>502 Bad Gateway</html>", "status": 200}, "JSON"),
    ({"json": {"platform": "x"}}, "metrics"),
    ({"json": {"metrics": [{"code": "vcpu", "total": 100, "used": 150}]}}, "大于总量"),
    ({"json": {"metrics": [{"code": "vcpu", "total": "abc", "used": 1}]}}, "数字"),
    ({"json": {"metrics": [{"code": "vcpu", "total": 10, "used": 1}], "tenants": [{"org_code": "JJ-XZSP"}]}}, "租户"),
])
def test_sync_bad_payload_changes_nothing(http_peer, ext_system, cloud_pool, answer, needle):
    http_peer.route("/api/capacity", **answer)
    result = rs.pool_sync(pool=cloud_pool)
    assert not result.ok
    assert needle in result.error
    cloud_pool.refresh_from_db()
    assert cloud_pool.sync_status == "failed" and needle in cloud_pool.last_sync_error
    assert PoolMetric.objects.get(pool=cloud_pool, code="vcpu").used == 500
    assert not PoolDevice.objects.exists()


def test_sync_http_error_and_job_continues(http_peer, ext_system, cloud_pool, orgs):
    from egov_base.integration.models import ExternalSystem

    http_peer.route("/api/capacity", status=500, json={"error": "internal"})
    other = ResourcePool.objects.create(code="P-2", name="第二资源池", pool_type="cloud", source="interface",
                                        external_system="t_cloud2", endpoint="/api/cap2")
    ExternalSystem.objects.create(code="t_cloud2", name="二", base_url=http_peer.url(""), max_retries=0,
                                  read_timeout=1)
    http_peer.route("/api/cap2", json=PAYLOAD)
    ResourcePool.objects.create(code="P-MANUAL", name="机房", pool_type="room", source="manual")
    results = rs.pools_sync_all()
    assert [r.ok for r in results] == [False, True]  # manual pools are not polled; one failure does not stop
    other.refresh_from_db()
    assert other.sync_status == "ok"


def test_demo_provider_endpoint_over_real_http(live_server, settings, users):
    """The shipped 政务云 capacity endpoint, read by the job over real HTTP through the integration client."""
    from egov_base.integration.models import ExternalSystem

    settings.SC_CAPACITY_API_TOKEN = "demo-token-123"
    url = live_server.url + "/service-catalog/ops/provider/cloud-capacity/"
    assert requests.get(url, timeout=5).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer wrong"}, timeout=5).status_code == 401
    body = requests.get(url, headers={"Authorization": "Bearer demo-token-123"}, timeout=5).json()
    assert {m["code"] for m in body["metrics"]} >= {"vcpu", "memory", "block_storage"}
    assert all(0 <= m["used"] <= m["total"] for m in body["metrics"])
    ExternalSystem.objects.create(code="hcs_live", name="云管平台", base_url=live_server.url, max_retries=0)
    pool = ResourcePool.objects.create(code="P-LIVE", name="政务云", pool_type="cloud", source="interface",
                                       external_system="hcs_live", endpoint="/service-catalog/ops/provider/cloud-capacity/")
    result = rs.pool_sync(pool=pool)
    assert result.ok, result.error
    assert pool.metrics.count() == 5 and pool.devices.count() == 32


def test_provider_endpoint_closed_without_token(client, settings, monkeypatch):
    settings.SC_CAPACITY_API_TOKEN = ""
    from egov import config

    real_get = config.get
    # no token in egov.conf or the environment either (a developer's egov.conf has a generated one)
    monkeypatch.setattr(config, "get", lambda name, default=None: None if name.upper() == "SC_CAPACITY_API_TOKEN"
                        else real_get(name, default))
    assert client.get("/service-catalog/ops/provider/cloud-capacity/").status_code == 503


def test_thresholds_rise_fall_and_manual_entry_validation(db, users, orgs):
    from django.core.exceptions import ValidationError

    pool = ResourcePool.objects.create(code="P-ROOM", name="天府新区政务集中机房", pool_type="room", source="manual")
    m = PoolMetric(pool=pool, code="rack", name="标准机柜", unit="个", total=100, used=50)
    rs.metric_save(user=users["dept_head"], metric=m)
    assert m.level == "normal" and not CapacityWarning.objects.exists()
    m.used = 85
    rs.metric_save(user=users["dept_head"], metric=m)
    assert m.level == "warning"
    assert CapacityWarning.objects.get(resolved_at__isnull=True).level == "warning"
    m.used = 95
    rs.metric_save(user=users["dept_head"], metric=m)
    open_w = CapacityWarning.objects.get(resolved_at__isnull=True)
    assert open_w.level == "critical" and CapacityWarning.objects.count() == 2
    m.used = 40
    rs.metric_save(user=users["dept_head"], metric=m)
    assert m.level == "normal" and not CapacityWarning.objects.filter(resolved_at__isnull=True).exists()
    pool.refresh_from_db()
    assert pool.level == "normal"
    bad = PoolMetric(pool=pool, code="power", name="IT负载", unit="kW", total=100, used=120)
    with pytest.raises(ValidationError) as exc:
        rs.metric_save(user=users["dept_head"], metric=bad)
    assert "已用量不能大于总量" in str(exc.value)
    assert not PoolMetric.objects.filter(code="power").exists()
    bad2 = PoolMetric(pool=pool, code="power", name="IT负载", unit="kW", total=100, used=10, warn_percent=95,
                      critical_percent=90)
    with pytest.raises(ValidationError):
        rs.metric_save(user=users["dept_head"], metric=bad2)


def test_manual_entry_through_generic_views(client, users, orgs):
    pool = ResourcePool.objects.create(code="P-NET", name="互联网出口", pool_type="network", source="manual")
    client.force_login(users["ops"])
    resp = client.post("/service-catalog/poolmetric/add/", {
        "pool": pool.pk, "code": "bw", "name": "出口带宽", "unit": "Gbps", "total": "40", "used": "38",
        "warn_percent": "80", "critical_percent": "90", "sort": "0"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    metric = PoolMetric.objects.get(pool=pool, code="bw")
    assert metric.level == "critical" and CapacityWarning.objects.filter(metric=metric).exists()
    # used > total is refused with a Chinese message, nothing saved
    resp = client.post(f"/service-catalog/poolmetric/{metric.pk}/edit/", {
        "pool": pool.pk, "code": "bw", "name": "出口带宽", "unit": "Gbps", "total": "40", "used": "45",
        "warn_percent": "80", "critical_percent": "90", "sort": "0"})
    assert resp.status_code == 200 and "已用量不能大于总量" in resp.content.decode()
    metric.refresh_from_db()
    assert metric.used == 38
    # a department user cannot touch pools
    client.force_login(users["dept_user"])
    assert client.get("/service-catalog/resourcepool/").status_code == 403
    assert client.post(f"/service-catalog/ops/pools/{pool.pk}/sync/").status_code == 403


def test_periodic_task_wrapper_and_schedule_registered(http_peer, ext_system, cloud_pool):
    from egov_base.schedules import registered
    from egov_service_catalog import tasks

    http_peer.route("/api/capacity", json=PAYLOAD)
    assert tasks.sync_resource_pools() == {"ok": 1, "failed": 0}
    names = {p.task for p in registered()}
    assert {"egov_service_catalog.sync_resource_pools", "egov_service_catalog.generate_service_reports",
            "egov_service_catalog.expire_contracts"} <= names
