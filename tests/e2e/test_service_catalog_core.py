"""Scored demos 4 and 5 of the service catalog in a real browser, as the real roles.

Demo 4: the department portal — catalog with categories and search, service details with specs, announcements,
my requests and my resources; the guided application (item → spec → quantity → form-js form → submit) including
a server-side validation error shown per field with nothing saved.
Demo 5: one application through 申请函及需求单 → 单位批复函 (the department's leader) → 需求确认单 (the centre's
service desk) → 服务交付单 (the provider's engineer: 服务过程 steps, delivered resources) → acceptance and rating
(the applicant), with each node's document (Word + PDF) and the process trace."""

from __future__ import annotations

import pytest

from .conftest import login
from .helpers import assert_chinese, assert_local

pytestmark = pytest.mark.e2e
PASSWORD = "Egov@2026pass"

SCHEMA = {
    "type": "default", "components": [
        {"type": "textfield", "key": "system_name", "label": "承载业务系统名称", "validate": {"required": True}},
        {"type": "textfield", "key": "contact_mobile", "label": "技术联系人手机",
         "validate": {"required": True, "validationType": "phone"}},
        {"type": "radio", "key": "zone", "label": "部署网络区域", "validate": {"required": True},
         "values": [{"label": "政务外网区", "value": "extranet"}, {"label": "互联网区", "value": "internet"}]},
        {"type": "textarea", "key": "purpose", "label": "用途说明", "validate": {"required": True}},
    ],
}


@pytest.fixture
def world(make_user, orgs):
    from egov_base.content.models import Article
    from egov_service_catalog.models import ServiceCategory, ServiceForm, ServiceItem, ServiceSpec
    from egov_service_catalog.services.setup import ensure_default_chain, ensure_generic_forms

    ensure_default_chain()
    ensure_generic_forms()
    people = {
        "applicant": make_user("chen_xm", "dept_user", "jinjiang", name="陈雪梅", position="信息科科员"),
        "leader": make_user("wang_jg", "dept_user", "jinjiang", name="王建国", position="局长"),
        "desk": make_user("wu_tt", "service_desk", "centre", name="吴婷婷", position="服务台坐席"),
        "ops": make_user("xu_pf", "ops_engineer", "centre", name="徐鹏飞", position="云运维工程师"),
    }
    top = ServiceCategory.objects.create(code="ZWY", name="政务云服务", icon="ti ti-cloud", sort=10)
    mid = ServiceCategory.objects.create(code="ZWY-JS", name="计算服务", parent=top, icon="ti ti-cloud")
    net = ServiceCategory.objects.create(code="WW", name="电子政务外网服务", icon="ti ti-network", sort=20)
    ecs = ServiceItem.objects.create(
        code="ECS", name="政务云主机", category=mid, service_type="cloud", provider=orgs["centre"], billing_mode="fixed",
        unit="台", sla_hours=72, summary="基于信创云平台的弹性云主机，支持麒麟、统信等国产操作系统。",
        goal="为各部门政务信息系统提供安全、弹性、集约的计算资源。", audience="市级部门、区(市)县部门。",
        content="云主机开通、扩容、变更与回收；安全组与网络策略；主机监控。", service_hours="工作日 9:00–17:30 受理",
        delivery_method="线上交付", deliverables="云主机资源清单、服务交付单",
        fulfilment_steps=[{"name": "资源分配", "sla_hours": 8}, {"name": "安全基线加固", "sla_hours": 8}],
    )
    ip = ServiceItem.objects.create(code="WW-IP", name="IP 地址申请", category=net, service_type="network",
                                    provider=orgs["centre"], summary="分配电子政务外网 IPv4 / IPv6 地址段。")
    ServiceItem.objects.filter(pk__in=[ecs.pk, ip.pk]).update(status="published")
    ecs.refresh_from_db()
    ServiceSpec.objects.create(item=ecs, code="C4", name="通用型 4核8G", sort=10, unit_price="420", quota=10,
                               params={"vCPU": "4 核", "内存": "8 GB", "系统盘": "100 GB SSD", "操作系统": "麒麟 V10"})
    ServiceSpec.objects.create(item=ecs, code="C8", name="通用型 8核16G", sort=20, unit_price="860", quota=10,
                               params={"vCPU": "8 核", "内存": "16 GB", "系统盘": "200 GB SSD"})
    ServiceSpec.objects.create(item=ip, code="V4-28", name="IPv4 /28", params={"地址数": 16})
    ServiceForm.objects.create(item=ecs, kind="apply", version=1, schema=SCHEMA, is_active=True, name="政务云主机申请表")
    from django.utils import timezone

    Article.objects.create(category="notice", title="关于政务云资源年度复核工作的通知", summary="请各单位于月底前完成复核。",
                           body="各单位：请于本月底前完成政务云资源使用情况复核。", status="published",
                           publish_at=timezone.now(), pinned=True)
    return {**people, "ecs": ecs}


def _as(page, user):
    page.context.clear_cookies()
    return login(page, user.username, PASSWORD)


def _fill_form(page, *, mobile):
    page.get_by_label("承载业务系统名称").fill("锦江区一网通办受理系统")
    page.get_by_label("技术联系人手机").fill(mobile)
    page.get_by_label("政务外网区").click()
    page.get_by_label("用途说明").fill("业务量增长，新增应用服务器承载高峰期受理。")


def _apply_in_browser(page, world):
    page.goto("/portal/")
    page.get_by_role("link", name="云资源申请").first.click()
    page.wait_for_load_state("networkidle")
    assert "/service-catalog/portal/" in page.url
    page.get_by_role("link", name="政务云主机").first.click()
    page.get_by_role("link", name="在线申请").first.click()
    page.wait_for_selector(".fjs-form", state="attached")
    page.locator("#sc-next").click()  # 1 → 2
    page.get_by_text("通用型 8核16G").click()
    page.locator("#sc-next").click()  # 2 → 3
    page.locator("#sc-qty").fill("2")
    page.locator("#sc-title").fill("锦江区一网通办受理系统扩容")
    page.locator("#sc-next").click()  # 3 → 4
    _fill_form(page, mobile="12345")  # invalid on purpose
    page.locator("#sc-next").click()  # 4 → 5
    page.locator("#sc-submit").click()
    page.wait_for_load_state("networkidle")
    return page


@pytest.mark.django_db(transaction=True)
def test_demo4_portal_catalog_details_application(page, world, screenshot):
    from egov_service_catalog.models import ServiceRequest

    _as(page, world["applicant"])
    page.goto("/service-catalog/portal/")
    assert_chinese(page, "政务云网一站式服务目录", "服务分类", "信息公告", "关于政务云资源年度复核工作的通知", "我的申请",
                   "我的服务", "政务云主机", "IP 地址申请")
    screenshot(page, "sc_core_demo4_catalog")
    # search
    page.get_by_placeholder("搜索服务，如：云主机、IP 地址、短信").fill("云主机")
    page.get_by_placeholder("搜索服务，如：云主机、IP 地址、短信").press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.locator("#sc-catalog-items .card").count() == 1
    # details
    page.get_by_role("link", name="政务云主机").first.click()
    assert_chinese(page, "服务说明", "规格与价格", "通用型 4核8G", "420", "办理流程")
    screenshot(page, "sc_core_demo4_item")
    # application with a server-side validation error, then corrected
    _apply_in_browser(page, world)
    assert_chinese(page, "提交未成功", "技术联系人手机")
    assert ServiceRequest.objects.count() == 0
    screenshot(page, "sc_core_demo4_apply_error")
    page.wait_for_selector(".fjs-form", state="attached")
    page.get_by_label("技术联系人手机").fill("13980012345")
    page.locator("#sc-next").click()
    page.locator("#sc-submit").click()
    page.wait_for_load_state("networkidle")
    req = ServiceRequest.objects.get()
    assert req.state == "in_progress" and req.quantity == 2 and req.spec.code == "C8"
    assert req.form_data["contact_mobile"] == "13980012345" and req.form_data["zone"] == "extranet"
    assert_chinese(page, "已提交", "单位批复函", "服务申请函及需求单", "流程日志")
    screenshot(page, "sc_core_demo4_submitted")
    page.goto("/service-catalog/portal/")
    assert_chinese(page, req.number)
    page.goto("/service-catalog/m/")
    assert_chinese(page, "服务目录", "政务云主机")
    assert_local(page)


@pytest.mark.django_db(transaction=True)
def test_demo5_application_through_all_nodes(page, world, screenshot):
    from egov_service_catalog.models import ServiceRequest, Subscription
    from egov_service_catalog.services import requests as rs

    # dept_user applies (the wizard itself is walked in demo 4)
    req = rs.request_save(user=world["applicant"], item=world["ecs"], spec=world["ecs"].specs.get(code="C4"),
                          quantity=1, title="审批数据库服务器扩容", submit=True,
                          form_data={"system_name": "行政审批系统", "contact_mobile": "13980012345", "zone": "extranet",
                                     "purpose": "数据库服务器扩容，满足国产化迁移后的性能要求。"})
    detail = f"/service-catalog/requests/{req.pk}/"

    # 单位批复函: the department's leader, from the inbox
    _as(page, world["leader"])
    page.goto(detail)
    assert_chinese(page, "待我办理：单位批复函", "服务申请函及需求单")
    page.locator("textarea[name=comment]").fill("同意申请，请中心按规范办理。")
    screenshot(page, "sc_core_demo5_1_leader")
    page.locator("#sc-approve").click()
    page.wait_for_load_state("networkidle")
    assert_chinese(page, "单位批复函")

    # 需求确认单: the centre's service desk
    _as(page, world["desk"])
    page.goto("/service-catalog/requests/")
    assert_chinese(page, req.number, "需求确认单")
    screenshot(page, "sc_core_demo5_2_list")
    page.get_by_role("link", name=req.number).click()
    page.locator("textarea[name=comment]").fill("需求明确，资源充足，同意受理。")
    page.locator("#sc-approve").click()
    page.wait_for_load_state("networkidle")

    # 服务交付单: the provider's engineer does the 服务过程 steps and records the resources
    _as(page, world["ops"])
    page.goto(detail)
    assert_chinese(page, "待我办理：服务交付单", "服务过程", "资源分配", "安全基线加固")
    for _ in range(2):
        page.locator("#fulfilment button[value=done]").first.click()
        page.wait_for_load_state("networkidle")
    page.locator("input[name=res_name]").first.fill("云主机 jj-xzsp-db01")
    page.locator("input[name=res_spec]").first.fill("4 vCPU / 8 GB / 100 GB")
    page.locator("input[name=res_address]").first.fill("10.8.12.31")
    page.locator("textarea[name=delivery_note]").fill("经堡垒机登录，运维联系人徐鹏飞。")
    page.locator("textarea[name=comment]").fill("已交付，请验收。")
    screenshot(page, "sc_core_demo5_3_delivery")
    page.locator("#sc-approve").click()
    page.wait_for_load_state("networkidle")
    req.refresh_from_db()
    assert req.state == "delivered"

    # acceptance and rating by the applicant in the portal
    _as(page, world["applicant"])
    page.goto(f"/service-catalog/portal/requests/{req.pk}/")
    assert_chinese(page, "服务已交付，请验收并评价", "云主机 jj-xzsp-db01")
    page.locator("label[for=sc-star-5]").click()
    page.locator("textarea[name=rating_comment]").fill("交付及时，服务规范。")
    page.locator("#sc-accept-btn").click()
    page.wait_for_load_state("networkidle")
    req.refresh_from_db()
    assert req.state == "closed" and req.rating == 5
    assert_chinese(page, "服务申请函及需求单", "单位批复函", "服务需求确认单", "服务交付单", "服务验收评价单", "流程日志")
    assert page.locator("#sc-documents .list-group-item").count() == 5
    assert page.locator("#sc-trace").inner_text().count("同意") >= 2
    screenshot(page, "sc_core_demo5_4_closed")
    # each document downloads as Word and PDF
    for link in page.locator("#sc-documents a[href*='/docx/']").all()[:5]:
        resp = page.request.get(link.get_attribute("href"))
        assert resp.ok and resp.body()[:2] == b"PK"
    pdf = page.request.get(page.locator("#sc-documents a[href*='/pdf/']").first.get_attribute("href"))
    assert pdf.ok and pdf.body()[:5] == b"%PDF-"
    # my resources
    sub = Subscription.objects.get(request=req)
    page.goto("/service-catalog/portal/resources/")
    assert_chinese(page, "资源情况", sub.number, "运行中")
    screenshot(page, "sc_core_demo5_5_resources")
    page.goto(f"/service-catalog/portal/resources/{sub.pk}/")
    assert_chinese(page, "变更信息", "运维信息", "10.8.12.31")
    screenshot(page, "sc_core_demo5_6_subscription")
    assert ServiceRequest.objects.get(pk=req.pk).documents.count() == 5
    assert_local(page)


@pytest.mark.django_db(transaction=True)
def test_catalog_management_designer_and_mobile(page, mobile_page, world, screenshot):
    """Staff: the category tree (drag handles), the form-js designer saving a new version; department user on a
    phone: catalog, my requests and request detail."""
    from egov_service_catalog.models import ServiceForm
    from egov_service_catalog.services import requests as rs

    head = world["desk"]
    _as(page, head)
    page.goto("/service-catalog/manage/")
    assert_chinese(page, "服务目录管理", "政务云服务", "计算服务", "政务云主机", "大类", "中类")
    assert page.locator(".sc-drag").count() >= 3
    screenshot(page, "sc_core_catalog_tree")
    page.goto(f"/service-catalog/forms/item/{world['ecs'].pk}/?kind=apply")
    page.wait_for_selector(".fjs-editor-container", state="attached")
    page.wait_for_function("() => window.scDesigner !== undefined")
    assert_chinese(page, "表单设计", "保存为新版本", "版本记录")
    screenshot(page, "sc_core_form_designer")
    page.locator("input[name=name]").fill("政务云主机申请表（2027 版）")
    page.locator("#sc-designer-save").click()
    page.wait_for_load_state("networkidle")
    active = ServiceForm.objects.get(item=world["ecs"], kind="apply", is_active=True)
    assert active.name == "政务云主机申请表（2027 版）" and active.version == 2
    assert [c["key"] for c in active.schema["components"]][:2] == ["system_name", "contact_mobile"]

    req = rs.request_save(user=world["applicant"], item=world["ecs"], spec=world["ecs"].specs.first(), quantity=1,
                          title="移动端查看", submit=True,
                          form_data={"system_name": "行政审批系统", "contact_mobile": "13980012345", "zone": "extranet",
                                     "purpose": "移动端查看进度"})
    login(mobile_page, world["applicant"].username, PASSWORD)
    mobile_page.goto("/service-catalog/m/")
    assert_chinese(mobile_page, "服务目录", "政务云主机")
    assert mobile_page.evaluate("() => document.documentElement.scrollWidth") <= 391
    screenshot(mobile_page, "sc_core_mobile_catalog")
    mobile_page.goto("/service-catalog/m/requests/")
    mobile_page.get_by_text("政务云主机").first.click()
    mobile_page.wait_for_load_state("networkidle")
    assert_chinese(mobile_page, req.number, "单位批复函", "流程日志")
    assert mobile_page.evaluate("() => document.documentElement.scrollWidth") <= 391
    screenshot(mobile_page, "sc_core_mobile_request")
    assert_local(page)
