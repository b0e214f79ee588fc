"""资源管理系统: resource pools (资源池分类 linked to catalog items), their capacity metrics (资源量化, fed by a
data interface or maintained by hand), device lists, allocations per department, snapshots and capacity
warnings."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov_base.mixins import TimeStampedModel
from egov_base.scope import ScopeFields

__all__ = ["ResourcePool", "PoolMetric", "PoolDevice", "PoolAllocation", "CapacitySnapshot", "CapacityWarning"]


class PoolType(models.TextChoices):
    ROOM = "room", _("政务集中机房")
    NETWORK = "network", _("电子政务外网")
    CLOUD = "cloud", _("政务云")
    STORAGE = "storage", _("政务数据存储与灾备")
    SUPPORT = "support", _("公共支撑平台")


class Level(models.TextChoices):
    NORMAL = "normal", _("正常")
    WARNING = "warning", _("预警")
    CRITICAL = "critical", _("告急")
    UNKNOWN = "unknown", _("未知")


class ResourcePool(TimeStampedModel):
    class Source(models.TextChoices):
        INTERFACE = "interface", _("数据接口采集")
        MANUAL = "manual", _("人工维护")

    class SyncStatus(models.TextChoices):
        NEVER = "never", _("未采集")
        OK = "ok", _("成功")
        FAILED = "failed", _("失败")

    Type = PoolType

    code = models.CharField(_("资源池编码"), max_length=64, unique=True)
    name = models.CharField(_("资源池名称"), max_length=128)
    pool_type = models.CharField(_("资源池分类"), max_length=16, choices=PoolType.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级资源池"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    provider = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("运营单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    location = models.CharField(_("所在位置"), max_length=200, blank=True)
    items = models.ManyToManyField(
        "egov_service_catalog.ServiceItem", verbose_name=_("关联服务项"), related_name="pools", blank=True
    )
    source = models.CharField(_("数据来源"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    external_system = models.CharField(
        _("接口系统编码"), max_length=64, blank=True,
        help_text=_("集成管理中外部系统的编码；数据接口采集时必填。"),
    )
    endpoint = models.CharField(_("接口路径"), max_length=255, blank=True, help_text=_("例如 /api/v1/capacity"))
    sync_status = models.CharField(
        _("采集状态"), max_length=16, choices=SyncStatus.choices, default=SyncStatus.NEVER, editable=False
    )
    last_synced_at = models.DateTimeField(_("最近采集时间"), null=True, blank=True, editable=False)
    last_sync_error = models.CharField(_("最近采集错误"), max_length=500, blank=True, editable=False)
    level = models.CharField(_("容量状态"), max_length=16, choices=Level.choices, default=Level.UNKNOWN, editable=False)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort = models.IntegerField(_("排序"), default=0)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("资源池")
        verbose_name_plural = _("资源池")
        ordering = ["pool_type", "sort", "code"]
        permissions = [("sync_resourcepool", _("可触发资源池采集"))]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.source == self.Source.INTERFACE and not (self.external_system and self.endpoint):
            raise ValidationError({"external_system": _("数据接口采集的资源池必须填写接口系统编码和接口路径。")})


class PoolMetric(TimeStampedModel):
    """One quantified capacity of a pool (vCPU, memory, cabinets, bandwidth …) with its thresholds."""

    pool = models.ForeignKey(ResourcePool, verbose_name=_("资源池"), on_delete=models.CASCADE, related_name="metrics")
    code = models.SlugField(_("指标编码"), max_length=32)
    name = models.CharField(_("指标名称"), max_length=64)
    unit = models.CharField(_("单位"), max_length=16)
    total = models.DecimalField(_("总量"), max_digits=16, decimal_places=2, default=Decimal("0"))
    used = models.DecimalField(_("已用量"), max_digits=16, decimal_places=2, default=Decimal("0"))
    warn_percent = models.DecimalField(_("预警阈值(%)"), max_digits=5, decimal_places=2, default=Decimal("80"))
    critical_percent = models.DecimalField(_("告急阈值(%)"), max_digits=5, decimal_places=2, default=Decimal("90"))
    level = models.CharField(_("状态"), max_length=16, choices=Level.choices, default=Level.NORMAL, editable=False)
    sort = models.IntegerField(_("排序"), default=0)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("容量指标")
        verbose_name_plural = _("容量指标")
        ordering = ["pool", "sort", "code"]
        constraints = [models.UniqueConstraint(fields=["pool", "code"], name="sc_metric_pool_code_uniq")]

    def __str__(self):
        return f"{self.pool} · {self.name}"

    @property
    def percent(self) -> float:
        if not self.total:
            return 0.0
        return round(float(self.used) * 100 / float(self.total), 1)

    @property
    def free(self) -> Decimal:
        return self.total - self.used


class PoolDevice(TimeStampedModel):
    class Status(models.TextChoices):
        RUNNING = "running", _("运行")
        IDLE = "idle", _("空闲")
        FAULT = "fault", _("故障")
        MAINTENANCE = "maintenance", _("维护")
        OFFLINE = "offline", _("下线")

    pool = models.ForeignKey(ResourcePool, verbose_name=_("资源池"), on_delete=models.CASCADE, related_name="devices")
    code = models.CharField(_("设备编号"), max_length=64)
    name = models.CharField(_("设备名称"), max_length=128)
    device_type = models.CharField(_("设备类型"), max_length=64, blank=True)
    model_name = models.CharField(_("型号"), max_length=128, blank=True)
    spec = models.CharField(_("配置"), max_length=255, blank=True)
    position = models.CharField(_("位置"), max_length=128, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RUNNING, db_index=True)
    organization = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("使用单位"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    synced = models.BooleanField(_("接口同步"), default=False, editable=False)

    scope_fields = ScopeFields(org="organization")

    class Meta:
        verbose_name = _("资源设备")
        verbose_name_plural = _("资源设备")
        ordering = ["pool", "code"]
        constraints = [models.UniqueConstraint(fields=["pool", "code"], name="sc_device_pool_code_uniq")]

    def __str__(self):
        return f"{self.code} {self.name}"


class PoolAllocation(TimeStampedModel):
    """How much of a pool metric a department uses (from the interface's tenant list or entered by hand)."""

    metric = models.ForeignKey(PoolMetric, verbose_name=_("容量指标"), on_delete=models.CASCADE, related_name="allocations")
    organization = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("使用单位"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("使用量"), max_digits=16, decimal_places=2, default=Decimal("0"))
    note = models.CharField(_("备注"), max_length=255, blank=True)

    scope_fields = ScopeFields(org="organization")

    class Meta:
        verbose_name = _("资源分配")
        verbose_name_plural = _("资源分配")
        ordering = ["metric", "-amount"]
        constraints = [models.UniqueConstraint(fields=["metric", "organization"], name="sc_alloc_metric_org_uniq")]

    def __str__(self):
        return f"{self.organization} · {self.metric.name} {self.amount}{self.metric.unit}"


class CapacitySnapshot(models.Model):
    metric = models.ForeignKey(PoolMetric, verbose_name=_("容量指标"), on_delete=models.CASCADE, related_name="snapshots")
    day = models.DateField(_("日期"), db_index=True)
    total = models.DecimalField(_("总量"), max_digits=16, decimal_places=2)
    used = models.DecimalField(_("已用量"), max_digits=16, decimal_places=2)
    taken_at = models.DateTimeField(_("采集时间"), auto_now=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("容量快照")
        verbose_name_plural = _("容量快照")
        ordering = ["metric", "day"]
        constraints = [models.UniqueConstraint(fields=["metric", "day"], name="sc_snapshot_metric_day_uniq")]

    def __str__(self):
        return f"{self.metric} {self.day}"


class CapacityWarning(models.Model):
    metric = models.ForeignKey(PoolMetric, verbose_name=_("容量指标"), on_delete=models.CASCADE, related_name="warnings")
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    percent = models.DecimalField(_("使用率(%)"), max_digits=6, decimal_places=2)
    message = models.CharField(_("内容"), max_length=255)
    raised_at = models.DateTimeField(_("发生时间"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("容量预警")
        verbose_name_plural = _("容量预警")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric"], condition=models.Q(resolved_at__isnull=True), name="sc_warning_open_uniq"
            )
        ]

    def __str__(self):
        return self.message
