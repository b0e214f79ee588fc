"""资源计费: a price book for usage-priced services (SMS, DR), usage records, the provider's bills imported from
Excel/CSV and the line-by-line reconciliation of billed against expected charges."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov_base.mixins import TimeStampedModel
from egov_base.scope import ScopeFields

__all__ = ["PriceBookEntry", "UsageRecord", "ProviderBill", "BillLine"]


class PriceBookEntry(TimeStampedModel):
    """价格目录: the agreed unit price of one charge code of a service (falls back to ServiceSpec.unit_price)."""

    item = models.ForeignKey(
        "egov_service_catalog.ServiceItem", verbose_name=_("服务项"), on_delete=models.PROTECT, related_name="prices"
    )
    spec = models.ForeignKey(
        "egov_service_catalog.ServiceSpec", verbose_name=_("规格"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="prices",
    )
    charge_code = models.CharField(_("计费编码"), max_length=64)
    name = models.CharField(_("计费项名称"), max_length=128)
    unit = models.CharField(_("计量单位"), max_length=16, default="条")
    unit_price = models.DecimalField(_("单价(元)"), max_digits=14, decimal_places=4)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=255, blank=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("价格目录")
        verbose_name_plural = _("价格目录")
        ordering = ["item", "charge_code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["item", "charge_code", "valid_from"], name="sc_price_item_code_from_uniq")
        ]

    def __str__(self):
        return f"{self.name} {self.unit_price}元/{self.unit}"


class UsageRecord(TimeStampedModel):
    """用量记录: metered usage of one organisation in one month (imported or reported by the platform)."""

    item = models.ForeignKey(
        "egov_service_catalog.ServiceItem", verbose_name=_("服务项"), on_delete=models.PROTECT, related_name="usage_records"
    )
    organization = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("使用单位"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.DateField(_("账期"), help_text=_("账期所在月份的第一天"), db_index=True)
    charge_code = models.CharField(_("计费编码"), max_length=64)
    quantity = models.DecimalField(_("用量"), max_digits=16, decimal_places=2)
    source = models.CharField(_("来源"), max_length=64, blank=True)

    scope_fields = ScopeFields(org="organization")

    class Meta:
        verbose_name = _("用量记录")
        verbose_name_plural = _("用量记录")
        ordering = ["-period", "item", "organization"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "organization", "period", "charge_code"], name="sc_usage_item_org_period_code_uniq"
            )
        ]

    def __str__(self):
        return f"{self.organization} {self.period:%Y-%m} {self.charge_code} {self.quantity}"


class ProviderBill(TimeStampedModel):
    class Status(models.TextChoices):
        IMPORTED = "imported", _("已导入")
        RECONCILED = "reconciled", _("已对账")
        CONFIRMED = "confirmed", _("已确认")
        DISPUTED = "disputed", _("有异议")

    number = models.CharField(_("账单编号"), max_length=32, unique=True, editable=False)
    item = models.ForeignKey(
        "egov_service_catalog.ServiceItem", verbose_name=_("服务项"), on_delete=models.PROTECT, related_name="bills"
    )
    vendor = models.ForeignKey(
        "egov_service_catalog.Vendor", verbose_name=_("服务商"), on_delete=models.PROTECT, related_name="bills"
    )
    period = models.DateField(_("账期"), help_text=_("账期所在月份的第一天"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.IMPORTED, db_index=True)
    file_name = models.CharField(_("账单文件"), max_length=255, blank=True, editable=False)
    file_sha256 = models.CharField(_("文件摘要"), max_length=64, blank=True, editable=False)
    line_count = models.PositiveIntegerField(_("明细行数"), default=0, editable=False)
    billed_total = models.DecimalField(_("账单金额(元)"), max_digits=16, decimal_places=2, default=Decimal("0"), editable=False)
    expected_total = models.DecimalField(
        _("应收金额(元)"), max_digits=16, decimal_places=2, default=Decimal("0"), editable=False
    )
    diff_total = models.DecimalField(_("差额(元)"), max_digits=16, decimal_places=2, default=Decimal("0"), editable=False)
    diff_count = models.PositiveIntegerField(_("差异行数"), default=0, editable=False)
    reconciled_at = models.DateTimeField(_("对账时间"), null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True, editable=False)
    note = models.TextField(_("对账说明"), blank=True)

    # bills are the centre's business; departments see their own lines (BillLine) only
    scope_fields = None

    class Meta:
        verbose_name = _("供应商账单")
        verbose_name_plural = _("供应商账单")
        ordering = ["-period", "-id"]
        constraints = [models.UniqueConstraint(fields=["vendor", "item", "period"], name="sc_bill_vendor_item_period_uniq")]
        permissions = [("reconcile_providerbill", _("可导入账单并对账"))]

    def __str__(self):
        return f"{self.number} {self.vendor} {self.period:%Y年%m月}"


class BillLine(models.Model):
    class Result(models.TextChoices):
        MATCH = "match", _("一致")
        QUANTITY = "quantity", _("用量不符")
        PRICE = "price", _("单价不符")
        AMOUNT = "amount", _("金额不符")
        NOT_IN_USAGE = "not_in_usage", _("无用量记录")
        NOT_IN_BILL = "not_in_bill", _("账单漏计")
        NO_PRICE = "no_price", _("无价格目录")

    bill = models.ForeignKey(ProviderBill, verbose_name=_("账单"), on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("行号"))
    organization = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("使用单位"), on_delete=models.PROTECT, related_name="+"
    )
    charge_code = models.CharField(_("计费编码"), max_length=64)
    description = models.CharField(_("计费项"), max_length=255, blank=True)
    billed_quantity = models.DecimalField(_("账单用量"), max_digits=16, decimal_places=2, default=Decimal("0"))
    billed_unit_price = models.DecimalField(_("账单单价"), max_digits=14, decimal_places=4, default=Decimal("0"))
    billed_amount = models.DecimalField(_("账单金额"), max_digits=16, decimal_places=2, default=Decimal("0"))
    expected_quantity = models.DecimalField(_("核定用量"), max_digits=16, decimal_places=2, default=Decimal("0"))
    expected_unit_price = models.DecimalField(_("目录单价"), max_digits=14, decimal_places=4, default=Decimal("0"))
    expected_amount = models.DecimalField(_("应收金额"), max_digits=16, decimal_places=2, default=Decimal("0"))
    diff_amount = models.DecimalField(_("差额"), max_digits=16, decimal_places=2, default=Decimal("0"))
    result = models.CharField(_("对账结果"), max_length=16, choices=Result.choices, default=Result.MATCH, db_index=True)

    scope_fields = ScopeFields(org="organization")

    class Meta:
        verbose_name = _("账单明细")
        verbose_name_plural = _("账单明细")
        ordering = ["bill", "line_no"]
        constraints = [models.UniqueConstraint(fields=["bill", "line_no"], name="sc_billline_bill_no_uniq")]

    def __str__(self):
        return f"{self.bill.number}#{self.line_no}"
