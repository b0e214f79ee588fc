"""Report runs (history with the produced file) and scheduled report runs delivered to the inbox."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..mixins import TimeStampedModel
from ..scope import ScopeFields

__all__ = ["ReportRun", "ReportSchedule"]


class Format(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel"


def report_upload_to(instance, filename):
    now = timezone.now()
    return f"reports/{now:%Y/%m}/{uuid.uuid4().hex}.{instance.format}"


class ReportSchedule(TimeStampedModel):
    code = models.CharField(_("报表"), max_length=64)
    name = models.CharField(_("计划名称"), max_length=128)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    crontab = models.CharField(
        _("执行时间（crontab）"), max_length=64, default="0 8 * * 1",
        help_text=_("分 时 日 月 周，例如“0 8 * * 1”表示每周一 8:00。"),
    )
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices, default=Format.PDF)
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), related_name="+", blank=True)
    run_as = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("以该用户的数据范围生成"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    last_run_at = models.DateTimeField(_("上次执行"), null=True, blank=True, editable=False)

    scope_fields = ScopeFields(owner="created_by")

    class Meta:
        verbose_name = _("报表计划")
        verbose_name_plural = _("报表计划")
        ordering = ["code", "name"]

    def __str__(self):
        return self.name


class ReportRun(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    code = models.CharField(_("报表"), max_length=64, db_index=True)
    name = models.CharField(_("报表名称"), max_length=128, blank=True, default="")
    params = models.JSONField(_("参数"), default=dict, blank=True)
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices, default=Format.PDF)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    organization = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    schedule = models.ForeignKey(
        ReportSchedule, verbose_name=_("报表计划"), null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    scheduled_for = models.DateTimeField(_("计划时间"), null=True, blank=True)
    request_key = models.CharField(_("幂等键"), max_length=64, null=True, blank=True, unique=True, editable=False)
    file = models.FileField(_("文件"), upload_to=report_upload_to, max_length=255, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True, default="")
    size = models.BigIntegerField(_("大小（字节）"), default=0)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    error = models.TextField(_("错误信息"), blank=True, default="")

    scope_fields = ScopeFields(org="organization", owner="requested_by")

    class Meta:
        verbose_name = _("报表生成记录")
        verbose_name_plural = _("报表生成记录")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "scheduled_for"], name="egov_reportrun_schedule_once"),
        ]

    def __str__(self):
        return f"{self.name or self.code} #{self.pk}"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
