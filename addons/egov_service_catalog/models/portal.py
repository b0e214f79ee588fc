"""Portal extras: service-desk tickets (until the helpdesk module exists), common problem types with solutions,
suggestions and complaints, questionnaires (信息填报 / 问卷调查 / 满意度调查) and generated service reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov_base.fields import PhoneField
from egov_base.mixins import TimeStampedModel
from egov_base.scope import ScopeFields

__all__ = ["ProblemType", "Ticket", "Feedback", "Survey", "SurveyResponse", "ServiceReport"]


class ProblemType(TimeStampedModel):
    """常见问题类型 with its solution (knowledge) shown before a ticket is created."""

    item = models.ForeignKey(
        "egov_service_catalog.ServiceItem", verbose_name=_("服务项"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="problem_types", help_text=_("留空表示通用问题"),
    )
    name = models.CharField(_("问题类型"), max_length=100)
    solution = models.TextField(_("解决办法"), blank=True)
    sort = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        ordering = ["item", "sort", "id"]

    def __str__(self):
        return self.name


class Ticket(TimeStampedModel):
    """服务工单 submitted from the portal. The helpdesk app may take tickets over (see services.tickets)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待受理")
        PROCESSING = "processing", _("处理中")
        RESOLVED = "resolved", _("已解决")
        CLOSED = "closed", _("已关闭")

    number = models.CharField(_("工单号"), max_length=32, unique=True, editable=False)
    organization = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("报告单位"), on_delete=models.PROTECT, related_name="+"
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "egov_service_catalog.ServiceItem", verbose_name=_("服务项"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="tickets",
    )
    problem_type = models.ForeignKey(
        ProblemType, verbose_name=_("问题类型"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("问题描述"))
    contact_phone = PhoneField(_("联系电话"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    external_ref = models.CharField(_("外部工单号"), max_length=64, blank=True, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)

    scope_fields = ScopeFields(org="organization", owner="submitter")

    class Meta:
        verbose_name = _("服务工单")
        verbose_name_plural = _("服务工单")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.number} {self.title}"


class Feedback(TimeStampedModel):
    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("建议")
        COMPLAINT = "complaint", _("投诉")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待处理")
        PROCESSING = "processing", _("处理中")
        REPLIED = "replied", _("已答复")
        CLOSED = "closed", _("已办结")

    number = models.CharField(_("编号"), max_length=32, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, db_index=True)
    organization = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("提交单位"), on_delete=models.PROTECT, related_name="+"
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "egov_service_catalog.ServiceItem", verbose_name=_("涉及服务"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="feedback",
    )
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    contact_phone = PhoneField(_("联系电话"), blank=True)
    notice_accepted_at = models.DateTimeField(_("确认投诉须知时间"), null=True, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    reply = models.TextField(_("答复内容"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)

    scope_fields = ScopeFields(org="organization", owner="submitter")

    class Meta:
        verbose_name = _("建议与投诉")
        verbose_name_plural = _("建议与投诉")
        ordering = ["-created_at"]
        permissions = [("reply_feedback", _("可答复建议与投诉"))]

    def __str__(self):
        return f"{self.number} {self.title}"


class Survey(TimeStampedModel):
    """A questionnaire published to departments; its questions are a ServiceForm (kind questionnaire)."""

    class Kind(models.TextChoices):
        FILL = "fill", _("信息填报")
        QUESTIONNAIRE = "questionnaire", _("问卷调查")
        SATISFACTION = "satisfaction", _("满意度调查")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("进行中")
        CLOSED = "closed", _("已结束")

    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.QUESTIONNAIRE)
    form = models.ForeignKey(
        "egov_service_catalog.ServiceForm", verbose_name=_("问卷表单"), on_delete=models.PROTECT, related_name="surveys",
        limit_choices_to={"kind": "questionnaire"},
    )
    description = models.TextField(_("说明"), blank=True)
    targets = models.ManyToManyField(
        "egov_base.Organization", verbose_name=_("发布范围"), blank=True, related_name="+",
        help_text=_("留空表示全部单位"),
    )
    start_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    end_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    response_count = models.PositiveIntegerField(_("答卷数"), default=0, editable=False)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        ordering = ["-created_at"]
        permissions = [("publish_survey", _("可发布问卷"))]

    def __str__(self):
        return self.title


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="responses")
    organization = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="+"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(_("答卷"), default=dict)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    scope_fields = ScopeFields(org="organization", owner="respondent")

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["-submitted_at"]
        constraints = [models.UniqueConstraint(fields=["survey", "respondent"], name="sc_survey_resp_uniq")]

    def __str__(self):
        return f"{self.survey} · {self.organization}"


def _report_path(instance, filename):
    import uuid

    from django.utils import timezone

    ext = filename.rsplit(".", 1)[-1].lower()[:5]
    return f"service_reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class ServiceReport(TimeStampedModel):
    """服务报告 generated on schedule (PDF + Excel attached through egov_base.files)."""

    class PeriodType(models.TextChoices):
        MONTH = "month", _("月报")
        QUARTER = "quarter", _("季报")
        YEAR = "year", _("年报")

    class Subject(models.TextChoices):
        PROVIDER = "provider", _("服务提供方")
        DEPARTMENT = "department", _("使用单位")

    title = models.CharField(_("报告标题"), max_length=200)
    period_type = models.CharField(_("周期"), max_length=8, choices=PeriodType.choices, db_index=True)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    subject = models.CharField(_("报告对象"), max_length=16, choices=Subject.choices)
    organization = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.JSONField(_("指标摘要"), default=dict, editable=False)
    # generated by the platform (trusted content), stored under random names and served by a scoped view
    pdf_file = models.FileField(_("PDF 文件"), upload_to=_report_path, blank=True, editable=False)
    xlsx_file = models.FileField(_("Excel 文件"), upload_to=_report_path, blank=True, editable=False)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True, editable=False)

    scope_fields = ScopeFields(org="organization")

    class Meta:
        verbose_name = _("服务报告")
        verbose_name_plural = _("服务报告")
        ordering = ["-period_start", "organization"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_type", "period_start", "subject", "organization"], name="sc_report_period_uniq"
            )
        ]

    def __str__(self):
        return self.title
