"""Models of the integration area: registered external systems and the outbound call log."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..mixins import TimeStampedModel

__all__ = ["ExternalSystem", "IntegrationCall"]


class ExternalSystem(TimeStampedModel):
    """An external system the platform calls (短信平台, 钉钉, 云管平台, 监控系统 …). Editable in the backend;
    code-only systems (no row) use the defaults below."""

    code = models.SlugField(_("系统编码"), max_length=64, unique=True)
    name = models.CharField(_("系统名称"), max_length=128)
    base_url = models.URLField(_("基础地址"), max_length=500, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    connect_timeout = models.FloatField(_("连接超时(秒)"), default=3.0, validators=[MinValueValidator(0.1)])
    read_timeout = models.FloatField(_("读取超时(秒)"), default=10.0, validators=[MinValueValidator(0.1)])
    max_retries = models.PositiveSmallIntegerField(_("最大重试次数"), default=2, help_text=_("仅对幂等请求和 5xx/连接错误重试。"))
    backoff_base = models.FloatField(_("退避基数(秒)"), default=0.5, validators=[MinValueValidator(0)])
    failure_threshold = models.PositiveSmallIntegerField(_("熔断失败阈值"), default=5, validators=[MinValueValidator(1)])
    cooldown_seconds = models.PositiveIntegerField(_("熔断冷却时间(秒)"), default=60, validators=[MinValueValidator(1)])
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("外部系统")
        verbose_name_plural = _("外部系统")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class IntegrationCall(models.Model):
    """One HTTP attempt to an external system (接口调用日志). Written for every attempt, never blocking the
    caller. The URL is stored with secrets masked."""

    audit_exclude = True  # a log/queue of its own; not change-logged

    system = models.CharField(_("系统"), max_length=64, db_index=True)
    method = models.CharField(_("方法"), max_length=10)
    url = models.CharField(_("地址"), max_length=1000)
    status_code = models.PositiveSmallIntegerField(_("状态码"), null=True, blank=True)
    ok = models.BooleanField(_("成功"), default=False)
    latency_ms = models.PositiveIntegerField(_("耗时(毫秒)"), default=0)
    attempt = models.PositiveSmallIntegerField(_("第几次尝试"), default=1)
    error = models.TextField(_("错误"), blank=True)
    request_id = models.CharField(_("请求号"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("接口调用日志")
        verbose_name_plural = _("接口调用日志")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["system", "-created_at"], name="egov_intcall_sys_created")]

    def __str__(self):
        return f"{self.system} {self.method} {self.status_code or '-'}"
