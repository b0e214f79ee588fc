"""外包服务管理: vendors, their on-site staff, contracts, SLA targets per service and deliverables (服务成果)
with acceptance."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov_base.fields import PhoneField
from egov_base.mixins import TimeStampedModel
from egov_base.scope import ScopeFields

__all__ = ["Vendor", "VendorStaff", "OutsourcingContract", "ServiceLevel", "Deliverable"]


class Vendor(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("合作中")
        SUSPENDED = "suspended", _("暂停合作")
        ENDED = "ended", _("终止合作")

    code = models.CharField(_("服务商编码"), max_length=32, unique=True)
    name = models.CharField(_("服务商名称"), max_length=128)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    organization = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("对应组织机构"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    contact = models.CharField(_("联系人"), max_length=32, blank=True)
    phone = PhoneField(_("联系电话"), blank=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    qualifications = models.TextField(_("资质"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("服务商")
        verbose_name_plural = _("服务商")
        ordering = ["code"]

    def __str__(self):
        return self.name


class VendorStaff(TimeStampedModel):
    class Status(models.TextChoices):
        ON_DUTY = "on_duty", _("在岗")
        LEFT = "left", _("离场")

    vendor = models.ForeignKey(Vendor, verbose_name=_("服务商"), on_delete=models.CASCADE, related_name="staff")
    name = models.CharField(_("姓名"), max_length=32)
    phone = PhoneField(_("手机号"), blank=True)
    position = models.CharField(_("岗位"), max_length=64, blank=True)
    skills = models.CharField(_("技能/证书"), max_length=255, blank=True)
    on_site = models.BooleanField(_("驻场"), default=True)
    start_date = models.DateField(_("进场日期"), null=True, blank=True)
    end_date = models.DateField(_("离场日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ON_DUTY)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("服务商人员")
        verbose_name_plural = _("服务商人员")
        ordering = ["vendor", "name"]

    def __str__(self):
        return f"{self.name}（{self.vendor}）"


class OutsourcingContract(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("拟签")
        ACTIVE = "active", _("履约中")
        EXPIRED = "expired", _("已到期")
        TERMINATED = "terminated", _("已终止")

    number = models.CharField(_("合同编号"), max_length=64, unique=True)
    name = models.CharField(_("合同名称"), max_length=200)
    vendor = models.ForeignKey(Vendor, verbose_name=_("服务商"), on_delete=models.PROTECT, related_name="contracts")
    owner = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("合同管理部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    items = models.ManyToManyField(
        "egov_service_catalog.ServiceItem", verbose_name=_("涉及服务项"), blank=True, related_name="contracts"
    )
    amount = models.DecimalField(_("合同金额(元)"), max_digits=16, decimal_places=2, default=Decimal("0"))
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    start_date = models.DateField(_("服务开始"))
    end_date = models.DateField(_("服务结束"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    summary = models.TextField(_("服务内容"), blank=True)

    scope_fields = ScopeFields(org="owner", owner="created_by")

    class Meta:
        verbose_name = _("外包合同")
        verbose_name_plural = _("外包合同")
        ordering = ["-start_date", "number"]

    def __str__(self):
        return f"{self.number} {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("服务结束日期不能早于开始日期。")})


class ServiceLevel(TimeStampedModel):
    class Metric(models.TextChoices):
        AVAILABILITY = "availability", _("可用率(%)")
        RESPONSE = "response", _("响应时间(分钟)")
        RESOLVE = "resolve", _("解决时间(小时)")
        DELIVERY = "delivery", _("交付时限(工作日)")
        SATISFACTION = "satisfaction", _("满意度(%)")

    contract = models.ForeignKey(
        OutsourcingContract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="service_levels"
    )
    item = models.ForeignKey(
        "egov_service_catalog.ServiceItem", verbose_name=_("服务项"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="service_levels",
    )
    metric = models.CharField(_("考核指标"), max_length=16, choices=Metric.choices)
    target = models.DecimalField(_("目标值"), max_digits=10, decimal_places=2)
    penalty = models.CharField(_("违约处理"), max_length=255, blank=True)

    scope_fields = ScopeFields(org="contract__owner", owner="created_by")

    class Meta:
        verbose_name = _("服务水平(SLA)")
        verbose_name_plural = _("服务水平(SLA)")
        ordering = ["contract", "item", "metric"]
        constraints = [models.UniqueConstraint(fields=["contract", "item", "metric"], name="sc_sla_contract_item_metric_uniq")]

    def __str__(self):
        return f"{self.get_metric_display()} {self.target}"


class Deliverable(TimeStampedModel):
    class Kind(models.TextChoices):
        REPORT = "report", _("服务报告")
        DOCUMENT = "document", _("技术文档")
        SOFTWARE = "software", _("软件/配置")
        RECORD = "record", _("运维记录")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PENDING = "pending", _("待提交")
        SUBMITTED = "submitted", _("待验收")
        ACCEPTED = "accepted", _("已验收")
        REJECTED = "rejected", _("退回整改")

    contract = models.ForeignKey(
        OutsourcingContract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="deliverables"
    )
    name = models.CharField(_("成果名称"), max_length=200)
    kind = models.CharField(_("成果类型"), max_length=16, choices=Kind.choices, default=Kind.REPORT)
    due_date = models.DateField(_("约定提交日期"))
    description = models.TextField(_("成果说明"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("验收人"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True, editable=False)
    acceptance_comment = models.CharField(_("验收意见"), max_length=500, blank=True, editable=False)
    score = models.PositiveSmallIntegerField(_("验收评分"), null=True, blank=True, editable=False)

    scope_fields = ScopeFields(org="contract__owner", owner="created_by")

    class Meta:
        verbose_name = _("服务成果")
        verbose_name_plural = _("服务成果")
        ordering = ["contract", "due_date"]
        permissions = [("accept_deliverable", _("可验收服务成果"))]

    def __str__(self):
        return self.name
