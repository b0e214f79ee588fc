"""Screens and REST API: lists with attribute filters, saved queries, export, forms generated from the class,
detail tabs, and data-scope crossing by URL and API (404, nothing written)."""

import io

import openpyxl
import pytest
from django.test import Client

from egov_cmdb.models import CI, CIVersion, Relation, SavedQuery


@pytest.fixture
def data(make_ci, users, cmdb_ref):
    jj = make_ci("vm", "锦江区政务服务 VM01", org="jinjiang", os="麒麟 V10", memory_gb=16, intranet_ip="10.11.0.5",
                 software=["Nginx", "Tomcat"])
    jj2 = make_ci("vm", "锦江区审批 VM02", org="jinjiang_sub", os="UOS", memory_gb=64, intranet_ip="10.12.0.5")
    qy = make_ci("vm", "青羊区审批 VM01", org="qingyang", os="麒麟 V10", memory_gb=32, intranet_ip="10.21.0.5")
    return {"jj": jj, "jj2": jj2, "qy": qy, "users": users}


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_filters_on_custom_attributes(data):
    c = client_for(data["users"]["ops"])
    url = "/cmdb/ci/class/vm/"
    r = c.get(url)
    assert r.status_code == 200
    body = r.content.decode()
    assert "锦江区政务服务 VM01" in body and "青羊区审批 VM01" in body and "内网 IP" in body
    r = c.get(url, {"c": ["os|eq|麒麟 V10", "memory_gb|gte|20"]})
    body = r.content.decode()
    assert "青羊区审批 VM01" in body and "锦江区政务服务 VM01" not in body and "锦江区审批 VM02" not in body
    r = c.get(url, {"c": ["intranet_ip|in_cidr|10.11.0.0/16"]})
    assert "锦江区政务服务 VM01" in r.content.decode() and "青羊区审批 VM01" not in r.content.decode()
    r = c.get(url, {"c": ["software|eq|Tomcat"]})
    assert "锦江区政务服务 VM01" in r.content.decode() and "锦江区审批 VM02" not in r.content.decode()
    r = c.get(url, {"c": ["memory_gb|gte|很多"]})
    assert r.status_code == 200 and "请输入整数" in r.content.decode()
    r = c.get(url, {"sort": "-memory_gb"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ci-table")
    body = r.content.decode()
    assert "<html" not in body and body.index("锦江区审批 VM02") < body.index("青羊区审批 VM01")


def test_list_queries_are_bounded(data, make_ci, django_assert_max_num_queries):
    for i in range(15):
        make_ci("vm", f"批量 VM{i}", org="jinjiang", os="麒麟 V10", manager=data["users"]["ops"].pk)
    c = client_for(data["users"]["ops"])
    with django_assert_max_num_queries(40):
        assert c.get("/cmdb/ci/class/vm/", {"col": ["code", "name", "organization", "manager", "os"]}).status_code == 200


def test_data_scope_by_url(data, cmdb_ref):
    dept = client_for(data["users"]["dept_user"])   # 锦江区行政审批局, org scope, view only
    body = dept.get("/cmdb/ci/class/vm/").content.decode()
    assert "锦江区政务服务 VM01" in body and "锦江区审批 VM02" in body and "青羊区审批 VM01" not in body
    assert dept.get(f"/cmdb/ci/{data['qy'].pk}/").status_code == 404
    assert dept.get(f"/cmdb/ci/{data['jj'].pk}/").status_code == 200
    assert dept.get(f"/cmdb/ci/{data['jj'].pk}/edit/").status_code == 403  # no change permission
    qy = client_for(data["users"]["qy_admin"])
    for url in (f"/cmdb/ci/{data['jj'].pk}/", f"/cmdb/ci/{data['jj'].pk}/edit/",
                f"/cmdb/ci/{data['jj'].pk}/?tab=versions", f"/cmdb/ci/{data['jj'].pk}/versions/1/"):
        assert qy.get(url).status_code == 404, url
    for url in (f"/cmdb/ci/{data['jj'].pk}/delete/", f"/cmdb/ci/{data['jj'].pk}/status/",
                f"/cmdb/ci/{data['jj'].pk}/versions/1/restore/", f"/cmdb/ci/{data['jj'].pk}/transition/retire/"):
        assert qy.post(url, {"status": "faulty"}).status_code == 404, url
    # a relation to a CI outside the scope cannot be made either
    r = qy.post(f"/cmdb/ci/{data['qy'].pk}/relations/add/", {"direction": "out",
                                                              "type": cmdb_ref["rel"]["depends_on"].pk,
                                                              "other": data["jj"].code})
    assert r.status_code == 302 and not Relation.objects.exists()
    data["jj"].refresh_from_db()
    assert data["jj"].status == "normal" and CI.objects.filter(pk=data["jj"].pk).exists()
    # the export holds only rows in the scope
    assert qy.get("/cmdb/ci/class/vm/export/").status_code == 200


def test_edit_form_generated_from_class(data, cmdb_ref):
    ops = client_for(data["users"]["ops"])
    ci = data["jj"]
    r = ops.get(f"/cmdb/ci/{ci.pk}/edit/")
    body = r.content.decode()
    for label in ("基本信息", "管理信息", "属性信息", "维护信息", "内网 IP", "电子政务外网 IP", "端口映射", "防火墙信息"):
        assert label in body, label
    form = {"name": ci.name, "organization": ci.organization_id, "status": "normal", "a_os": "麒麟 V10 SP3",
            "a_intranet_ip": "10.11.0.300", "a_memory_gb": "16", "a_software": "Nginx, Redis"}
    r = ops.post(f"/cmdb/ci/{ci.pk}/edit/", form)
    assert r.status_code == 200 and "不是有效的 IPv4 地址" in r.content.decode()
    ci.refresh_from_db()
    assert ci.attrs["os"] == "麒麟 V10"
    form["a_intranet_ip"] = "10.11.0.6"
    r = ops.post(f"/cmdb/ci/{ci.pk}/edit/", form)
    assert r.status_code == 302
    ci.refresh_from_db()
    assert ci.attrs["os"] == "麒麟 V10 SP3" and ci.attrs["software"] == ["Nginx", "Redis"]
    body = ops.get(f"/cmdb/ci/{ci.pk}/?tab=versions").content.decode()
    assert "10.11.0.5" in body and "10.11.0.6" in body and "恢复到此版本" in body
    r = ops.post(f"/cmdb/ci/{ci.pk}/versions/1/restore/")
    ci.refresh_from_db()
    assert ci.attrs["os"] == "麒麟 V10" and ci.version == 3


def test_create_relation_and_refusal_message(data, cmdb_ref, make_ci):
    ops = client_for(data["users"]["ops"])
    hv1, hv2 = make_ci("hypervisor", "ESXi-JJ-01"), make_ci("hypervisor", "ESXi-JJ-02")
    runs_on = cmdb_ref["rel"]["runs_on"]  # N-1: a VM runs on one hypervisor
    url = f"/cmdb/ci/{data['jj'].pk}/relations/add/"
    ops.post(url, {"direction": "out", "type": runs_on.pk, "other": hv1.code})
    assert Relation.objects.filter(source=data["jj"], target=hv1).exists()
    r = ops.post(url, {"direction": "out", "type": runs_on.pk, "other": hv2.code}, follow=True)
    body = r.content.decode()
    assert "违反基数约束" in body and "ESXi-JJ-01" in body
    body = ops.get(f"/cmdb/ci/{hv1.pk}/?tab=relations").content.decode()
    assert "锦江区政务服务 VM01" in body


def test_saved_query_and_export(data):
    ops = client_for(data["users"]["ops"])
    r = ops.post("/cmdb/ci/class/vm/queries/save/", {"name": "麒麟系统虚拟机", "c": ["os|eq|麒麟 V10"],
                                                     "col": ["code", "name", "os", "memory_gb"], "shared": "on"})
    sq = SavedQuery.objects.get(name="麒麟系统虚拟机")
    assert r.status_code == 302 and sq.filters == {"conds": [{"attr": "os", "op": "eq", "value": "麒麟 V10"}]}
    body = client_for(data["users"]["city_admin"]).get(f"/cmdb/ci/class/vm/?query={sq.pk}").content.decode()
    assert "麒麟系统虚拟机" in body  # shared
    r = ops.get("/cmdb/ci/class/vm/export/", {"c": "os|eq|麒麟 V10", "col": ["code", "name", "os", "memory_gb"]})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("内部标识", "名称", "操作系统", "内存（GB）")
    assert {r[1] for r in rows[1:]} == {"青羊区审批 VM01", "锦江区政务服务 VM01"}
    from egov_base.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="export").exists()
    assert client_for(data["users"]["dept_user"]).get("/cmdb/ci/class/vm/export/").status_code == 403


def test_class_designer_screens(data, cmdb_ref):
    admin = client_for(data["users"]["sysadmin"])
    assert "虚拟机" in admin.get("/cmdb/model/").content.decode()
    r = admin.post("/cmdb/model/class/add/", {"code": "gis_service", "name": "地理信息服务", "icon": "map",
                                              "sort": 100, "parent": cmdb_ref["classes"]["web_service"].pk})
    assert r.status_code == 302
    from egov_cmdb.models import CIClass

    gis = CIClass.objects.get(code="gis_service")
    r = admin.post(f"/cmdb/model/class/{gis.pk}/attributes/add/", {"code": "map_scale", "name": "比例尺",
                                                                   "group": "custom", "type": "text", "sort": 10})
    assert r.status_code == 302
    body = admin.get(f"/cmdb/model/?cls={gis.pk}").content.decode()
    assert "比例尺" in body and "访问地址" in body  # own + inherited from WEB 服务
    assert client_for(data["users"]["ops"]).get("/cmdb/model/class/add/").status_code == 403


# ------------------------------------------------------------------ REST API
def test_api_crud_and_attribute_query(data, orgs):
    ops = client_for(data["users"]["ops"])
    r = ops.get("/api/v1/cmdb/ci/", {"ci_class": "vm", "c": ["os|eq|麒麟 V10", "memory_gb|lt|20"]})
    assert r.status_code == 200
    assert [x["name"] for x in r.json()["results"]] == ["锦江区政务服务 VM01"]
    r = ops.post("/api/v1/cmdb/ci/", {"ci_class": "database", "name": "不动产登记库", "organization": "CITY-DSJ",
                                      "attrs": {"db_type": "达梦 DM8", "port": "5236", "ip": "10.40.0.8"}},
                 content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["attrs"]["port"] == 5236
    r = ops.patch(f"/api/v1/cmdb/ci/{pk}/", {"attrs": {"port": "不是端口"}}, content_type="application/json")
    assert r.status_code == 400 and "端口" in r.json()["message"]
    r = ops.patch(f"/api/v1/cmdb/ci/{pk}/", {"attrs": {"port": 5237}}, content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] == 2
    r = ops.get(f"/api/v1/cmdb/ci/{pk}/versions/")
    assert r.json()[0]["diff"] == {"port": [5236, 5237]}
    r = ops.post(f"/api/v1/cmdb/ci/{pk}/restore/", {"version": 1}, content_type="application/json")
    assert r.status_code == 200 and r.json()["attrs"]["port"] == 5236
    r = ops.post(f"/api/v1/cmdb/ci/{pk}/status/", {"status": "faulty", "reason": "主备切换"},
                 content_type="application/json")
    assert r.json()["status"] == "faulty"
    r = ops.post(f"/api/v1/cmdb/ci/{pk}/transition/", {"name": "start_maintenance"}, content_type="application/json")
    assert r.json()["lifecycle"] == "maintenance"
    assert ops.delete(f"/api/v1/cmdb/ci/{pk}/").status_code == 204
    assert not CI.objects.filter(pk=pk).exists()


def test_api_upsert_and_relations(data, cmdb_ref, make_ci):
    ops = client_for(data["users"]["ops"])
    body = {"source": "cloud_api", "ci_class": "hypervisor", "key": "HV-QY-01",
            "data": {"name": "青羊 Hypervisor 01", "organization": "QY-XZSP", "mgmt_ip": "10.21.0.1"}}
    r = ops.post("/api/v1/cmdb/ci/upsert/", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["action"] == "created"
    r = ops.post("/api/v1/cmdb/ci/upsert/", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["action"] == "unchanged"
    hv = CI.objects.get(code="HV-QY-01")
    r = ops.post("/api/v1/cmdb/relations/", {"type": "runs_on", "source": data["qy"].pk, "target": hv.pk},
                 content_type="application/json")
    assert r.status_code == 201, r.content
    hv2 = make_ci("hypervisor", "青羊 Hypervisor 02", org="qingyang")
    r = ops.post("/api/v1/cmdb/relations/", {"type": "runs_on", "source": data["qy"].pk, "target": hv2.pk},
                 content_type="application/json")
    assert r.status_code == 400 and "青羊 Hypervisor 01" in r.json()["message"]
    r = ops.get(f"/api/v1/cmdb/ci/{hv.pk}/relations/")
    assert r.json()[0]["source_ci"]["name"] == "青羊区审批 VM01"
    rel_id = Relation.objects.get().pk
    assert ops.delete(f"/api/v1/cmdb/relations/{rel_id}/").status_code == 204
    assert not Relation.objects.exists()


def test_api_data_scope_crossing(data, cmdb_ref):
    qy = client_for(data["users"]["qy_admin"])
    jj = data["jj"]
    r = qy.get("/api/v1/cmdb/ci/", {"ci_class": "vm"})
    assert {x["name"] for x in r.json()["results"]} == {"青羊区审批 VM01"}
    assert qy.get(f"/api/v1/cmdb/ci/{jj.pk}/").status_code == 404
    assert qy.patch(f"/api/v1/cmdb/ci/{jj.pk}/", {"name": "改名"}, content_type="application/json").status_code == 404
    assert qy.delete(f"/api/v1/cmdb/ci/{jj.pk}/").status_code == 404
    assert qy.post(f"/api/v1/cmdb/ci/{jj.pk}/status/", {"status": "faulty"},
                   content_type="application/json").status_code == 404
    assert qy.get(f"/api/v1/cmdb/ci/{jj.pk}/versions/").status_code == 404
    # create into another district's organisation: refused, nothing written
    r = qy.post("/api/v1/cmdb/ci/", {"ci_class": "vm", "name": "越权创建", "organization": "JJ-XZSP"},
                content_type="application/json")
    assert r.status_code == 400 and not CI.objects.filter(name="越权创建").exists()
    # upsert onto a CI outside the scope: refused
    r = qy.post("/api/v1/cmdb/ci/upsert/", {"source": "monitoring", "ci_class": "vm", "key": jj.code,
                                            "data": {"os": "被篡改"}}, content_type="application/json")
    assert r.status_code == 403
    # relation to a CI outside the scope: 404
    r = qy.post("/api/v1/cmdb/relations/", {"type": "depends_on", "source": data["qy"].pk, "target": jj.pk},
                content_type="application/json")
    assert r.status_code == 404 and not Relation.objects.exists()
    jj.refresh_from_db()
    assert jj.name == "锦江区政务服务 VM01" and jj.status == "normal" and jj.attrs["os"] == "麒麟 V10"
    assert CIVersion.objects.filter(ci=jj).count() == 1
    # view-only users cannot write
    dept = client_for(data["users"]["dept_user"])
    assert dept.patch(f"/api/v1/cmdb/ci/{jj.pk}/", {"name": "x"}, content_type="application/json").status_code == 403


def test_openapi_schema_lists_cmdb(data):
    r = client_for(data["users"]["ops"]).get("/api/schema/", {"format": "json"})
    paths = r.json()["paths"]
    for p in ("/api/v1/cmdb/ci/", "/api/v1/cmdb/ci/{id}/", "/api/v1/cmdb/ci/upsert/", "/api/v1/cmdb/relations/",
              "/api/v1/cmdb/ci/{id}/versions/", "/api/v1/cmdb/classes/"):
        assert p in paths, p
