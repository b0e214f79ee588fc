"""Metered billing: import a provider bill (CSV / Excel) and usage records, reconcile line by line against the
price book, show every kind of difference, exports, idempotency, bad files change nothing, scope of lines."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from egov_service_catalog.models import BillLine, PriceBookEntry, ProviderBill, UsageRecord
from egov_service_catalog.services import billing

from .test_ops_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db
PERIOD = dt.date(2026, 10, 1)


def _csv(rows, header="单位编码,单位名称,计费编码,计费项,用量,单价,金额", encoding="utf-8"):
    text = header + "\n" + "\n".join(",".join(str(c) for c in r) for r in rows) + "\n"
    return SimpleUploadedFile("bill.csv", text.encode(encoding), content_type="text/csv")


def _xlsx(rows, header):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["成都移动政务短信账单（2026年10月）"])
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("bill.xlsx", buf.getvalue())


@pytest.fixture
def priced(ops_items, orgs, users):
    sms = ops_items["sms"]
    PriceBookEntry.objects.create(item=sms, charge_code="SMS-STD", name="政务短信", unit="条",
                                  unit_price=Decimal("0.04"), valid_from=dt.date(2026, 1, 1))
    # an older price that must not apply in October
    PriceBookEntry.objects.create(item=sms, charge_code="SMS-STD", name="政务短信", unit="条",
                                  unit_price=Decimal("0.05"), valid_from=dt.date(2025, 1, 1),
                                  valid_to=dt.date(2025, 12, 31))
    usage = "单位编码,计费编码,用量\nJJ-XZSP,SMS-STD,100000\nQY-XZSP,SMS-STD,50000\nCITY-JXJ,SMS-STD,20000\n" \
            "CITY-DSJ,SMS-STD,8000\nJJ-XZSP-XX,SMS-STD,3000\n"
    n = billing.usage_import(user=users["dept_head"], item=sms, period=PERIOD,
                             file=SimpleUploadedFile("usage.csv", usage.encode("gbk")), name="usage.csv")
    assert n == 5
    return sms


BILL_ROWS = [
    ("JJ-XZSP", "锦江区行政审批局", "SMS-STD", "政务短信", 100000, "0.04", "4000.00"),   # match
    ("QY-XZSP", "青羊区行政审批局", "SMS-STD", "政务短信", 52000, "0.04", "2080.00"),    # quantity differs
    ("CITY-JXJ", "市经信局", "SMS-STD", "政务短信", 20000, "0.045", "900.00"),           # price differs
    ("CITY-DSJ", "大数据中心", "SMS-STD", "政务短信", 8000, "0.04", "330.00"),           # amount differs
    ("CITY-JXJ", "市经信局", "SMS-INTL", "国际短信", 100, "0.35", "35.00"),              # no price / no usage
]
# JJ-XZSP-XX has usage 3000 but no bill line -> 账单漏计


def test_reconcile_reports_each_difference(priced, vendor, users, orgs):
    bill = billing.bill_import(user=users["dept_head"], vendor=vendor, item=priced, period=PERIOD,
                               file=_csv(BILL_ROWS), name="bill.csv")
    lines = {(ln.organization.code, ln.charge_code): ln for ln in bill.lines.select_related("organization")}
    assert lines[("JJ-XZSP", "SMS-STD")].result == "match"
    q = lines[("QY-XZSP", "SMS-STD")]
    assert q.result == "quantity" and q.expected_quantity == 50000 and q.diff_amount == Decimal("80.00")
    p = lines[("CITY-JXJ", "SMS-STD")]
    assert p.result == "price" and p.expected_unit_price == Decimal("0.04") and p.diff_amount == Decimal("100.00")
    a = lines[("CITY-DSJ", "SMS-STD")]
    assert a.result == "amount" and a.expected_amount == Decimal("320.00") and a.diff_amount == Decimal("10.00")
    assert lines[("CITY-JXJ", "SMS-INTL")].result == "no_price"
    missing = lines[("JJ-XZSP-XX", "SMS-STD")]
    assert missing.result == "not_in_bill" and missing.expected_amount == Decimal("120.00")
    assert missing.diff_amount == Decimal("-120.00") and missing.billed_amount == 0
    bill.refresh_from_db()
    assert bill.status == "reconciled" and bill.diff_count == 5
    assert bill.billed_total == Decimal("7345.00")
    assert bill.expected_total == Decimal("4000") + Decimal("2000") + Decimal("800") + Decimal("320") + Decimal("120")
    assert bill.diff_total == bill.billed_total - bill.expected_total
    # re-running gives the same result (the synthetic 漏计 line is not duplicated)
    billing.bill_reconcile(user=users["dept_head"], bill=bill)
    assert bill.lines.filter(result="not_in_bill").count() == 1
    # importing the very same file again returns the same bill, writes nothing
    again = billing.bill_import(user=users["dept_head"], vendor=vendor, item=priced, period=PERIOD,
                                file=_csv(BILL_ROWS), name="bill.csv")
    assert again.pk == bill.pk and ProviderBill.objects.count() == 1 and bill.lines.count() == 6
    # the original file is kept as an attachment
    from egov_base.files.services import attachments_for

    assert attachments_for(bill).filter(purpose="provider_bill").count() == 1


def test_excel_import_and_spec_price_fallback(ops_items, vendor, users, orgs):
    dr = ops_items["dr"]  # no price book entry: the DR-BAK spec's unit price 680 applies
    UsageRecord.objects.create(item=dr, organization=orgs["jinjiang"], period=PERIOD, charge_code="DR-BAK",
                               quantity=Decimal("12.5"))
    f = _xlsx([("JJ-XZSP", "锦江区行政审批局", "DR-BAK", "备份容量", 12.5, 680, 8500)],
              ["单位编码", "单位名称", "计费编码", "计费项", "用量", "单价", "金额"])
    bill = billing.bill_import(user=users["dept_head"], vendor=vendor, item=dr, period=PERIOD, file=f, name="b.xlsx")
    line = bill.lines.get()
    assert line.result == "match" and line.expected_amount == Decimal("8500.00")


def test_bad_bill_file_lists_rows_and_saves_nothing(priced, vendor, users):
    rows = [("JJ-XZSP", "x", "SMS-STD", "短信", "abc", "0.04", "1"), ("NOPE", "x", "SMS-STD", "短信", 1, "0.04", "0.04"),
            ("QY-XZSP", "x", "", "短信", 1, "0.04", "0.04"), ("QY-XZSP", "x", "SMS-STD", "短信", -5, "0.04", "1")]
    with pytest.raises(ValidationError) as exc:
        billing.bill_import(user=users["dept_head"], vendor=vendor, item=priced, period=PERIOD, file=_csv(rows),
                            name="bill.csv")
    text = " ".join(exc.value.messages)
    assert "第 2 行" in text and "不是数字" in text and "“NOPE”不存在" in text and "计费编码不能为空" in text
    assert "不能为负数" in text
    assert not ProviderBill.objects.exists() and not BillLine.objects.exists()
    with pytest.raises(ValidationError, match="找不到表头"):
        billing.bill_import(user=users["dept_head"], vendor=vendor, item=priced, period=PERIOD,
                            file=_csv([("a", "b")], header="x,y"), name="bill.csv")
    with pytest.raises(ValidationError, match="仅支持"):
        billing.bill_import(user=users["dept_head"], vendor=vendor, item=priced, period=PERIOD,
                            file=SimpleUploadedFile("bill.pdf", b"%PDF-1.4"), name="bill.pdf")


def test_confirm_rules_and_permission(priced, vendor, users):
    from django.core.exceptions import PermissionDenied

    bill = billing.bill_import(user=users["dept_head"], vendor=vendor, item=priced, period=PERIOD,
                               file=_csv(BILL_ROWS), name="bill.csv")
    with pytest.raises(ValidationError, match="填写处理说明"):
        billing.bill_confirm(user=users["dept_head"], bill=bill)
    with pytest.raises(PermissionDenied):
        billing.bill_confirm(user=users["dept_user"], bill=bill, note="x")
    with pytest.raises(PermissionDenied):
        billing.bill_import(user=users["dept_user"], vendor=vendor, item=priced, period=PERIOD,
                            file=_csv(BILL_ROWS), name="bill.csv")
    billing.bill_confirm(user=users["dept_head"], bill=bill, note="差额 300 元由服务商在下期冲抵。")
    bill.refresh_from_db()
    assert bill.status == "confirmed" and bill.confirmed_by == users["dept_head"]
    with pytest.raises(ValidationError, match="已确认"):
        billing.bill_import(user=users["dept_head"], vendor=vendor, item=priced, period=PERIOD,
                            file=_csv(BILL_ROWS[:2]), name="bill2.csv")


def test_bill_pages_exports_and_scope(client, priced, vendor, users, orgs):
    from openpyxl import load_workbook

    client.force_login(users["dept_head"])
    resp = client.post("/service-catalog/ops/bills/import/", {
        "vendor": vendor.pk, "item": priced.pk, "period": "2026-10", "kind": "bill", "file": _csv(BILL_ROWS)})
    assert resp.status_code == 302
    bill = ProviderBill.objects.get()
    page = client.get(f"/service-catalog/ops/bills/{bill.pk}/?only=diff").content.decode()
    assert "用量不符" in page and "单价不符" in page and "账单漏计" in page and "锦江区行政审批局信息科" in page
    xlsx = client.get(f"/service-catalog/ops/bills/{bill.pk}/export/xlsx/")
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "用量不符" in values and "合计" in values
    pdf = client.get(f"/service-catalog/ops/bills/{bill.pk}/export/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # bad upload through the page: Chinese row errors, nothing written
    resp = client.post("/service-catalog/ops/bills/import/", {
        "vendor": vendor.pk, "item": priced.pk, "period": "2026-09", "kind": "bill",
        "file": _csv([("NOPE", "x", "SMS-STD", "x", 1, 1, 1)])})
    assert resp.status_code == 200 and "未写入任何数据" in resp.content.decode()
    assert ProviderBill.objects.count() == 1
    # a department sees only its own bill lines (generic list and API), never the bill itself
    client.force_login(users["dept_user"])  # 锦江区行政审批局
    assert client.get(f"/service-catalog/ops/bills/{bill.pk}/").status_code == 403
    assert client.get(f"/service-catalog/ops/bills/{bill.pk}/export/xlsx/").status_code == 403
    api = client.get("/api/v1/service-catalog/ops/bill-lines/").json()
    orgs_seen = {r["organization_name"] for r in api["results"]}
    assert orgs_seen == {"锦江区行政审批局", "锦江区行政审批局信息科"}
    other = BillLine.objects.get(organization=orgs["qingyang"])
    assert client.get(f"/api/v1/service-catalog/ops/bill-lines/{other.pk}/").status_code == 404
    assert client.get(f"/service-catalog/billline/{other.pk}/").status_code == 404
    client.force_login(users["qy_admin"])
    api = client.get("/api/v1/service-catalog/ops/bill-lines/").json()
    assert {r["organization_name"] for r in api["results"]} == {"青羊区行政审批局"}
