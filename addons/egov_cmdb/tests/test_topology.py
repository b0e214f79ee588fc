"""Topology graph and screens: traversal, redaction, status overlay, saved views (CRUD, copy, layout, permissions
and data scope by URL)."""

import json
import re

import pytest

from egov_cmdb.services.impact import topology_graph


@pytest.fixture
def world(make_ci, rel):
    """锦江 system on centre infrastructure; it also calls the centre's identity platform (another system)."""
    w = {
        "bs": make_ci("business_system", "锦江区政务服务平台", org="jinjiang"),
        "db": make_ci("database", "锦江政务服务数据库", org="jinjiang"),
        "vm": make_ci("vm", "锦江政务服务-数据库", org="jinjiang"),
        "hv": make_ci("hypervisor", "Y3-CNA-A01-01"),
        "srv": make_ci("server", "政务云三计算节点 A01-01"),
        "core": make_ci("network_device", "政务云三核心交换机A"),
        "iam": make_ci("business_system", "统一身份认证平台"),
        "iam_db": make_ci("database", "统一身份认证数据库"),
        "qy": make_ci("business_system", "青羊区政务服务平台", org="qingyang"),
    }
    rel("depends_on", w["bs"], w["db"])
    rel("runs_on", w["db"], w["vm"])
    rel("runs_on", w["vm"], w["hv"])
    rel("runs_on", w["hv"], w["srv"])
    rel("uplink", w["srv"], w["core"])
    rel("depends_on", w["bs"], w["iam"])
    rel("depends_on", w["iam"], w["iam_db"])
    rel("depends_on", w["qy"], w["iam"])
    return w


def test_graph_down_stops_at_other_business_systems(world):
    g = topology_graph(root_ids=[world["bs"].pk], direction="down", max_depth=6)
    ids = {n["id"] for n in g["nodes"]}
    for key in ("bs", "db", "vm", "hv", "srv", "core", "iam"):
        assert world[key].pk in ids
    assert world["iam_db"].pk not in ids  # the called system is shown, not its whole stack
    iam = next(n for n in g["nodes"] if n["id"] == world["iam"].pk)
    assert iam["more"] is True
    levels = {n["id"]: n["level"] for n in g["nodes"]}
    assert levels[world["bs"].pk] == 0 and levels[world["core"].pk] == 5
    assert {(e["from"], e["to"]) for e in g["edges"]} >= {(world["bs"].pk, world["db"].pk),
                                                           (world["srv"].pk, world["core"].pk)}


def test_graph_up_and_depth(world):
    g = topology_graph(root_ids=[world["core"].pk], direction="up", max_depth=8)
    names = {n["name"] for n in g["nodes"]}
    assert {"锦江区政务服务平台", "锦江政务服务数据库"} <= names
    assert all(n["level"] <= 0 for n in g["nodes"])
    shallow = topology_graph(root_ids=[world["core"].pk], direction="up", max_depth=2)
    assert {n["id"] for n in shallow["nodes"]} == {world["core"].pk, world["srv"].pk, world["hv"].pk}
    both = topology_graph(root_ids=[world["db"].pk], direction="both", max_depth=1)
    assert {n["id"] for n in both["nodes"]} == {world["db"].pk, world["bs"].pk, world["vm"].pk}


def test_graph_redacts_outside_scope_and_overlays_faults(world, users):
    from egov_cmdb.models import CI

    CI.objects.filter(pk=world["srv"].pk).update(status=CI.Status.FAULTY)
    g = topology_graph(root_ids=[world["bs"].pk], user=users["dept_user"], direction="down", max_depth=6)
    nodes = {n["id"]: n for n in g["nodes"]}
    assert nodes[world["db"].pk]["name"] == "锦江政务服务数据库"
    assert nodes[world["hv"].pk]["redacted"] and nodes[world["hv"].pk]["name"] != "Y3-CNA-A01-01"
    assert nodes[world["hv"].pk]["url"] == "" and nodes[world["hv"].pk]["ci_id"] is None
    # the faulty server is outside the user's scope: no overlay from what he cannot see
    assert g["impact"] is None
    g = topology_graph(root_ids=[world["bs"].pk], user=users["ops"], direction="down", max_depth=6)
    assert g["impact"]["sources"] == [world["srv"].pk]
    assert world["bs"].pk in [s["ci"]["id"] for s in g["impact"]["systems"]]


def test_graph_node_limit(world):
    g = topology_graph(root_ids=[world["bs"].pk], direction="down", max_depth=6, max_nodes=3)
    assert g["truncated"] is True and len(g["nodes"]) == 3


# ---------------------------------------------------------------------------------------------- screens

def test_index_lists_systems_in_scope(world, users, client):
    client.force_login(users["jj_admin"])
    html = client.get("/cmdb/topology/").content.decode()
    assert "锦江区政务服务平台" in html and "青羊区政务服务平台" not in html
    client.force_login(users["ops"])
    html = client.get("/cmdb/topology/?q=青羊").content.decode()
    assert "青羊区政务服务平台" in html and "锦江区政务服务平台" not in html
    html = client.get("/cmdb/topology/?ci_q=核心交换机").content.decode()
    assert f"/cmdb/topology/ci/{world['core'].pk}/?direction=up" in html
    up = client.get(f"/cmdb/topology/ci/{world['core'].pk}/?direction=up&depth=8").content.decode()
    graph = json.loads(re.search(r'<script id="topology-graph" type="application/json">(.*?)</script>', up,
                                 re.S).group(1))
    assert "锦江区政务服务平台" in {n["name"] for n in graph["nodes"]}
    client.force_login(users["jj_admin"])  # the centre's switch is outside a district's scope
    assert "政务云三核心交换机A" not in client.get("/cmdb/topology/?ci_q=核心交换机").content.decode()


def test_graph_page_and_scope_by_url(world, users, client, make_user):
    client.force_login(users["jj_admin"])
    resp = client.get(f"/cmdb/topology/ci/{world['bs'].pk}/?direction=down&depth=6&layout=force")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'id="topology-graph"' in html and "vis-network.min.js" in html and "锦江区政务服务平台" in html
    graph = json.loads(re.search(r'<script id="topology-graph" type="application/json">(.*?)</script>', html,
                                 re.S).group(1))
    assert "锦江政务服务数据库" in {n["name"] for n in graph["nodes"]}
    assert client.get(f"/cmdb/topology/ci/{world['qy'].pk}/").status_code == 404
    assert client.get(f"/cmdb/topology/graph/?ci={world['qy'].pk}").status_code == 404
    assert client.get(f"/cmdb/topology/impact/?ci={world['qy'].pk}").status_code == 404
    nobody = make_user("topo_nobody", None, "jinjiang")
    client.force_login(nobody)
    assert client.get("/cmdb/topology/").status_code == 403
    assert client.get(f"/cmdb/topology/ci/{world['bs'].pk}/").status_code == 403


def test_expand_and_impact_json(world, users, client):
    client.force_login(users["ops"])
    g = client.get(f"/cmdb/topology/graph/?ci={world['iam'].pk}&direction=down&depth=1").json()
    assert {n["id"] for n in g["nodes"]} == {world["iam"].pk, world["iam_db"].pk}
    up = client.get(f"/cmdb/topology/graph/?ci={world['iam'].pk}&direction=up&depth=1").json()
    assert {n["id"] for n in up["nodes"]} == {world["iam"].pk, world["bs"].pk, world["qy"].pk}
    impact = client.get(f"/cmdb/topology/impact/?ci={world['core'].pk}").json()
    assert [s["ci"]["name"] for s in impact["systems"]] == ["锦江区政务服务平台"]
    assert client.get("/cmdb/topology/graph/?ci=x").status_code == 400


def test_mark_faulty_from_the_graph(world, users, client):
    from egov_cmdb.models import CI, CIVersion

    client.force_login(users["ops"])
    resp = client.post(f"/cmdb/topology/ci/{world['core'].pk}/status/", {"status": "faulty"})
    assert resp.status_code == 200
    data = resp.json()
    assert data["status"] == "faulty" and data["faulty"] == [world["core"].pk]
    assert [s["ci"]["name"] for s in data["impact"]["systems"]] == ["锦江区政务服务平台"]
    world["core"].refresh_from_db()
    assert world["core"].status == CI.Status.FAULTY
    assert CIVersion.objects.filter(ci=world["core"], diff__has_key="status").exists()
    # the index marks the impacted system
    assert 'data-impacted="1"' in client.get("/cmdb/topology/").content.decode()
    back = client.post(f"/cmdb/topology/ci/{world['core'].pk}/status/", {"status": "normal"}).json()
    assert back["impact"] is None
    assert client.post(f"/cmdb/topology/ci/{world['core'].pk}/status/", {"status": "broken"}).status_code == 400


def test_mark_faulty_needs_change_permission_and_scope(world, users, client):
    client.force_login(users["service_desk"])  # view only
    assert client.post(f"/cmdb/topology/ci/{world['core'].pk}/status/", {"status": "faulty"}).status_code == 403
    client.force_login(users["qy_admin"])
    assert client.post(f"/cmdb/topology/ci/{world['bs'].pk}/status/", {"status": "faulty"}).status_code == 404
    world["core"].refresh_from_db()
    assert world["core"].status == "normal"


# ---------------------------------------------------------------------------------------------- saved views

def _save(client, ci, name="锦江政务服务拓扑", **extra):
    data = {"name": name, "direction": "down", "depth": 6, "layout": "hierarchical",
            "config": json.dumps({"positions": {str(ci.pk): [10, 20]}, "hidden": []}), **extra}
    return client.post(f"/cmdb/topology/ci/{ci.pk}/save/", data)


def test_saved_view_create_open_copy_layout_delete(world, users, client):
    from egov_cmdb.models import TopologyView

    client.force_login(users["jj_admin"])
    resp = _save(client, world["bs"])
    view = TopologyView.objects.get(name="锦江政务服务拓扑")
    assert resp.status_code == 302 and resp.url == f"/cmdb/topology/view/{view.pk}/"
    assert view.organization == world["bs"].organization and view.created_by == users["jj_admin"]
    assert view.config == {"positions": {str(world["bs"].pk): [10.0, 20.0]}}
    # a second save with the same name is refused with a message, nothing duplicated
    _save(client, world["bs"])
    assert TopologyView.objects.filter(name="锦江政务服务拓扑").count() == 1
    assert client.get(f"/cmdb/topology/view/{view.pk}/").status_code == 200
    # layout
    resp = client.post(f"/cmdb/topology/view/{view.pk}/layout/", json.dumps(
        {"config": {"positions": {"5": [1, 2]}, "hidden": [7]}, "layout": "force"}), content_type="application/json")
    assert resp.status_code == 200
    view.refresh_from_db()
    assert view.layout == "force" and view.config == {"positions": {"5": [1.0, 2.0]}, "hidden": [7]}
    bad = client.post(f"/cmdb/topology/view/{view.pk}/layout/", json.dumps({"config": {"positions": "x"}}),
                      content_type="application/json")
    assert bad.status_code == 400
    # copy (GET shows the form, POST copies)
    assert "锦江政务服务拓扑 副本" in client.get(f"/cmdb/topology/view/{view.pk}/copy/").content.decode()
    resp = client.post(f"/cmdb/topology/view/{view.pk}/copy/", {"name": ""})
    copy = TopologyView.objects.get(name="锦江政务服务拓扑 副本")
    assert resp.status_code == 302 and copy.config == view.config and copy.root == view.root
    client.post(f"/cmdb/topology/view/{view.pk}/copy/", {"name": ""})
    assert TopologyView.objects.filter(name="锦江政务服务拓扑 副本2").exists()
    # edit and delete through the generic views
    resp = client.post(f"/cmdb/topologyview/{copy.pk}/edit/", {
        "name": "锦江政务服务拓扑（网络）", "description": "只看网络", "direction": "both", "depth": 3,
        "layout": "force", "organization": world["bs"].organization_id})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    copy.refresh_from_db()
    assert copy.name == "锦江政务服务拓扑（网络）" and copy.direction == "both"
    assert client.post(f"/cmdb/topologyview/{copy.pk}/delete/").status_code == 302
    assert not TopologyView.objects.filter(pk=copy.pk).exists()


def test_saved_view_permissions_and_scope(world, users, client):
    from egov_cmdb.models import TopologyView

    client.force_login(users["jj_admin"])
    client.get(_save(client, world["bs"]).url)  # (shows and consumes the success message)
    view = TopologyView.objects.get(name="锦江政务服务拓扑")
    # another district: not found by URL (graph, copy, layout, generic detail/edit/delete) nor in lists
    client.force_login(users["qy_admin"])
    for url in (f"/cmdb/topology/view/{view.pk}/", f"/cmdb/topology/view/{view.pk}/copy/",
                f"/cmdb/topologyview/{view.pk}/", f"/cmdb/topologyview/{view.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/cmdb/topology/view/{view.pk}/layout/", "{}", content_type="application/json").status_code == 404
    assert client.post(f"/cmdb/topologyview/{view.pk}/delete/").status_code == 404
    assert "锦江政务服务拓扑" not in client.get("/cmdb/topologyview/").content.decode()
    assert client.get(f"/api/v1/egov_cmdb/topologyview/{view.pk}/").status_code == 404
    # view-only roles may open but not change, copy or delete
    client.force_login(users["service_desk"])
    assert client.get(f"/cmdb/topology/view/{view.pk}/").status_code == 200
    assert client.post(f"/cmdb/topology/view/{view.pk}/layout/", "{}", content_type="application/json").status_code == 403
    assert client.post(f"/cmdb/topology/view/{view.pk}/copy/", {"name": "x"}).status_code == 403
    assert client.post(f"/cmdb/topologyview/{view.pk}/delete/").status_code == 403
    assert _save(client, world["bs"], name="服务台的拓扑").status_code == 403
    assert TopologyView.objects.count() == 1
    # a district user cannot save a view of a CI outside his scope
    client.force_login(users["jj_admin"])
    assert _save(client, world["qy"], name="越权").status_code == 404
