"""资源计费 writes: import a provider's bill (Excel/CSV) and usage records, compute the expected charge from the
price book, reconcile line by line, confirm or dispute; reconciliation exports (Excel, PDF).

Bill file columns (Chinese header row, any order; the first sheet of an .xlsx, or a CSV in UTF-8/GBK):
``单位编码`` ``计费编码`` ``用量`` ``单价`` ``金额`` and optional ``单位名称`` ``计费项``.
Usage file columns: ``单位编码`` ``计费编码`` ``用量``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from egov_base.audit.services import record_event
from egov_base.numbers import next_number

from ..models import BillLine, PriceBookEntry, ProviderBill, ServiceSpec, UsageRecord

CENT = Decimal("0.01")
TOLERANCE = Decimal("0.01")
MAX_ROWS = 50000

BILL_HEADERS = {
    "org_code": ("单位编码", "org_code", "组织编码"),
    "org_name": ("单位名称", "org_name", "使用单位"),
    "charge_code": ("计费编码", "charge_code", "计费项编码"),
    "description": ("计费项", "计费项目", "description", "项目"),
    "quantity": ("用量", "数量", "quantity", "计费量"),
    "unit_price": ("单价", "单价(元)", "unit_price"),
    "amount": ("金额", "金额(元)", "amount", "费用"),
}
BILL_REQUIRED = ("org_code", "charge_code", "quantity", "unit_price", "amount")
USAGE_REQUIRED = ("org_code", "charge_code", "quantity")


def month_start(value) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:7] + "-01")
        except ValueError:
            raise ValidationError({"period": gettext("账期格式应为 YYYY-MM。")}) from None
    return value.replace(day=1)


# --- reading files ---------------------------------------------------------------------------------------------

def _rows_from_file(file, name: str) -> list[list]:
    data = file.read() if hasattr(file, "read") else bytes(file)
    if hasattr(file, "seek"):
        file.seek(0)
    lower = (name or "").lower()
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any unreadable workbook
            raise ValidationError(gettext("无法读取 Excel 文件，请使用 .xlsx 格式。")) from None
        ws = wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
        return rows
    if lower.endswith(".csv") or lower.endswith(".txt"):
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(gettext("CSV 文件编码无法识别（请使用 UTF-8 或 GBK）。"))
        return [row for row in csv.reader(io.StringIO(text))]
    raise ValidationError(gettext("仅支持 .xlsx 或 .csv 文件。"))


def _header_map(rows, required) -> tuple[int, dict[str, int]]:
    """Find the header row (within the first 10 rows) and map our keys to column indexes."""
    for idx, row in enumerate(rows[:10]):
        cells = [str(c or "").strip() for c in row]
        mapping = {}
        for key, names in BILL_HEADERS.items():
            for i, cell in enumerate(cells):
                if cell in names:
                    mapping[key] = i
                    break
        if all(k in mapping for k in required):
            return idx, mapping
    labels = "、".join(BILL_HEADERS[k][0] for k in required)
    raise ValidationError(gettext("文件中找不到表头，需要包含列：%(cols)s。") % {"cols": labels})


def _decimal(value, *, row: int, label: str, errors: list, places=CENT) -> Decimal | None:
    if value in (None, ""):
        errors.append(gettext("第 %(row)s 行：%(label)s 不能为空。") % {"row": row, "label": label})
        return None
    try:
        d = Decimal(str(value).replace(",", "").replace("¥", "").strip())
    except InvalidOperation:
        errors.append(gettext("第 %(row)s 行：%(label)s“%(v)s”不是数字。") % {"row": row, "label": label, "v": value})
        return None
    if not d.is_finite() or d < 0:
        errors.append(gettext("第 %(row)s 行：%(label)s 不能为负数。") % {"row": row, "label": label})
        return None
    return d.quantize(places, rounding=ROUND_HALF_UP)


def _parse_lines(rows, required) -> tuple[list[dict], list[str]]:
    from egov_base.org.models import Organization

    head_idx, cols = _header_map(rows, required)
    body = [r for r in rows[head_idx + 1:] if any(c not in (None, "") for c in r)]
    if not body:
        raise ValidationError(gettext("文件中没有数据行。"))
    if len(body) > MAX_ROWS:
        raise ValidationError(gettext("数据行超过 %(n)s 行上限。") % {"n": MAX_ROWS})
    codes = {str(r[cols["org_code"]] or "").strip() for r in body if cols["org_code"] < len(r)}
    orgs = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    out, errors, seen = [], [], set()

    def cell(r, key):
        i = cols.get(key)
        return r[i] if i is not None and i < len(r) else None

    for n, r in enumerate(body, start=head_idx + 2):
        code = str(cell(r, "org_code") or "").strip()
        org = orgs.get(code)
        if org is None:
            errors.append(gettext("第 %(row)s 行：单位编码“%(code)s”不存在。") % {"row": n, "code": code})
        charge = str(cell(r, "charge_code") or "").strip()
        if not charge:
            errors.append(gettext("第 %(row)s 行：计费编码不能为空。") % {"row": n})
        line = {"row": n, "organization": org, "charge_code": charge[:64],
                "description": str(cell(r, "description") or "")[:255]}
        line["quantity"] = _decimal(cell(r, "quantity"), row=n, label=gettext("用量"), errors=errors)
        if "unit_price" in required:
            line["unit_price"] = _decimal(cell(r, "unit_price"), row=n, label=gettext("单价"), errors=errors,
                                          places=Decimal("0.0001"))
            line["amount"] = _decimal(cell(r, "amount"), row=n, label=gettext("金额"), errors=errors)
        key = (code, charge)
        if key in seen:
            errors.append(gettext("第 %(row)s 行：单位 %(code)s 的计费编码 %(charge)s 重复。") %
                          {"row": n, "code": code, "charge": charge})
        seen.add(key)
        out.append(line)
    return out, errors


# --- price book ------------------------------------------------------------------------------------------------

def price_lookup(*, item, charge_code: str, period: dt.date, _cache=None) -> Decimal | None:
    """The unit price of ``charge_code`` for ``item`` valid in ``period``: the price book entry first, else
    the item's active ServiceSpec whose code equals the charge code."""
    entry = (PriceBookEntry.objects.filter(item=item, charge_code=charge_code, valid_from__lte=period)
             .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period)).order_by("-valid_from").first())
    if entry is not None:
        return entry.unit_price
    spec = ServiceSpec.objects.filter(item=item, code=charge_code).first()
    if spec is not None and spec.unit_price:
        return Decimal(spec.unit_price)
    return None


# --- imports ---------------------------------------------------------------------------------------------------

def usage_import(*, user, item, period, file, name: str = "", source: str = "") -> int:
    """Upsert usage records of one month from a file. All rows or nothing (ValidationError lists row errors)."""
    period = month_start(period)
    rows = _rows_from_file(file, name or getattr(file, "name", ""))
    lines, errors = _parse_lines(rows, USAGE_REQUIRED)
    if errors:
        raise ValidationError(errors[:50])
    with transaction.atomic():
        for line in lines:
            UsageRecord.objects.update_or_create(
                item=item, organization=line["organization"], period=period, charge_code=line["charge_code"],
                defaults={"quantity": line["quantity"], "source": (source or name or "")[:64]},
            )
        record_event(action="import", model=UsageRecord, message=gettext("导入用量记录 %(n)s 条") % {"n": len(lines)},
                     data={"item": item.code, "period": str(period), "count": len(lines)})
    return len(lines)


def bill_import(*, user, vendor, item, period, file, name: str = "") -> ProviderBill:
    """Import a provider's bill for one month and reconcile it at once. Idempotent: the same file for the same
    vendor/item/month returns the existing bill; another file replaces the lines of a bill not yet confirmed."""
    if not user.has_perm("egov_service_catalog.reconcile_providerbill"):
        raise PermissionDenied
    period = month_start(period)
    name = name or getattr(file, "name", "") or "bill"
    data = file.read() if hasattr(file, "read") else bytes(file)
    sha = hashlib.sha256(data).hexdigest()
    rows = _rows_from_file(io.BytesIO(data), name)
    lines, errors = _parse_lines(rows, BILL_REQUIRED)
    if errors:
        raise ValidationError(errors[:50])
    with transaction.atomic():
        bill = ProviderBill.objects.select_for_update().filter(vendor=vendor, item=item, period=period).first()
        if bill is not None and bill.file_sha256 == sha:
            return bill
        if bill is not None and bill.status == ProviderBill.Status.CONFIRMED:
            raise ValidationError(gettext("该账期的账单已确认，不能重新导入。"))
        if bill is None:
            bill = ProviderBill(number=next_number("BL"), vendor=vendor, item=item, period=period)
        bill.file_name, bill.file_sha256 = name[:255], sha
        bill.status = ProviderBill.Status.IMPORTED
        bill.save()
        bill.lines.all().delete()
        BillLine.objects.bulk_create([
            BillLine(bill=bill, line_no=i, organization=ln["organization"], charge_code=ln["charge_code"],
                     description=ln["description"], billed_quantity=ln["quantity"],
                     billed_unit_price=ln["unit_price"], billed_amount=ln["amount"])
            for i, ln in enumerate(lines, 1)
        ])
        try:
            from egov_base.files.services import attach

            attach(obj=bill, file=_named(data, name), user=user, purpose="provider_bill", comment=gettext("供应商原始账单"))
        except ValidationError:
            raise
        record_event(action="import", obj=bill, message=gettext("导入供应商账单 %(n)s 行") % {"n": len(lines)},
                     data={"file": name, "sha256": sha, "lines": len(lines)})
        bill_reconcile(user=user, bill=bill)
    return bill


def _named(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


# --- reconciliation --------------------------------------------------------------------------------------------

def _q(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def bill_reconcile(*, user, bill: ProviderBill) -> ProviderBill:
    """Compare every bill line with the usage records and the price book; add 账单漏计 lines for usage the
    bill does not charge. Re-running gives the same result."""
    with transaction.atomic():
        bill = ProviderBill.objects.select_for_update().get(pk=bill.pk)
        if bill.status == ProviderBill.Status.CONFIRMED:
            raise ValidationError(gettext("账单已确认，不能重新对账。"))
        bill.lines.filter(result=BillLine.Result.NOT_IN_BILL).delete()
        usage = {(u.organization_id, u.charge_code): u.quantity
                 for u in UsageRecord.objects.filter(item_id=bill.item_id, period=bill.period)}
        prices: dict[str, Decimal | None] = {}

        def price(code):
            if code not in prices:
                prices[code] = price_lookup(item=bill.item, charge_code=code, period=bill.period)
            return prices[code]

        lines = list(bill.lines.all())
        seen = set()
        totals = defaultdict(Decimal)
        diff_count = 0
        for ln in lines:
            key = (ln.organization_id, ln.charge_code)
            seen.add(key)
            unit_price = price(ln.charge_code)
            qty = usage.get(key)
            ln.expected_quantity = qty if qty is not None else Decimal("0")
            ln.expected_unit_price = unit_price if unit_price is not None else Decimal("0")
            ln.expected_amount = _q(ln.expected_quantity * ln.expected_unit_price)
            ln.diff_amount = _q(ln.billed_amount - ln.expected_amount)
            if unit_price is None:
                ln.result = BillLine.Result.NO_PRICE
            elif qty is None:
                ln.result = BillLine.Result.NOT_IN_USAGE
            elif abs(ln.billed_quantity - qty) > TOLERANCE:
                ln.result = BillLine.Result.QUANTITY
            elif abs(ln.billed_unit_price - unit_price) > Decimal("0.00005"):
                ln.result = BillLine.Result.PRICE
            elif abs(ln.diff_amount) > TOLERANCE or abs(_q(ln.billed_quantity * ln.billed_unit_price)
                                                         - ln.billed_amount) > TOLERANCE:
                ln.result = BillLine.Result.AMOUNT
            else:
                ln.result = BillLine.Result.MATCH
            diff_count += ln.result != BillLine.Result.MATCH
        BillLine.objects.bulk_update(lines, ["expected_quantity", "expected_unit_price", "expected_amount",
                                             "diff_amount", "result"])
        extra = []
        next_no = max((ln.line_no for ln in lines), default=0)
        for (org_id, code), qty in sorted(usage.items()):
            if (org_id, code) in seen or not qty:
                continue
            next_no += 1
            unit_price = price(code) or Decimal("0")
            expected = _q(qty * unit_price)
            extra.append(BillLine(bill=bill, line_no=next_no, organization_id=org_id, charge_code=code,
                                  description=gettext("账单未计费的用量"), expected_quantity=qty,
                                  expected_unit_price=unit_price, expected_amount=expected, diff_amount=-expected,
                                  result=BillLine.Result.NOT_IN_BILL))
        BillLine.objects.bulk_create(extra)
        diff_count += len(extra)
        for ln in [*lines, *extra]:
            totals["billed"] += ln.billed_amount
            totals["expected"] += ln.expected_amount
        bill.line_count = len(lines)
        bill.billed_total = _q(totals["billed"])
        bill.expected_total = _q(totals["expected"])
        bill.diff_total = _q(totals["billed"] - totals["expected"])
        bill.diff_count = diff_count
        bill.status = ProviderBill.Status.RECONCILED
        bill.reconciled_at = timezone.now()
        bill.save()
    return bill


def bill_confirm(*, user, bill: ProviderBill, note: str = "", dispute: bool = False) -> ProviderBill:
    """确认 (agree to pay) or 提出异议 (send the differences back to the vendor)."""
    if not user.has_perm("egov_service_catalog.reconcile_providerbill"):
        raise PermissionDenied
    with transaction.atomic():
        bill = ProviderBill.objects.select_for_update().get(pk=bill.pk)
        if bill.status not in (ProviderBill.Status.RECONCILED, ProviderBill.Status.DISPUTED):
            raise ValidationError(gettext("只有已对账的账单可以确认或提出异议。"))
        if dispute and not note.strip():
            raise ValidationError({"note": gettext("提出异议时请填写说明。")})
        if not dispute and bill.diff_count and not note.strip():
            raise ValidationError({"note": gettext("账单存在差异，确认前请填写处理说明。")})
        bill.status = ProviderBill.Status.DISPUTED if dispute else ProviderBill.Status.CONFIRMED
        bill.note = note.strip()
        if not dispute:
            bill.confirmed_by, bill.confirmed_at = user, timezone.now()
        bill.save()
    return bill
