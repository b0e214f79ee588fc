"""List, filter, sort, search, pagination, columns, export and query bounds of the generic views."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egov_base.generic.models import ListPreference
from egov_base.org.models import Organization
from egov_base.testing import read_xlsx, response_bytes
from egov_base.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

LIST = "egov_base:organization_list"


def _make_many(regions, n, prefix="测试单位", region="锦江区"):
    return [OrganizationFactory(name=f"{prefix}{i:03d}", code=f"T-{prefix}-{i:03d}",
                                kind=Organization.Kind.DISTRICT_DEPT, region=regions[region]) for i in range(n)]


def test_list_search_filter_sort(client, users, orgs, regions):
    client.force_login(users["sysadmin"])
    resp = client.get(reverse(LIST), {"view": "list", "q": "锦江"})
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "锦江区行政审批局" in body and "青羊区行政审批局" not in body
    resp = client.get(reverse(LIST), {"view": "list", "kind": "city_dept"})
    body = resp.content.decode()
    assert "成都市经济和信息化局" in body and "锦江区行政审批局" not in body
    resp = client.get(reverse(LIST), {"view": "list", "region": regions["青羊区"].pk})
    assert "青羊区行政审批局" in resp.content.decode() and "锦江区行政审批局" not in resp.content.decode()
    resp = client.get(reverse(LIST), {"view": "list", "sort": "-code"})
    body = resp.content.decode()
    assert body.index("QY-XZSP") < body.index("JJ-XZSP") < body.index("CITY-JXJ")
    # a non-whitelisted sort is ignored, not an error
    assert client.get(reverse(LIST), {"view": "list", "sort": "path;drop"}).status_code == 200
    assert client.get(reverse(LIST), {"view": "list", "sort": "duties"}).status_code == 200


def test_pagination_and_htmx_partial(client, users, orgs, regions):
    _make_many(regions, 45)
    client.force_login(users["sysadmin"])
    resp = client.get(reverse(LIST), {"view": "list", "q": "测试单位", "per_page": 20, "page": 3})
    assert resp.context["page"].number == 3
    assert len(resp.context["rows"]) == 5
    resp = client.get(reverse(LIST), {"view": "list", "per_page": 50}, HTTP_HX_REQUEST="true",
                      HTTP_HX_TARGET="generic-table")
    assert resp.status_code == 200
    assert "<html" not in resp.content.decode()
    assert len(resp.context["rows"]) == 50
    # an invalid page size falls back to 20
    assert client.get(reverse(LIST), {"view": "list", "per_page": 7}).context["per_page"] == 20


def test_tree_view(client, users, orgs):
    client.force_login(users["sysadmin"])
    resp = client.get(reverse(LIST))
    assert resp.context["tree_mode"] is True
    rows = {r["obj"].code: r for r in resp.context["rows"]}
    assert rows["JJ-XZSP"]["has_children"] is True
    assert rows["JJ-XZSP-XX"]["indent"] == 1
    # the district admin sees only their district's subtree
    client.force_login(users["jj_admin"])
    codes = {r["obj"].code for r in client.get(reverse(LIST)).context["rows"]}
    assert codes == {"JJ-XZSP", "JJ-XZSP-XX"}


def test_queries_bounded(client, users, orgs, regions):
    client.force_login(users["sysadmin"])
    _make_many(regions, 10)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse(LIST), {"view": "list", "per_page": 100})
    _make_many(regions, 60, prefix="更多单位")
    with CaptureQueriesContext(connection) as big:
        client.get(reverse(LIST), {"view": "list", "per_page": 100})
    assert len(big) == len(small), [q["sql"] for q in big.captured_queries]
    with CaptureQueriesContext(connection) as tree:
        client.get(reverse(LIST))
    assert len(tree) <= len(big) + 2


def test_column_chooser_remembered(client, users, orgs):
    user = users["sysadmin"]
    client.force_login(user)
    resp = client.post(reverse("egov_base:organization_columns"), {"columns": ["name", "phone", "bogus"], "next": "/x/"})
    assert resp.status_code == 302
    pref = ListPreference.objects.get(user=user, model_key="egov_base.organization")
    assert pref.columns == ["name", "phone"]
    resp = client.get(reverse(LIST), {"view": "list"})
    assert resp.context["columns"] == ["name", "phone"]
    client.post(reverse("egov_base:organization_columns"), {"reset": "1"})
    assert client.get(reverse(LIST), {"view": "list"}).context["columns"] == ["name", "code", "kind", "region", "is_active"]
    assert ListPreference.objects.filter(user=user).count() == 1


def test_export_xlsx(client, users, orgs):
    client.force_login(users["sysadmin"])
    resp = client.get(reverse("egov_base:organization_export"), {"kind": "district_dept"})
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    headers, rows = read_xlsx(response_bytes(resp))
    assert headers == ["单位名称", "单位编码", "单位类型", "所属区划", "启用"]
    assert {r[0] for r in rows} == {"锦江区行政审批局", "青羊区行政审批局"}
    assert {r[2] for r in rows} == {"区县部门"}
    assert {r[4] for r in rows} == {"是"}


def test_export_dates_in_chinese(client, users, orgs):
    client.force_login(users["sysadmin"])
    client.post(reverse("egov_base:organization_columns"), {"columns": ["name", "created_at"]})
    headers, rows = read_xlsx(response_bytes(client.get(reverse("egov_base:organization_export"))))
    assert headers == ["单位名称", "创建时间"]
    assert all("年" in r[1] and "月" in r[1] for r in rows)


def test_export_scope_and_permission(client, users, orgs):
    client.force_login(users["jj_admin"])
    headers, rows = read_xlsx(response_bytes(client.get(reverse("egov_base:organization_export"), {"columns": "all"})))
    names = {r[0] for r in rows}
    assert names == {"锦江区行政审批局", "锦江区行政审批局信息科"}
    # dept_user can view organisations but lacks export_organization
    client.force_login(users["dept_user"])
    assert client.get(reverse("egov_base:organization_export")).status_code == 403
    # no view permission at all -> 403 on list and export
    client.force_login(users["dept_user"])
    assert client.get(reverse("egov_base:user_list")).status_code == 403
    assert client.get(reverse("egov_base:user_export")).status_code == 403


def test_anonymous_redirected_to_login(client, orgs, settings):
    settings.LOGIN_URL = "/auth/login/"
    resp = client.get(reverse(LIST))
    assert resp.status_code == 302
