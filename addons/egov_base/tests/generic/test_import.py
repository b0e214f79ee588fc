"""Import from .xlsx / CSV: template, dry run, row errors, all-or-nothing, valid-rows-only, upsert, scope."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egov_base.org.models import Organization, OrganizationContact
from egov_base.testing import read_xlsx, response_bytes

pytestmark = pytest.mark.django_db

URL = "egov_base:organization_import"
HEAD = ["单位名称", "单位编码", "单位类型", "所属区划", "上级", "办公电话", "启用"]


def xlsx(rows, headers=HEAD, name="orgs.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def csv_file(text, encoding="utf-8", name="orgs.csv"):
    return SimpleUploadedFile(name, text.encode(encoding))


def post(client, upload, mode="apply", valid_only=False):
    data = {"file": upload, "mode": mode}
    if valid_only:
        data["valid_only"] = "1"
    return client.post(reverse(URL), data)


def test_template_has_chinese_headers(client, users, orgs):
    client.force_login(users["sysadmin"])
    resp = client.get(reverse(URL), {"template": "1"})
    headers, rows = read_xlsx(response_bytes(resp))
    assert headers[:4] == ["单位名称", "简称", "单位编码", "单位类型"]
    assert client.get(reverse(URL)).status_code == 200


def test_dry_run_writes_nothing_then_apply(client, users, orgs):
    client.force_login(users["sysadmin"])
    rows = [["锦江区大数据中心", "JJ-DSJ", "区县部门", "锦江区", "锦江区行政审批局", "028-86612345", "是"],
            ["成都市卫生健康委员会", "CITY-WJW", "city_dept", "510100", "", "", "否"]]
    resp = post(client, xlsx(rows), mode="dry_run")
    assert resp.status_code == 200
    result = resp.context["result"]
    assert result.error_count == 0 and result.valid_count == 2 and not result.applied
    assert not Organization.objects.filter(code__in=["JJ-DSJ", "CITY-WJW"]).exists()
    resp = post(client, xlsx(rows))
    assert resp.context["result"].applied and resp.context["result"].created == 2
    jj = Organization.objects.get(code="JJ-DSJ")
    assert jj.parent == orgs["jinjiang"] and jj.district.name == "锦江区" and jj.phone == "+862886612345"
    assert Organization.objects.get(code="CITY-WJW").is_active is False


def test_upsert_by_code(client, users, orgs):
    client.force_login(users["sysadmin"])
    resp = post(client, xlsx([["锦江区行政审批局（新名）", "JJ-XZSP", "区县部门", "锦江区", "", "", "是"]]))
    assert resp.context["result"].updated == 1
    orgs["jinjiang"].refresh_from_db()
    assert orgs["jinjiang"].name == "锦江区行政审批局（新名）"
    assert Organization.objects.filter(code="JJ-XZSP").count() == 1


def test_bad_rows_reported_and_nothing_written(client, users, orgs):
    client.force_login(users["sysadmin"])
    rows = [
        ["好单位", "OK-1", "区县部门", "锦江区", "", "", "是"],
        ["", "BAD-1", "区县部门", "锦江区", "", "", "是"],              # missing required name
        ["类型错", "BAD-2", "不存在的类型", "锦江区", "", "", "是"],     # bad choice
        ["区划错", "BAD-3", "区县部门", "火星区", "", "", "是"],         # FK not found
        ["电话错", "BAD-4", "区县部门", "锦江区", "", "123", "是"],      # bad phone
        ["布尔错", "BAD-5", "区县部门", "锦江区", "", "", "也许"],       # bad boolean
        ["重复", "OK-1", "区县部门", "锦江区", "", "", "是"],            # duplicate in file
    ]
    resp = post(client, xlsx(rows))
    assert resp.status_code == 400
    result = resp.context["result"]
    assert not result.applied
    errors = {r.line: "；".join(r.errors) for r in result.rows if r.errors}
    assert set(errors) == {3, 4, 5, 6, 7, 8}
    assert "单位名称" in errors[3]
    assert "不是有效选项" in errors[4]
    assert "找不到" in errors[5]
    assert "办公电话" in errors[6]
    assert "是/否" in errors[7]
    assert "重复" in errors[8] and "第 2 行" in errors[8]
    assert not Organization.objects.filter(code__in=["OK-1", "BAD-1", "BAD-2", "BAD-3", "BAD-4", "BAD-5"]).exists()
    # same file with "valid rows only": only the good row is written
    resp = post(client, xlsx(rows), valid_only=True)
    assert resp.context["result"].applied and resp.context["result"].created == 1
    assert list(Organization.objects.filter(code__startswith="OK-").values_list("name", flat=True)) == ["好单位"]
    assert not Organization.objects.filter(code__startswith="BAD-").exists()


def test_csv_utf8_and_gbk(client, users, orgs):
    client.force_login(users["sysadmin"])
    text = "单位名称,单位编码,单位类型,所属区划\n成都市医疗保障局,CITY-YB,市级部门,成都市\n"
    assert post(client, csv_file(text)).context["result"].created == 1
    text = "name,code,kind,region\n成都市教育局,CITY-JY,市级部门,成都市\n"
    assert post(client, csv_file(text, "gbk")).context["result"].created == 1
    assert Organization.objects.get(code="CITY-JY").name == "成都市教育局"


def test_file_level_errors(client, users, orgs):
    client.force_login(users["sysadmin"])
    resp = post(client, csv_file("foo,bar\n1,2\n"))
    assert resp.status_code == 400 and "表头" in resp.context["file_error"]
    resp = post(client, csv_file("单位名称,单位编码\nx,y\n"))
    assert resp.status_code == 400 and "缺少必填列" in resp.context["file_error"]
    resp = post(client, SimpleUploadedFile("x.pdf", b"%PDF-1.4"))
    assert resp.status_code == 400
    resp = client.post(reverse(URL), {"mode": "apply"})
    assert resp.status_code == 400


def test_import_scope_crossing(client, users, orgs):
    """A district administrator cannot import into another district, nor overwrite its records."""
    client.force_login(users["jj_admin"])
    rows = [["青羊新单位", "QY-NEW", "区县部门", "青羊区", "", "", "是"],
            ["改名", "QY-XZSP", "区县部门", "锦江区", "", "", "是"],
            ["锦江新单位", "JJ-NEW", "区县部门", "锦江区", "锦江区行政审批局", "", "是"]]
    resp = post(client, xlsx(rows))
    result = resp.context["result"]
    errors = {r.line: "；".join(r.errors) for r in result.rows if r.errors}
    assert set(errors) == {2, 3}
    assert "数据范围" in errors[2] and "数据范围" in errors[3]
    assert not Organization.objects.filter(code__in=["QY-NEW", "JJ-NEW"]).exists()
    orgs["qingyang"].refresh_from_db()
    assert orgs["qingyang"].name == "青羊区行政审批局"
    # contacts: organisation outside scope is "not found"
    resp = client.post(reverse("egov_base:organizationcontact_import"), {
        "file": csv_file("单位,姓名,联系电话\n青羊区行政审批局,王五,13800138000\n锦江区行政审批局,赵六,13800138001\n"),
        "mode": "apply"})
    assert resp.status_code == 400
    assert not OrganizationContact.objects.exists()


def test_import_requires_add_permission(client, users, orgs):
    client.force_login(users["dept_user"])
    assert client.get(reverse(URL)).status_code == 403
    assert post(client, xlsx([])).status_code == 403
