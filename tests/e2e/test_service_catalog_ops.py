"""Scored demo 6 (analytics charts by department and by resource type), the 管理单位工作门户 panels, the
department's 使用单位工作门户, and a ticket and a complaint from the portal — in a real browser as the real roles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from .helpers import assert_chinese, assert_local

pytestmark = pytest.mark.e2e


@pytest.fixture
def ops_world(users, orgs, regions):
    from django.core.cache import cache
    from django.utils import timezone

    from egov_base.org.models import Organization
    from egov_service_catalog.models import (
        PoolAllocation,
        PoolMetric,
        ProblemType,
        ResourcePool,
        ServiceCategory,
        ServiceItem,
        ServiceRequest,
        Subscription,
    )
    from egov_service_catalog.services.resources import metric_save

    cache.delete_pattern("sc:*")
    extra = [
        Organization.objects.create(name=name, code=code, kind="city_dept", region=regions["city"])
        for code, name in (("T-WJW", "成都市卫生健康委员会"), ("T-GAJ", "成都市公安局"), ("T-RSJ", "成都市人力资源和社会保障局"),
                           ("T-JYJ", "成都市教育局"), ("T-SCJG", "成都市市场监督管理局"))
    ]
    depts = [orgs["jinjiang"], orgs["qingyang"], orgs["city"], *extra]
    top = ServiceCategory.objects.create(code="E-ZWY", name="政务云服务", icon="ti ti-cloud", sort=1)
    net = ServiceCategory.objects.create(code="E-WW", name="电子政务外网服务", icon="ti ti-network", sort=2)
    oth = ServiceCategory.objects.create(code="E-OT", name="机房、灾备与公共支撑", icon="ti ti-server-2", sort=3)
    items = {}
    for code, name, stype, cat, sla in (
        ("E-ECS", "政务云主机", "cloud", top, 72), ("E-RDS", "云数据库 MySQL", "cloud", top, 72),
        ("E-IP", "IP 地址申请", "network", net, 24), ("E-LINE", "外网专线接入", "network", net, 120),
        ("E-RACK", "机柜托管", "hosting", oth, 120), ("E-BAK", "数据备份", "dr", oth, 48),
        ("E-SMS", "政务短信", "sms", oth, 24),
    ):
        items[code] = ServiceItem.objects.create(code=code, name=name, category=cat, service_type=stype,
                                                 provider=orgs["centre"], sla_hours=sla, summary=f"{name}服务")
    ServiceItem.objects.filter(pk__in=[i.pk for i in items.values()]).update(status="published")
    ProblemType.objects.create(item=items["E-ECS"], name="云主机无法远程登录",
                               solution="1. 确认安全组已放通 22/3389 端口；\n2. 通过控制台 VNC 检查远程服务是否运行。")
    ProblemType.objects.create(item=items["E-ECS"], name="云硬盘空间不足", solution="提交变更申请扩容云硬盘。")
    now = timezone.now()
    user = users["dept_user"]
    n = 0
    plan = [("E-ECS", 14), ("E-RDS", 6), ("E-IP", 9), ("E-LINE", 3), ("E-RACK", 4), ("E-BAK", 5), ("E-SMS", 7)]
    for code, count in plan:
        for k in range(count):
            n += 1
            org = depts[(n * 3 + k) % len(depts)]
            days = (n * 7) % 170
            state = ["closed", "closed", "delivered", "in_progress", "rejected", "closed"][n % 6]
            r = ServiceRequest.objects.create(number=f"SR-E-{n:05d}", item=items[code], organization=org,
                                              applicant=user)
            sub = now - dt.timedelta(days=days, hours=n)
            ServiceRequest.objects.filter(pk=r.pk).update(
                state=state, submitted_at=sub,
                delivered_at=sub + dt.timedelta(hours=12 + (n * 13) % 110) if state in ("closed", "delivered") else None,
                rating=(3 + n % 3) if state == "closed" else None)
            if state in ("closed", "delivered"):
                Subscription.objects.create(number=f"SUB-E-{n:05d}", organization=org, item=items[code],
                                            quantity=1 + n % 4, started_at=sub)
    for i, code in enumerate(("E-ECS", "E-IP", "E-SMS", "E-BAK")):  # the portal user's own services
        Subscription.objects.create(number=f"SUB-E-JJ{i}", organization=orgs["jinjiang"], item=items[code],
                                    quantity=2 + i, started_at=now - dt.timedelta(days=40 + i))
    for code, name, ptype, metrics in (
        ("E-P-CLOUD", "政务云天府资源池", "cloud", [("vcpu", "vCPU", "核", 24576, 19180), ("memory", "内存", "GB", 98304, 72800)]),
        ("E-P-ROOM", "天府新区政务集中机房", "room", [("rack", "标准机柜", "个", 420, 388), ("power", "IT 负载", "kW", 2520, 1890)]),
        ("E-P-NET", "电子政务外网城域网", "network", [("access", "接入单位", "个", 1600, 1378)]),
        ("E-P-DR", "政务数据备份资源池", "storage", [("backup", "备份容量", "TB", 4000, 2630)]),
        ("E-P-IAM", "统一身份认证平台", "support", [("apps", "接入应用", "个", 800, 486)]),
    ):
        pool = ResourcePool.objects.create(code=code, name=name, pool_type=ptype, source="manual",
                                           provider=orgs["centre"])
        for mcode, mname, unit, total, used in metrics:
            m = metric_save(user=users["dept_head"], metric=PoolMetric(
                pool=pool, code=mcode, name=mname, unit=unit, total=Decimal(total), used=Decimal(used)))
            for i, org in enumerate(depts):
                PoolAllocation.objects.create(metric=m, organization=org,
                                              amount=(Decimal(used) * Decimal(8 - i) / Decimal(40)).quantize(Decimal("1")))
    return {"items": items}


def test_demo6_analytics_and_management_portal(login_as, page, screenshot, ops_world):
    login_as("dept_head")
    page.goto("/service-catalog/ops/analytics/?start=2026-01-01&end=2026-12-31")
    page.wait_for_selector("#sc-chart-dept canvas")
    page.wait_for_selector("#sc-chart-type canvas")
    page.wait_for_selector("#sc-chart-inuse canvas")
    assert_chinese(page, "服务分析", "按单位：申请量、审批通过与上期对比", "按资源类型：申请量与平均办理时长", "在用资源（按资源类型）",
                   "成都市卫生健康委员会")
    screenshot(page, "sc_ops_analytics")
    # filter by resource type: only 政务云 rows remain in the department table
    page.select_option("#f-type", "cloud")
    with page.expect_navigation():
        page.locator("#sc-analytics-filter button[type=submit]").click()
    page.wait_for_selector("#sc-chart-dept canvas")
    assert "service_type=cloud" in page.url
    with page.expect_download() as dl:
        page.get_by_text("导出 Excel").click()
    assert dl.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "sc_ops_analytics_cloud")

    page.goto("/service-catalog/ops/dashboard/")
    page.wait_for_selector('#panel-cloud .sc-chart[data-chart="dept"] canvas')
    assert_chinese(page, "管理单位工作门户", "政务集中机房", "电子政务外网", "政务数据存储与灾备", "公共支撑平台", "SLA 达成率",
                   "vCPU")
    screenshot(page, "sc_ops_dashboard_cloud")
    page.locator('[data-sc-tab="room"]').click()
    page.wait_for_selector('#panel-room .sc-chart[data-chart="dept"] canvas')
    assert page.locator("#panel-room").is_visible() and not page.locator("#panel-cloud").is_visible()
    assert_chinese(page, "标准机柜")
    screenshot(page, "sc_ops_dashboard_room")
    assert_local(page)


def test_portal_workspace_ticket_and_complaint(login_as, page, screenshot, ops_world):
    from egov_service_catalog.models import Feedback, Ticket

    login_as("dept_user")
    page.goto("/service-catalog/portal/workspace/")
    page.wait_for_selector("#sc-ws-subs canvas")
    assert_chinese(page, "使用单位工作门户", "在用服务", "资源使用", "政务云天府资源池")
    screenshot(page, "sc_ops_portal_workspace")

    # 提交工单: service → common problems with solutions → ticket
    page.get_by_role("button", name="服务中心").click()
    page.get_by_role("link", name="提交工单").first.click()
    page.get_by_text("政务云主机").first.click()
    assert_chinese(page, "常见问题与解决办法", "确认安全组已放通")
    screenshot(page, "sc_ops_ticket_problems")
    page.get_by_text("仍未解决，提交工单").first.click()
    page.locator("#id_title").fill("审批系统应用服务器无法远程登录")
    page.locator("#id_description").fill("今天上午起通过堡垒机远程登录 10.20.31.15 连接超时，业务访问正常。")
    with page.expect_navigation():
        page.get_by_role("button", name="提交工单").click()
    ticket = Ticket.objects.get()
    assert_chinese(page, ticket.number, "审批系统应用服务器无法远程登录")
    screenshot(page, "sc_ops_ticket_done")

    # 我要投诉: the 投诉须知 must be confirmed
    page.goto("/service-catalog/portal/complain/")
    assert_chinese(page, "投诉须知", "实事求是")
    page.locator("#id_title").fill("数据库资源交付超过承诺时限")
    page.locator("#id_content").fill("11 月 3 日申请的数据库实例承诺 3 个工作日交付，实际 9 天后才交付。")
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    assert_chinese(page, "请阅读并确认《投诉须知》后再提交")
    assert not Feedback.objects.exists()
    screenshot(page, "sc_ops_complaint_notice")
    page.locator("#id_notice_accepted").check()
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    fb = Feedback.objects.get()
    assert fb.kind == "complaint" and fb.notice_accepted_at
    assert_chinese(page, "我的建议与投诉", fb.number)
    screenshot(page, "sc_ops_complaint_done")
    assert_local(page)


def test_bill_import_reconciliation_and_pool_page(login_as, page, screenshot, ops_world, orgs, tmp_path):
    import datetime as dt
    from decimal import Decimal

    from egov_service_catalog.models import PriceBookEntry, ProviderBill, ResourcePool, UsageRecord, Vendor

    sms = ops_world["items"]["E-SMS"]
    Vendor.objects.create(code="VD-CMCC", name="中国移动通信集团四川有限公司成都分公司")
    PriceBookEntry.objects.create(item=sms, charge_code="SMS-STD", name="政务短信", unit="条", unit_price=Decimal("0.04"),
                                  valid_from=dt.date(2026, 1, 1))
    for org, qty in ((orgs["jinjiang"], 100000), (orgs["qingyang"], 50000), (orgs["city"], 3000)):
        UsageRecord.objects.create(item=sms, organization=org, period=dt.date(2026, 10, 1), charge_code="SMS-STD",
                                   quantity=qty)
    sms.billing_mode = "metered"
    sms.save(update_fields=["billing_mode"])
    csv = tmp_path / "成都移动政务短信账单202610.csv"
    csv.write_text("单位编码,单位名称,计费编码,计费项,用量,单价,金额\n"
                   "JJ-XZSP,锦江区行政审批局,SMS-STD,政务短信,100000,0.04,4000.00\n"
                   "QY-XZSP,青羊区行政审批局,SMS-STD,政务短信,52000,0.04,2080.00\n", encoding="gbk")
    login_as("dept_head")
    page.goto("/service-catalog/ops/bills/import/")
    page.select_option("#id_vendor", label="中国移动通信集团四川有限公司成都分公司")
    page.select_option("#id_item", label="政务短信")
    page.locator("#id_period").fill("2026-10")
    page.locator("#id_file").set_input_files(str(csv))
    with page.expect_navigation():
        page.get_by_role("button", name="导入并对账").click()
    bill = ProviderBill.objects.get()
    assert bill.diff_count == 2
    assert_chinese(page, "逐行对账", "用量不符", "账单漏计", "一致")
    screenshot(page, "sc_ops_bill_reconciliation")
    pool = ResourcePool.objects.get(code="E-P-ROOM")
    page.goto(f"/service-catalog/resourcepool/{pool.pk}/?tab=capacity")
    assert_chinese(page, "标准机柜", "容量预警记录")
    screenshot(page, "sc_ops_pool_capacity")
    assert_local(page)
