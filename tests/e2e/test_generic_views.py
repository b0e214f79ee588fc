"""Generic object views of egov_base models (组织机构, 单位联系人) in a real browser: list with Chinese headers,
filter, full-text search, sort, column chooser, pagination, Excel export, import (dry run with a bad row, then
a good file), detail tabs, edit, protected delete. Every test asserts that no request left 127.0.0.1."""

from __future__ import annotations

import pytest

from .helpers import assert_chinese, assert_local, assert_single, column_texts, shot, table_headers, wait_htmx

pytestmark = pytest.mark.e2e

ORG_LIST = "/base/organization/?view=list"
SEARCH = "form[hx-target='#generic-table'] input[name=q]"


@pytest.fixture
def many_orgs(orgs, regions):
    """20 extra public institutions in 锦江区 (25 organisations in all: two pages of 20)."""
    from egov_base.org.models import Organization
    from egov_base.tests.factories import OrganizationFactory

    for i in range(20):
        OrganizationFactory(
            name=f"锦江区公共服务中心{i:02d}",
            code=f"JJ-GG-{i:02d}",
            kind=Organization.Kind.PUBLIC,
            region=regions["锦江区"],
        )
    return orgs


def test_org_list_headers_filter_search_sort(login_as, page, many_orgs):
    login_as("sysadmin")
    page.goto(ORG_LIST)
    assert_chinese(page, "组织机构", "导出 Excel", "显示列")
    headers = table_headers(page)
    for label in ("单位名称", "单位编码", "单位类型", "所属区划", "启用"):
        assert any(label in h for h in headers), (label, headers)
    assert page.get_by_text("共 25 条").is_visible()
    shot(page, "generic_org_list")

    # full-text search narrows the rows
    page.locator(SEARCH).fill("青羊区")
    page.locator(SEARCH).press("Enter")
    wait_htmx(page)
    assert_single(page, "#generic-table")
    names = column_texts(page, 1)
    assert names == ["青羊区行政审批局"], names
    assert page.get_by_text("共 1 条").is_visible()
    shot(page, "generic_org_search")

    # filter by a field (单位类型 = 大数据中心): the select's change event submits the form through HTMX
    page.goto(ORG_LIST)
    page.locator("select[name=kind]").select_option("centre")
    wait_htmx(page)
    page.wait_for_function("() => document.querySelector('#generic-table').innerText.includes('共 1 条')")
    assert column_texts(page, 1) == ["成都市大数据中心"]
    assert "kind=centre" in page.url
    shot(page, "generic_org_filter")

    # sort by clicking the 单位编码 header: ascending, then descending
    page.goto(ORG_LIST + "&kind=district_dept")
    page.locator("#generic-table thead th a", has_text="单位编码").click()
    wait_htmx(page)
    page.wait_for_selector("#generic-table thead .ti-sort-ascending")
    codes = column_texts(page, 3)
    assert codes == sorted(codes) and len(codes) == 2, codes
    page.locator("#generic-table thead th a", has_text="单位编码").click()
    wait_htmx(page)
    page.wait_for_selector("#generic-table thead .ti-sort-descending")
    assert_single(page, "#generic-table")
    codes_desc = column_texts(page, 3)
    assert codes_desc == sorted(codes, reverse=True), codes_desc
    shot(page, "generic_org_sorted")
    assert_local(page)


def test_org_list_column_chooser_and_pagination(login_as, page, many_orgs):
    login_as("sysadmin")
    page.goto(ORG_LIST)
    assert any("单位类型" in h for h in table_headers(page))
    page.get_by_role("button", name="显示列").click()
    chooser = page.locator(".dropdown-menu form").filter(has=page.locator("input[name=columns]"))
    chooser.locator("label.form-check", has_text="单位类型").locator("input").uncheck()
    shot(page, "generic_org_column_chooser")
    with page.expect_navigation():
        chooser.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    headers = table_headers(page)
    assert not any("单位类型" in h for h in headers), headers
    assert any("单位名称" in h for h in headers)
    # the choice is remembered on the next visit
    page.goto(ORG_LIST)
    assert not any("单位类型" in h for h in table_headers(page))

    # pagination: 25 rows, 20 per page
    assert page.get_by_text("1 / 2").is_visible()
    first_page = column_texts(page, 1)
    assert len(first_page) == 20
    page.locator(".pagination a", has_text="下一页").click()
    wait_htmx(page)
    page.wait_for_selector(".pagination >> text=2 / 2")
    assert_single(page, "#generic-table")
    second_page = column_texts(page, 1)
    assert len(second_page) == 5 and not set(second_page) & set(first_page)
    shot(page, "generic_org_page2")
    assert_local(page)


def test_org_export_xlsx_has_chinese_headers_and_filtered_rows(login_as, page, many_orgs, tmp_path):
    import openpyxl

    login_as("sysadmin")
    page.goto(ORG_LIST + "&kind=district_dept")
    assert_chinese(page, "锦江区行政审批局", "青羊区行政审批局")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    target = tmp_path / "export.xlsx"
    download.save_as(target)
    wb = openpyxl.load_workbook(target)
    ws = wb.active
    rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    header_row = next(i for i, r in enumerate(rows) if r and "单位名称" in [str(c) for c in r if c])
    headers = [str(c) for c in rows[header_row] if c]
    assert "单位编码" in headers and "单位类型" in headers, headers
    name_col = [str(c) for c in rows[header_row]].index("单位名称")
    names = sorted(str(r[name_col]) for r in rows[header_row + 1 :] if r and r[name_col])
    assert names == ["锦江区行政审批局", "青羊区行政审批局"], names
    shot(page, "generic_org_export")
    assert_local(page)


def _csv(rows) -> bytes:
    text = "organization,name,position,phone,email,is_primary\n" + "\n".join(",".join(r) for r in rows) + "\n"
    return text.encode("utf-8")


def test_contact_import_dry_run_shows_chinese_row_error_then_good_file_imports(login_as, page, many_orgs):
    from egov_base.org.models import OrganizationContact

    login_as("sysadmin")
    page.goto("/base/organizationcontact/import/")
    assert_chinese(page, "导入", "试导入（校验）", "正式导入")
    bad = _csv(
        [
            ["JJ-XZSP", "张伟", "科长", "13800138001", "zhangwei@jj.example.cn", "是"],
            ["不存在的单位", "李娜", "科员", "13800138002", "lina@jj.example.cn", "否"],
        ]
    )
    page.locator("input[name=file]").set_input_files(
        files=[{"name": "contacts_bad.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="试导入（校验）").click()
    assert_chinese(page, "错误 1 行")
    error_row = page.locator("tr.table-danger")
    assert error_row.count() == 1
    assert "找不到" in error_row.inner_text() and "不存在的单位" in error_row.inner_text()
    shot(page, "generic_contact_import_dry_run")
    assert OrganizationContact.objects.count() == 0

    # applying the same bad file (without "仅导入无误的行") still writes nothing
    page.locator("input[name=file]").set_input_files(
        files=[{"name": "contacts_bad.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="正式导入").click()
    assert_chinese(page, "存在错误，未写入任何数据")
    assert OrganizationContact.objects.count() == 0

    good = _csv(
        [
            ["JJ-XZSP", "张伟", "科长", "13800138001", "zhangwei@jj.example.cn", "是"],
            ["QY-XZSP", "李娜", "科员", "13800138002", "lina@qy.example.cn", "否"],
        ]
    )
    page.locator("input[name=file]").set_input_files(
        files=[{"name": "contacts_good.csv", "mimeType": "text/csv", "buffer": good}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="正式导入").click()
    assert_chinese(page, "导入结果", "正确 2 行")
    shot(page, "generic_contact_import_done")
    assert sorted(OrganizationContact.objects.values_list("name", flat=True)) == ["张伟", "李娜"]
    assert OrganizationContact.objects.get(name="张伟").organization.code == "JJ-XZSP"
    assert_local(page)


def test_org_detail_tabs_edit_and_protected_delete(login_as, page, orgs):
    from egov_base.org.models import Organization
    from egov_base.tests.factories import OrganizationContactFactory

    OrganizationContactFactory(organization=orgs["jinjiang"], name="赵敏", position="信息科科长")
    login_as("sysadmin")
    jj = orgs["jinjiang"]
    page.goto(f"/base/organization/{jj.pk}/")
    assert_chinese(page, "锦江区行政审批局", "基本信息", "编辑", "删除")
    tabs = [t.strip() for t in page.locator(".card-header-tabs .nav-link").all_inner_texts()]
    for label in ("基本信息", "历史", "附件", "评论"):
        assert any(label in t for t in tabs), (label, tabs)
    shot(page, "generic_org_detail")
    for label, name in (
        ("联系人", "contacts"),
        ("历史", "history"),
        ("附件", "attachments"),
        ("评论", "comments"),
        ("流程跟踪", "trace"),
    ):
        link = page.locator(".card-header-tabs .nav-link", has_text=label)
        if not link.count():
            continue
        link.first.click()
        wait_htmx(page)
        page.wait_for_function("(k) => location.search.includes('tab=' + k)", arg=name)
        assert_single(page, "#generic-tab")
        active = page.locator(".card-header-tabs .nav-link.active")
        assert active.count() == 1 and label in active.inner_text(), f"the {label} tab is not highlighted"
        assert page.locator("#generic-tab").inner_text().strip(), f"tab {label} is empty"
        shot(page, f"generic_org_detail_{name}")
    page.locator(".card-header-tabs .nav-link", has_text="联系人").first.click()
    wait_htmx(page)
    assert page.locator("#generic-tab").get_by_text("赵敏").is_visible()

    # edit a field and save
    page.get_by_role("link", name="编辑").first.click()
    page.wait_for_load_state("networkidle")
    assert_chinese(page, "单位名称")
    shot(page, "generic_org_edit")
    page.locator("input[name=short_name]").fill("锦江审批局")
    page.locator("input[name=address]").fill("成都市锦江区工农院街1号")
    with page.expect_navigation():
        page.locator("form button[type=submit].btn-primary, form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    jj.refresh_from_db()
    assert jj.short_name == "锦江审批局" and jj.address == "成都市锦江区工农院街1号"
    assert f"/base/organization/{jj.pk}/" in page.url
    assert_chinese(page, "成都市锦江区工农院街1号")
    shot(page, "generic_org_after_edit")

    # the history tab now lists the change
    page.goto(f"/base/organization/{jj.pk}/?tab=history")
    assert (
        "锦江审批局" in page.locator("#generic-tab").inner_text()
        or page.locator("#generic-tab tr, #generic-tab .list-group-item, #generic-tab li").count() > 0
    )

    # delete is refused: the sub-organisation 信息科 still points at it
    page.goto(f"/base/organization/{jj.pk}/")
    page.get_by_role("link", name="删除").first.click()
    page.wait_for_load_state("networkidle")
    # the confirmation page already says why it cannot be deleted, and offers no delete button
    shot(page, "generic_org_delete_protected")
    assert_chinese(page, "不能删除", "锦江区行政审批局信息科")
    assert page.locator("button", has_text="确认删除").count() == 0
    assert Organization.objects.filter(pk=jj.pk).exists()
    assert_local(page)


def test_org_comment_is_posted_once_and_global_search_finds_the_org(login_as, page, orgs):
    from egov_base.generic.models import Comment

    login_as("sysadmin")
    jj = orgs["jinjiang"]
    page.goto(f"/base/organization/{jj.pk}/?tab=comments")
    assert_chinese(page, "暂无评论。", "发表评论")
    page.locator("textarea[name=body]").fill("请信息科于本周五前核对单位联系人信息。")
    with page.expect_navigation():
        page.get_by_role("button", name="发表评论").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"/base/organization/{jj.pk}/?tab=comments")
    assert_chinese(page, "请信息科于本周五前核对单位联系人信息。")
    assert Comment.objects.filter(body="请信息科于本周五前核对单位联系人信息。").count() == 1
    shot(page, "generic_org_comment")

    # global search box in the backend header
    page.locator("form[role=search] input[name=q]").fill("锦江区行政审批局")
    with page.expect_navigation():
        page.locator("form[role=search] input[name=q]").press("Enter")
    page.wait_for_load_state("networkidle")
    assert "/search/" in page.url
    assert_chinese(page, "锦江区行政审批局")
    assert page.locator(f"a[href*='/base/organization/{jj.pk}/']").count() >= 1
    shot(page, "search_org")
    assert_local(page)
