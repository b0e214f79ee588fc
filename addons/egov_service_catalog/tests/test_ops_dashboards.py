"""管理单位工作门户 panels, analytics (scored demo 6) with period comparison and export, service reports (PDF +
Excel with charts, scheduled, idempotent, downloadable in the portal by the own department only), outsourcing
deliverable acceptance."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from egov_service_catalog.models import (
    Deliverable,
    OutsourcingContract,
    PoolMetric,
    ResourcePool,
    ServiceReport,
    ServiceRequest,
    Subscription,
)
from egov_service_catalog.services import analytics as an
from egov_service_catalog.services import reports as rp

from .test_ops_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _req(n, item, org, user, state, days_ago, cycle_hours=None, rating=None, overdue=False):
    sub = NOW - dt.timedelta(days=days_ago)
    r = ServiceRequest.objects.create(number=f"SR-T-{n:05d}", item=item, organization=org, applicant=user)
    ServiceRequest.objects.filter(pk=r.pk).update(
        state=state, submitted_at=sub, overdue=overdue, rating=rating,
        delivered_at=sub + dt.timedelta(hours=cycle_hours) if cycle_hours else None)
    return r


@pytest.fixture
def history(ops_items, orgs, users, catalog):
    cloud, sms = ops_items["cloud"], ops_items["sms"]  # cloud sla 72 h
    jj, qy = orgs["jinjiang"], orgs["qingyang"]
    u_jj, u_qy = users["dept_user"], users["qy_admin"]
    n = 0
    rows = [  # item, org, user, state, days ago, cycle, rating
        (cloud, jj, u_jj, "closed", 5, 48, 5), (cloud, jj, u_jj, "closed", 10, 96, 3),
        (cloud, jj, u_jj, "in_progress", 3, None, None), (cloud, qy, u_qy, "delivered", 20, 24, None),
        (sms, qy, u_qy, "closed", 15, 12, 4), (sms, jj, u_jj, "rejected", 30, None, None),
        (cloud, jj, u_jj, "closed", 100, 30, 5),  # previous period (for comparison)
        (cloud, qy, u_qy, "closed", 120, 40, 4),
    ]
    for item, org, user, state, days, cyc, rating in rows:
        n += 1
        _req(n, item, org, user, state, days, cyc, rating)
    for i, org in enumerate((jj, jj, qy)):
        Subscription.objects.create(number=f"SUB-T-{i}", organization=org, item=cloud, quantity=2 + i,
                                    started_at=NOW - dt.timedelta(days=30))
    pool = ResourcePool.objects.create(code="P-C", name="政务云天府资源池", pool_type="cloud", source="manual",
                                       provider=orgs["centre"])
    PoolMetric.objects.create(pool=pool, code="vcpu", name="vCPU", unit="核", total=1000, used=850, level="warning")
    return {"cloud": cloud, "sms": sms}


def test_pool_panels_figures(history, users):
    panels = {p["type"]: p for p in an.pool_panels(user=users["dept_head"])}
    assert set(panels) == {"room", "network", "cloud", "storage", "support"}
    c = panels["cloud"]
    assert c["metrics"][0]["percent"] == 85.0 and c["metrics"][0]["level"] == "warning"
    assert c["requests"] == 4  # cloud requests in the last 90 days
    assert c["done"] == 3 and c["open"] == 1
    assert c["cycle_hours"] == pytest.approx((48 + 96 + 24) / 3, 0.1)
    assert c["sla_rate"] == pytest.approx(66.7, 0.1)  # 96 h > 72 h
    assert {r["name"]: r["value"] for r in c["by_type"]} == {"政务云": 3}


def test_analytics_by_department_type_and_comparison(history, users, orgs):
    today = timezone.localdate()
    data = an.analytics(user=users["dept_head"], start=today - dt.timedelta(days=89), end=today)
    assert data["totals"]["applications"] == 6 and data["prev_totals"]["applications"] == 2
    by_dept = {r["key"]: r for r in data["by_dept"]}
    assert by_dept["锦江区行政审批局"]["applications"] == 4 and by_dept["锦江区行政审批局"]["prev_applications"] == 1
    assert by_dept["锦江区行政审批局"]["satisfaction"] == 4.0
    by_type = {r["key"]: r for r in data["by_type"]}
    assert by_type["cloud"]["applications"] == 4 and by_type["sms"]["applications"] == 2
    assert by_type["cloud"]["label"] == "政务云"
    assert {r["key"]: r["count"] for r in data["in_use"]} == {"cloud": 3}
    # filters
    f = an.analytics(user=users["dept_head"], start=today - dt.timedelta(days=89), end=today, service_type="sms")
    assert f["totals"]["applications"] == 2
    f = an.analytics(user=users["dept_head"], start=today - dt.timedelta(days=89), end=today,
                     organization_id=orgs["qingyang"].pk)
    assert f["totals"]["applications"] == 2
    # a district administrator sees only the district's data
    q = an.analytics(user=users["qy_admin"], start=today - dt.timedelta(days=89), end=today)
    assert {r["key"] for r in q["by_dept"]} == {"青羊区行政审批局"}


def test_analytics_and_dashboard_pages(client, history, users):
    from openpyxl import load_workbook

    client.force_login(users["dept_head"])
    page = client.get("/service-catalog/ops/analytics/").content.decode()
    assert "按单位" in page and "锦江区行政审批局" in page and 'id="sc-analytics-data"' in page
    bad = client.get("/service-catalog/ops/analytics/?start=2026-12-01&end=2026-01-01")
    assert bad.status_code == 200 and "开始日期不能晚于结束日期" in bad.content.decode()
    xlsx = client.get("/service-catalog/ops/analytics/export/?service_type=cloud")
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["按单位", "按资源类型", "按服务项", "在用资源"]
    dash = client.get("/service-catalog/ops/dashboard/").content.decode()
    for label in ("政务集中机房", "电子政务外网", "政务云", "政务数据存储与灾备", "公共支撑平台", "SLA 达成率"):
        assert label in dash
    api = client.get("/api/v1/service-catalog/ops/analytics/?start=2026-01-01&end=2026-12-31")
    assert api.status_code == 200
    assert client.get("/api/v1/service-catalog/ops/analytics/?start=bad").status_code == 400
    client.force_login(users["dept_user"])
    assert client.get("/service-catalog/ops/analytics/").status_code == 403
    assert client.get("/service-catalog/ops/analytics/export/").status_code == 403
    assert client.get("/api/v1/service-catalog/ops/analytics/").status_code == 403


def test_service_reports_generated_kept_and_scoped(client, history, users, orgs):
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    rep = rp.report_generate(period_type="month", period_start=last_month, subject="department",
                             organization=orgs["jinjiang"], user=users["dept_head"])
    assert rep.pdf_file.read()[:4] == b"%PDF"
    xlsx = rep.xlsx_file.open("rb").read()
    assert b"xl/charts/chart" in xlsx  # native Excel charts inside
    name = rep.pdf_file.name
    again = rp.report_generate(period_type="month", period_start=last_month, subject="department",
                               organization=orgs["jinjiang"], user=users["dept_head"])
    assert again.pk == rep.pk and ServiceReport.objects.count() == 1 and again.pdf_file.name == name
    # quarterly / annual ranges
    assert rp.period_range("quarter", dt.date(2026, 11, 5)) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert rp.period_range("year", dt.date(2026, 11, 5)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    # the department downloads its own report in the portal; another district cannot (page, URL)
    client.force_login(users["dept_user"])
    page = client.get("/service-catalog/portal/reports/").content.decode()
    assert rep.title in page
    resp = client.get(f"/service-catalog/portal/reports/{rep.pk}/pdf/")
    assert resp.status_code == 200 and b"".join(resp.streaming_content)[:4] == b"%PDF"
    client.force_login(users["qy_admin"])
    assert rep.title not in client.get("/service-catalog/portal/reports/").content.decode()
    assert client.get(f"/service-catalog/portal/reports/{rep.pk}/pdf/").status_code == 404
    assert client.get(f"/service-catalog/servicereport/{rep.pk}/").status_code == 404


def test_scheduled_reports_only_on_first_day_and_idempotent(history, users, orgs):
    assert rp.reports_generate_due(today=dt.date(2026, 11, 15)) == 0
    n = rp.reports_generate_due(today=dt.date(2027, 1, 1), limit=4)
    assert n == 4
    assert set(ServiceReport.objects.values_list("period_type", flat=True)) <= {"month", "quarter", "year"}
    before = ServiceReport.objects.count()
    assert rp.reports_generate_due(today=dt.date(2027, 1, 1), limit=4) == 4  # the next four, never the same
    assert ServiceReport.objects.count() == before + 4


def test_deliverable_acceptance(client, users, orgs, vendor):
    c = OutsourcingContract.objects.create(number="HT-1", name="政务云运营服务", vendor=vendor, owner=orgs["centre"],
                                           amount=Decimal("1000000"), start_date=dt.date(2026, 1, 1),
                                           end_date=dt.date(2026, 12, 31))
    d = Deliverable.objects.create(contract=c, name="10月运维报告", due_date=dt.date(2026, 11, 5))
    client.force_login(users["dept_head"])
    client.post(f"/service-catalog/ops/deliverables/{d.pk}/submit/")
    d.refresh_from_db()
    assert d.status == "pending"  # needs an uploaded file first
    from django.core.files.uploadedfile import SimpleUploadedFile

    from egov_base.files.services import attach

    attach(obj=d, file=SimpleUploadedFile("报告.pdf", b"%PDF-1.4\n%%EOF\n"), user=users["dept_head"])
    client.post(f"/service-catalog/ops/deliverables/{d.pk}/submit/")
    d.refresh_from_db()
    assert d.status == "submitted"
    client.post(f"/service-catalog/ops/deliverables/{d.pk}/reject/", {"comment": ""})
    d.refresh_from_db()
    assert d.status == "submitted"  # a rejection needs a comment
    client.post(f"/service-catalog/ops/deliverables/{d.pk}/accept/", {"score": "92", "comment": "内容完整"})
    d.refresh_from_db()
    assert d.status == "accepted" and d.score == 92 and d.accepted_by == users["dept_head"]
    client.force_login(users["dept_user"])
    assert client.get(f"/service-catalog/deliverable/{d.pk}/").status_code == 403
    assert client.post(f"/service-catalog/ops/deliverables/{d.pk}/accept/", {"score": "1"}).status_code == 403


def test_contract_expiry_and_english_pages(client, users, orgs, vendor, history):
    from egov_service_catalog.services.outsourcing import contracts_expire

    c = OutsourcingContract.objects.create(number="HT-2", name="机房运维", vendor=vendor, owner=orgs["centre"],
                                           start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    assert contracts_expire(today=dt.date(2026, 1, 2)) == 1
    c.refresh_from_db()
    assert c.status == "expired"
    client.force_login(users["dept_head"])
    client.cookies["django_language"] = "en"
    page = client.get("/service-catalog/ops/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Management workspace" in page and "Government data centre" in page
    page = client.get("/service-catalog/ops/analytics/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "By organisation: applications, approvals and previous period" in page
