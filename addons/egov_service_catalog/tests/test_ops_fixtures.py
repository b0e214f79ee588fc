"""Shared fixtures of the operations-side tests (imported by the test_ops_* modules)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _ops_cache():
    # dashboards cache aggregates in Redis; keys of this app only (never cache.clear(): shared Redis)
    cache.delete_pattern("sc:*")
    yield
    cache.delete_pattern("sc:*")


@pytest.fixture
def ops_items(catalog, orgs):
    """A metered SMS item and a DR item next to the core fixture's cloud item."""
    from egov_service_catalog.models import ServiceItem, ServiceSpec

    sms = ServiceItem.objects.create(code="T-SMS", name="政务短信", category=catalog["mid"], service_type="sms",
                                     provider=orgs["centre"], billing_mode="metered", unit="条", sla_hours=24)
    dr = ServiceItem.objects.create(code="T-DR", name="数据备份", category=catalog["mid"], service_type="dr",
                                    provider=orgs["centre"], billing_mode="metered", unit="TB", sla_hours=48)
    ServiceItem.objects.filter(pk__in=[sms.pk, dr.pk]).update(status="published")
    ServiceSpec.objects.create(item=dr, code="DR-BAK", name="备份容量", unit_price="680.00", price_unit="元/TB·月")
    sms.refresh_from_db()
    dr.refresh_from_db()
    return {"cloud": catalog["item"], "sms": sms, "dr": dr}


@pytest.fixture
def vendor(db):
    from egov_service_catalog.models import Vendor

    return Vendor.objects.create(code="VD-T1", name="中国移动通信集团四川有限公司成都分公司")


@pytest.fixture
def cloud_pool(db, orgs):
    from egov_service_catalog.models import PoolMetric, ResourcePool

    pool = ResourcePool.objects.create(code="P-CLOUD", name="政务云天府资源池", pool_type="cloud",
                                       provider=orgs["centre"], source="interface", external_system="t_cloud",
                                       endpoint="/api/capacity")
    PoolMetric.objects.create(pool=pool, code="vcpu", name="vCPU", unit="核", total=1000, used=500)
    return pool
