"""配置项统计: figures scoped to the user, filtered by organisation and class; page, Excel export, permission."""

import io

import pytest

from egov_cmdb.views_stats import ci_statistics


@pytest.fixture
def data(make_ci, cmdb_ref):
    from egov_cmdb.models import CI, Relation

    jj_srv = make_ci("server", "锦江服务器", org="jinjiang", vendor="华为")
    jj_sub = make_ci("server", "锦江信息科服务器", org="jinjiang_sub", brand="浪潮")
    qy_srv = make_ci("server", "青羊服务器", org="qingyang", vendor="新华三")
    jj_bs = make_ci("business_system", "锦江区政务服务平台", org="jinjiang")
    city_db = make_ci("database", "市级数据库", org="city")
    CI.objects.filter(pk=qy_srv.pk).update(status=CI.Status.OFFLINE)
    CI.objects.filter(pk=jj_sub.pk).update(status=CI.Status.FAULTY)
    rt = cmdb_ref["rel"]["depends_on"]
    Relation.objects.create(type=rt, source=jj_bs, target=jj_srv, cardinality=rt.cardinality)
    Relation.objects.create(type=rt, source=city_db, target=qy_srv, cardinality=rt.cardinality)
    return locals()


def _by(rows, key="name"):
    return {r[key]: r["value"] for r in rows}


def test_statistics_for_all(data, users):
    s = ci_statistics(user=users["ops"])
    assert s["total"] == 5 and s["relations_total"] == 2
    assert _by(s["classes"])["服务器"] == 3
    assert s["offline"] == 1 and s["online"] == 4 and s["faulty"] == 1 and s["online_rate"] == 80.0
    assert _by(s["health"], "key") == {"normal": 3, "warning": 0, "faulty": 1, "offline": 1}
    assert _by(s["vendors"]) == {"华为": 1, "浪潮": 1, "新华三": 1}
    assert _by(s["categories"], "key")["physical"] == 3 and _by(s["categories"], "key")["business"] == 1
    assert s["growth"][-1]["total"] == 5 and sum(g["added"] for g in s["growth"]) == 5
    assert s["top_links"][0]["type"] == "依赖"


def test_statistics_follow_the_data_scope(data, users):
    jj = ci_statistics(user=users["jj_admin"])  # district: jinjiang organisations only
    assert jj["total"] == 3 and _by(jj["classes"])["服务器"] == 2
    assert jj["relations_total"] == 1 and "新华三" not in _by(jj["vendors"])
    dept = ci_statistics(user=users["dept_user"])  # own organisation (锦江区行政审批局 and its sub-units)
    assert dept["total"] == 3
    qy = ci_statistics(user=users["qy_admin"])
    assert qy["total"] == 1 and qy["offline"] == 1


def test_statistics_filters(data, users, orgs, cmdb_ref):
    s = ci_statistics(user=users["ops"], organization=orgs["jinjiang"])
    assert s["total"] == 3  # the organisation with its sub-unit
    s = ci_statistics(user=users["ops"], ci_class=cmdb_ref["classes"]["device"])
    assert s["total"] == 3 and set(_by(s["classes"])) == {"服务器"}


def test_stats_page_export_and_permission(data, users, client, orgs, make_user):
    client.force_login(users["jj_admin"])
    html = client.get("/cmdb/stats/").content.decode()
    assert 'id="cmdb-stats-data"' in html and "echarts.min.js" in html and "stats.js" in html
    assert 'data-kpi="total">3<' in html
    # an organisation outside the scope is ignored as a filter (falls back to the whole scope)
    html = client.get(f"/cmdb/stats/?organization={orgs['qingyang'].pk}").content.decode()
    assert 'data-kpi="total">3<' in html
    html = client.get(f"/cmdb/stats/?organization={orgs['jinjiang_sub'].pk}&months=6").content.decode()
    assert 'data-kpi="total">1<' in html
    resp = client.get("/cmdb/stats/export/")
    assert resp.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content) if resp.streaming else resp.content))
    assert "按类别" in wb.sheetnames and "厂商分布" in wb.sheetnames
    from egov_base.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="export", message__contains="配置项统计").exists()
    nobody = make_user("stats_nobody", None, "jinjiang")
    client.force_login(nobody)
    assert client.get("/cmdb/stats/").status_code == 403
    assert client.get("/cmdb/stats/export/").status_code == 403


def test_empty_statistics(users, client, cmdb_ref):
    client.force_login(users["ops"])
    assert "当前条件下没有配置项" in client.get("/cmdb/stats/").content.decode()


def test_statistics_cache_per_scope(data, users, settings, make_ci):
    from django.core.cache import cache

    from egov_cmdb.views_stats import ci_statistics_cached

    settings.CMDB_STATS_CACHE_SECONDS = 60
    cache.delete_pattern("*cmdb:stats:*")
    first, at = ci_statistics_cached(user=users["ops"])
    jj, _at = ci_statistics_cached(user=users["jj_admin"])
    assert first["total"] == 5 and jj["total"] == 3  # one entry per scope, never shared
    make_ci("server", "新服务器", org="jinjiang")
    cached, at2 = ci_statistics_cached(user=users["ops"])
    assert cached["total"] == 5 and at2 == at
    fresh, at3 = ci_statistics_cached(user=users["ops"], refresh=True)
    assert fresh["total"] == 6 and at3 > at
    cache.delete_pattern("*cmdb:stats:*")
