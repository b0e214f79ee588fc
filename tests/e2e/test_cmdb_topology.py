"""业务拓扑 in a real browser: open a business system's topology (vis-network), search a core switch in the graph,
mark it faulty and see the affected business systems highlighted (DOM + JS state), save the view, and the
statistics page renders its ECharts. Screenshots in var/screenshots/e2e_cmdb_*.png."""

from __future__ import annotations

import pytest

from .helpers import assert_chinese, assert_local, shot

pytestmark = pytest.mark.e2e


@pytest.fixture
def centre(orgs, db):
    """Two clouds' worth of CIs: 蓉易办 and 不动产登记 on cloud one behind 核心交换机A; 文旅 on cloud three."""
    from egov_cmdb.models import Relation
    from egov_cmdb.services import ci_create
    from egov_cmdb.services.reference import sync_reference_data

    sync_reference_data()
    from egov_cmdb.models import CIClass, RelationType

    classes = {c.code: c for c in CIClass.objects.all()}
    types = {t.code: t for t in RelationType.objects.all()}

    def ci(cls, name, org="centre", **attrs):
        return ci_create(user=None, ci_class=classes[cls], data={"name": name, "organization": orgs[org].pk,
                                                                   "attrs": attrs})

    def rel(code, source, target):
        Relation.objects.create(type=types[code], source=source, target=target, cardinality=types[code].cardinality)

    core = ci("network_device", "政务云一核心交换机A", vendor="华为", net_role="core")
    core3 = ci("network_device", "政务云三核心交换机A", vendor="新华三", net_role="core")
    room = ci("machine_room", "政务云一高新机房")
    out = {"core": core}
    for key, name, org, sw in (("ryb", "蓉易办", "city", core), ("bdc", "不动产登记信息管理平台", "city", core),
                               ("wl", "文化旅游公共服务平台", "city", core3)):
        bs = ci("business_system", name, org)
        db_ = ci("database", f"{name}数据库", org, db_type="达梦")
        mw = ci("middleware", f"{name}应用中间件", org, mw_type="东方通 TongWeb")
        vm = ci("vm", f"{name}-应用1", org)
        hv = ci("hypervisor", f"CNA-{key.upper()}-01")
        srv = ci("server", f"计算节点 {key.upper()}-01", vendor="华为")
        tor = ci("network_device", f"{name}接入交换机", vendor="华为", net_role="access")
        rack = ci("rack", f"{key.upper()} 机柜")
        rel("depends_on", bs, db_)
        rel("depends_on", bs, mw)
        rel("runs_on", db_, vm)
        rel("runs_on", mw, vm)
        rel("runs_on", vm, hv)
        rel("runs_on", hv, srv)
        rel("uplink", srv, tor)
        rel("uplink", tor, sw)
        rel("installed_in", srv, rack)
        rel("belongs_to", rack, room)
        out[key] = bs
    return out


def test_topology_fault_highlights_impacted_systems(login_as, page, centre):
    login_as("ops")
    page.goto("/cmdb/topology/")
    assert_chinese(page, "业务拓扑", "蓉易办", "查看拓扑")
    shot(page, "cmdb_topology_index")
    page.locator("#topology-systems a", has_text="蓉易办").first.click()
    page.wait_for_selector("#topology-canvas[data-state=ready]")
    assert page.evaluate("() => window.egovTopology.nodes.length") >= 10
    assert_chinese(page, "节点信息", "故障影响分析")
    shot(page, "cmdb_topology_ryb")

    # search the core switch in the graph: it is selected and its actions are offered
    page.locator("#topo-search").fill("核心交换机")
    page.locator("#topo-search").press("Enter")
    core_id = centre["core"].pk
    page.wait_for_function(f"() => document.querySelector('#topology-canvas').dataset.searchHits === '{core_id}'")
    assert page.locator("#topo-node-panel").get_by_text("政务云一核心交换机A").is_visible()

    # mark it faulty (confirm dialog): the node turns red and the impacted systems are highlighted
    page.once("dialog", lambda d: d.accept())
    page.locator("#topo-node-panel button[data-action=mark-faulty]").click()
    page.wait_for_selector("#topo-impact-list li[data-ci]")
    impacted = page.locator("#topo-impact-list li").all_inner_texts()
    assert any("蓉易办" in t for t in impacted) and any("不动产登记信息管理平台" in t for t in impacted)
    assert not any("文化旅游" in t for t in impacted)
    state = page.evaluate("""([core, ryb]) => ({
        systems: window.egovTopology.state.impactedSystems,
        coreColor: window.egovTopology.nodes.get(core).color.background,
        rybBorder: window.egovTopology.nodes.get(ryb).color.border,
        canvas: document.querySelector('#topology-canvas').dataset.impacted,
    })""", [core_id, centre["ryb"].pk])
    assert sorted(state["systems"]) == sorted([centre["ryb"].pk, centre["bdc"].pk])
    assert state["coreColor"] == "#d63939"
    assert state["rybBorder"] == "#d63939"
    assert str(centre["ryb"].pk) in state["canvas"].split(",")
    centre["core"].refresh_from_db()
    assert centre["core"].status == "faulty"
    page.locator("#topo-search").fill("")
    page.locator("#topo-fit").click()
    page.wait_for_timeout(400)
    shot(page, "cmdb_topology_fault")

    # show the impact paths in the graph: 不动产登记 (not in 蓉易办's own graph) is added and highlighted
    page.locator("#topo-show-paths").click()
    page.wait_for_function(f"() => !!window.egovTopology.nodes.get({centre['bdc'].pk})")
    page.wait_for_timeout(400)
    shot(page, "cmdb_topology_paths")

    # the business-system list marks the impacted ones
    page.goto("/cmdb/topology/")
    assert page.locator("[data-impacted='1']").count() == 2
    assert_local(page)


def test_topology_save_view_and_layouts(login_as, page, centre):
    login_as("ops")
    page.goto(f"/cmdb/topology/ci/{centre['bdc'].pk}/")
    page.wait_for_selector("#topology-canvas[data-state=ready]")
    page.locator("[data-topo-layout=force]").click()
    page.wait_for_timeout(800)
    assert page.evaluate("() => window.egovTopology.network.physics.options.enabled !== undefined")
    page.get_by_role("button", name="保存为拓扑视图").click()
    page.locator("#topo-save-name").fill("不动产登记业务拓扑（演示）")
    with page.expect_navigation():
        page.locator("#topo-save-form button[type=submit]").click()
    page.wait_for_selector("#topology-canvas[data-state=ready]")
    assert_chinese(page, "不动产登记业务拓扑（演示）", "保存布局", "复制")
    assert "/cmdb/topology/view/" in page.url
    shot(page, "cmdb_topology_saved_view")
    # simulate a fault of the first node's dependency without changing anything
    page.evaluate("(core) => window.egovTopology.simulate([core])", centre["core"].pk)
    page.wait_for_selector("#topo-impact-list li[data-ci]")
    assert page.locator("#topo-clear-sim").is_visible()
    centre["core"].refresh_from_db()
    assert centre["core"].status == "normal"
    assert_local(page)


def test_cmdb_statistics_page(login_as, page, centre):
    login_as("ops")
    page.goto("/cmdb/stats/")
    assert_chinese(page, "配置项统计", "各类配置项数量", "硬件资产厂商分布", "资产增长趋势", "关联关系统计")
    page.wait_for_function("() => document.querySelector('#chart-classes').dataset.rendered === '1'")
    assert page.evaluate("() => window.egovCmdbStats.charts.length") >= 8
    shot(page, "cmdb_stats")
    assert_local(page)
