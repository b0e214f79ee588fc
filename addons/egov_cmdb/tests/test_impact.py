"""Impact analysis: chains, non-dependency relations, cycles, depth bound, several paths, data scope, API."""

import pytest
from django.core.exceptions import ValidationError

from egov_cmdb.services.impact import MAX_DEPTH, impact_of


@pytest.fixture
def stack(make_ci, rel):
    """业务系统 → 数据库 → 虚拟机 → Hypervisor → 服务器 → 接入交换机 → 核心交换机; 服务器 安装于 机柜 属于 机房."""
    s = {
        "bs": make_ci("business_system", "不动产登记信息管理平台", org="city"),
        "db": make_ci("database", "不动产数据库", org="city"),
        "vm": make_ci("vm", "不动产-数据库虚拟机", org="city"),
        "hv": make_ci("hypervisor", "Y1-CNA-A01-01"),
        "srv": make_ci("server", "政务云一计算节点 A01-01"),
        "tor": make_ci("network_device", "政务云一A01 接入交换机"),
        "core": make_ci("network_device", "政务云一核心交换机A"),
        "rack": make_ci("rack", "高新机房 A01 机柜"),
        "room": make_ci("machine_room", "政务云一高新机房"),
        "cluster": make_ci("cluster", "政务云一计算集群01"),
    }
    rel("depends_on", s["bs"], s["db"])
    rel("runs_on", s["db"], s["vm"])
    rel("runs_on", s["vm"], s["hv"])
    rel("runs_on", s["hv"], s["srv"])
    rel("uplink", s["srv"], s["tor"])
    rel("uplink", s["tor"], s["core"])
    rel("installed_in", s["srv"], s["rack"])
    rel("belongs_to", s["rack"], s["room"])
    rel("composed_of", s["cluster"], s["hv"])
    return s


def _names(path):
    return [step["name"] for step in path if "relation" not in step]


def test_core_switch_impacts_business_system_through_the_whole_chain(stack):
    result = impact_of([stack["core"].pk])
    assert [s["ci"]["id"] for s in result.systems] == [stack["bs"].pk]
    system = result.systems[0]
    assert system["depth"] == 6
    assert _names(system["paths"][0]) == [
        "政务云一核心交换机A", "政务云一A01 接入交换机", "政务云一计算节点 A01-01", "Y1-CNA-A01-01", "不动产-数据库虚拟机",
        "不动产数据库", "不动产登记信息管理平台"]
    # relations are named from the faulty side: 核心交换机 —下联→ 接入交换机 … 数据库 —被依赖→ 业务系统
    relations = [step["relation"] for step in system["paths"][0] if "relation" in step]
    assert relations[0] == "下联" and relations[-1] == "被依赖"
    # every CI on the way is impacted, the ones beside the chain are not
    for key in ("tor", "srv", "hv", "vm", "db", "bs"):
        assert stack[key].pk in result.impacted_ids
    for key in ("rack", "room", "cluster"):
        assert stack[key].pk not in result.impacted_ids


def test_non_dependency_relations_do_not_propagate(stack):
    # the room (rack 属于 room) and the cluster (cluster 组成 hv) are not dependencies
    assert impact_of([stack["room"].pk]).systems == []
    assert stack["cluster"].pk not in impact_of([stack["hv"].pk]).impacted_ids
    # 服务器 安装于 机柜 is a dependency: a rack outage reaches the system
    assert [s["ci"]["id"] for s in impact_of([stack["rack"].pk]).systems] == [stack["bs"].pk]


def test_business_system_itself_faulty_impacts_systems_that_call_it(make_ci, rel):
    iam = make_ci("business_system", "统一身份认证平台")
    ryb = make_ci("business_system", "蓉易办", org="city")
    rel("depends_on", ryb, iam)
    result = impact_of([iam.pk])
    assert [s["ci"]["name"] for s in result.systems] == ["蓉易办"]


def test_cycles_terminate_and_give_simple_shortest_paths(make_ci, rel):
    a, b, c = (make_ci("middleware", f"中间件{x}") for x in "ABC")
    bs = make_ci("business_system", "12345 网络理政平台")
    rel("depends_on", a, b)
    rel("depends_on", b, c)
    rel("depends_on", c, a)  # cycle A → B → C → A
    rel("depends_on", bs, a)
    result = impact_of([c.pk], max_depth=MAX_DEPTH)
    assert len(result.systems) == 1
    path = _names(result.systems[0]["paths"][0])
    assert path == ["中间件C", "中间件B", "中间件A", "12345 网络理政平台"]
    assert len(path) == len(set(path))
    # the start is never re-entered
    assert c.pk not in result.impacted_ids
    assert sorted(result.impacted_ids) == sorted([a.pk, b.pk, bs.pk])


def test_depth_bound(make_ci, rel):
    chain = [make_ci("middleware", f"节点{i}") for i in range(10)]
    bs = make_ci("business_system", "链尾系统")
    for upper, lower in zip(chain[1:], chain[:-1], strict=True):
        rel("depends_on", upper, lower)
    rel("depends_on", bs, chain[-1])
    # bs is 10 hops from chain[0]
    assert impact_of([chain[0].pk], max_depth=8).systems == []
    assert len(impact_of([chain[0].pk], max_depth=3).impacted_ids) == 3
    assert [s["depth"] for s in impact_of([chain[2].pk], max_depth=8).systems] == [8]
    for bad in (0, 9, "x"):
        with pytest.raises(ValidationError):
            impact_of([chain[0].pk], max_depth=bad)


def test_several_shortest_paths_are_returned(make_ci, rel):
    vm = make_ci("vm", "共享虚拟机")
    db1, db2 = make_ci("database", "主库"), make_ci("database", "备库")
    bs = make_ci("business_system", "天府健康通", org="city")
    rel("runs_on", db1, vm)
    rel("runs_on", db2, vm)
    rel("depends_on", bs, db1)
    rel("depends_on", bs, db2)
    paths = impact_of([vm.pk]).systems[0]["paths"]
    assert sorted(_names(p)[1] for p in paths) == ["主库", "备库"]
    assert len(impact_of([vm.pk], max_paths=1).systems[0]["paths"]) == 1


def test_several_faulty_cis_and_no_impact(stack, make_ci):
    lone = make_ci("server", "孤立服务器")
    assert impact_of([lone.pk]).systems == []
    assert impact_of([]).systems == []
    both = impact_of([stack["core"].pk, stack["db"].pk])
    assert both.systems[0]["depth"] == 1  # the nearest faulty CI wins


def test_query_count_is_bounded(stack, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        impact_of([stack["core"].pk])


# ---------------------------------------------------------------------------------------------- data scope

@pytest.fixture
def scoped(make_ci, rel):
    """A jinjiang database used by a jinjiang system, by a qingyang system, and by a jinjiang system through a
    middleware of the centre (outside a district administrator's scope)."""
    s = {
        "db": make_ci("database", "锦江共享库", org="jinjiang"),
        "bs_jj": make_ci("business_system", "锦江区政务服务平台", org="jinjiang"),
        "bs_qy": make_ci("business_system", "青羊区政务服务平台", org="qingyang"),
        "mw": make_ci("middleware", "中心中间件", org="centre"),
        "bs_jj2": make_ci("business_system", "锦江区全民健康信息平台", org="jinjiang_sub"),
    }
    rel("depends_on", s["bs_jj"], s["db"])
    rel("depends_on", s["bs_qy"], s["db"])
    rel("depends_on", s["mw"], s["db"])
    rel("depends_on", s["bs_jj2"], s["mw"])
    return s


def test_district_user_sees_only_systems_in_scope_and_redacted_paths(scoped, users):
    full = impact_of([scoped["db"].pk])
    assert {s["ci"]["name"] for s in full.systems} == {"锦江区政务服务平台", "青羊区政务服务平台", "锦江区全民健康信息平台"}
    jj = impact_of([scoped["db"].pk], user=users["jj_admin"])
    assert {s["ci"]["name"] for s in jj.systems} == {"锦江区政务服务平台", "锦江区全民健康信息平台"}
    assert jj.hidden_systems == 1
    assert scoped["bs_qy"].pk not in jj.impacted_ids and scoped["mw"].pk not in jj.impacted_ids
    via_centre = next(s for s in jj.systems if s["ci"]["name"] == "锦江区全民健康信息平台")
    middle = [step for step in via_centre["paths"][0] if "relation" not in step][1]
    assert middle["redacted"] is True and middle["id"] is None and middle["name"] != "中心中间件"
    assert middle["class_name"] == "中间件"


def test_start_cis_outside_scope_are_ignored(scoped, users):
    assert impact_of([scoped["db"].pk], user=users["qy_admin"]).sources == []
    assert impact_of([scoped["db"].pk], user=users["qy_admin"]).systems == []


# ---------------------------------------------------------------------------------------------- API

def test_api_impact(scoped, users, client):
    client.force_login(users["ops"])
    resp = client.get(f"/api/v1/cmdb/impact/?ci={scoped['db'].pk}&max_depth=4")
    assert resp.status_code == 200
    data = resp.json()
    assert data["system_count"] == 3 and data["hidden_systems"] == 0
    resp = client.post("/api/v1/cmdb/impact/", {"ci_ids": [scoped["db"].pk]}, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["system_count"] == 3
    assert client.get(f"/api/v1/cmdb/impact/?ci={scoped['db'].pk}&max_depth=20").status_code == 400
    assert client.get("/api/v1/cmdb/impact/?ci=abc").status_code == 400
    assert client.get("/api/v1/cmdb/impact/").status_code == 400


def test_api_impact_scope_and_permission(scoped, users, client, make_user):
    client.force_login(users["jj_admin"])
    data = client.get(f"/api/v1/cmdb/impact/?ci={scoped['db'].pk}").json()
    assert data["system_count"] == 2 and data["hidden_systems"] == 1
    client.force_login(users["qy_admin"])  # the jinjiang database is outside qingyang's scope
    assert client.get(f"/api/v1/cmdb/impact/?ci={scoped['db'].pk}").status_code == 404
    assert client.get(f"/api/v1/cmdb/topology/?ci={scoped['db'].pk}").status_code == 404
    nobody = make_user("no_role_user", None, "jinjiang")
    client.force_login(nobody)
    assert client.get(f"/api/v1/cmdb/impact/?ci={scoped['db'].pk}").status_code == 403
    client.logout()
    assert client.get(f"/api/v1/cmdb/impact/?ci={scoped['db'].pk}").status_code in (401, 403)


def test_api_topology(scoped, users, client):
    client.force_login(users["jj_admin"])
    resp = client.get(f"/api/v1/cmdb/topology/?ci={scoped['bs_jj2'].pk}&direction=down&depth=3")
    assert resp.status_code == 200
    nodes = {n["id"]: n for n in resp.json()["nodes"]}
    assert nodes[scoped["mw"].pk]["redacted"] is True  # the centre's middleware: class only
    assert nodes[scoped["db"].pk]["name"] == "锦江共享库"
    assert client.get(f"/api/v1/cmdb/topology/?ci={scoped['bs_jj2'].pk}&direction=sideways").status_code == 400


def test_impact_in_openapi_schema(users, client, cmdb_ref):
    client.force_login(users["sysadmin"])
    schema = client.get("/api/schema/?format=json").content.decode()
    assert "/api/v1/cmdb/impact/" in schema and "/api/v1/cmdb/topology/" in schema
