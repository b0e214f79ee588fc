"""Catalog models: the category tree (大类/中类/小类), service items with their specs, and electronic forms."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov_base.mixins import TimeStampedModel
from egov_base.org.models import TreeModel
from egov_base.scope import ScopeFields
from egov_base.workflow.fsm import FSMField, WorkflowMixin, transition

__all__ = ["ServiceCategory", "ServiceItem", "ServiceSpec", "ServiceForm"]


class ServiceCategory(TreeModel, TimeStampedModel):
    """服务分类：大类 / 中类 / 小类. Moving a category (drag in the tree) never touches its items."""

    code = models.CharField(_("分类编码"), max_length=32, unique=True)
    name = models.CharField(_("分类名称"), max_length=64)
    level = models.PositiveSmallIntegerField(
        _("层级"), default=1, validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("1 大类，2 中类，3 小类"),
    )
    icon = models.CharField(_("图标"), max_length=48, blank=True, default="ti ti-folder",
                            help_text=_("Tabler 图标类名，如 ti ti-cloud"))
    description = models.TextField(_("说明"), blank=True, default="")
    is_active = models.BooleanField(_("启用"), default=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("服务分类")
        verbose_name_plural = _("服务分类")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.level = min(3, (self.parent.level + 1) if self.parent_id else 1)
        super().save(*args, **kwargs)

    def _after_move(self):
        # keep the 大类/中类/小类 level of moved descendants in step with their depth
        type(self)._default_manager.filter(path__startswith=self.path).update(
            level=models.Case(
                models.When(depth__gte=2, then=models.Value(3)),
                default=models.F("depth") + 1,
            )
        )


class ServiceItem(WorkflowMixin, TimeStampedModel):
    """服务项：what the centre offers, its description by the tender's fields, specs, status flow."""

    class ServiceType(models.TextChoices):
        CLOUD = "cloud", _("政务云")
        NETWORK = "network", _("电子政务外网")
        HOSTING = "hosting", _("机房托管")
        DR = "dr", _("政务灾备")
        SMS = "sms", _("政务短信")
        MAIL = "mail", _("政务邮箱")
        IDENTITY = "identity", _("统一身份认证")
        DATA = "data", _("数据共享")
        CAPABILITY = "capability", _("服务能力/API")
        OTHER = "other", _("其他")

    class BillingMode(models.TextChoices):
        NONE = "none", _("免费")
        FIXED = "fixed", _("固定计费")
        METERED = "metered", _("按量计费")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEW = "review", _("待审核")
        PUBLISHED = "published", _("已发布")
        SUSPENDED = "suspended", _("已暂停")
        RETIRED = "retired", _("已停用")

    code = models.CharField(_("服务编码"), max_length=32, unique=True)
    name = models.CharField(_("服务名称"), max_length=100)
    category = models.ForeignKey(ServiceCategory, verbose_name=_("服务分类"), on_delete=models.PROTECT,
                                 related_name="items")
    service_type = models.CharField(_("服务类型"), max_length=16, choices=ServiceType.choices,
                                    default=ServiceType.CLOUD, db_index=True)
    summary = models.CharField(_("简介"), max_length=300, blank=True, default="")
    goal = models.TextField(_("服务目标"), blank=True, default="")
    audience = models.TextField(_("适用对象"), blank=True, default="")
    content = models.TextField(_("服务内容"), blank=True, default="")
    service_hours = models.CharField(_("服务时间"), max_length=120, blank=True, default="")
    delivery_method = models.TextField(_("交付方式"), blank=True, default="")
    deliverables = models.TextField(_("交付成果"), blank=True, default="")
    process_note = models.TextField(_("申请流程"), blank=True, default="")
    docs = models.TextField(_("工具与文档"), blank=True, default="")
    api_info = models.JSONField(
        _("接口信息"), default=dict, blank=True,
        help_text=_("服务能力类：平台、基础地址、认证方式、接口列表等"),
    )
    provider = models.ForeignKey("egov_base.Organization", verbose_name=_("服务提供方"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    billing_mode = models.CharField(_("计费方式"), max_length=8, choices=BillingMode.choices,
                                    default=BillingMode.NONE)
    unit = models.CharField(_("计量单位"), max_length=16, blank=True, default="",
                            help_text=_("如 台、条、Mbps、个"))
    status = FSMField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, protected=True,
                      db_index=True)
    sla_hours = models.PositiveIntegerField(_("承诺办理时限（小时）"), null=True, blank=True)
    approval_chain = models.CharField(_("审批流程编码"), max_length=64, blank=True, default="",
                                      help_text=_("留空使用默认流程 service_request"))
    fulfilment_steps = models.JSONField(
        _("服务过程"), default=list, blank=True,
        help_text=_("服务提供方内部办理步骤：[{\"name\": \"资源分配\", \"sla_hours\": 8}, …]"),
    )
    sort = models.IntegerField(_("排序"), default=0)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True, default="")

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("服务项")
        verbose_name_plural = _("服务项")
        ordering = ["sort", "code"]
        indexes = [models.Index(fields=["status", "category"])]
        permissions = [
            ("review_serviceitem", _("审核服务项")),
            ("manage_serviceform", _("设计电子表单")),
        ]

    def __str__(self):
        return self.name

    # --- 服务项录入 → 审核 → 发布 → 暂停 → 停用 ---------------------------------------------------
    @transition(field="status", source=[Status.DRAFT], target=Status.REVIEW, label=_("提交审核"),
                permission="egov_service_catalog.change_serviceitem",
                inbox={"roles": ["dept_head"], "title": lambda o: f"请审核服务项：{o}", "due_hours": 48})
    def submit_review(self, comment=""):
        pass

    @transition(field="status", source=[Status.REVIEW], target=Status.PUBLISHED, label=_("审核通过并发布"),
                permission="egov_service_catalog.review_serviceitem")
    def publish(self, comment=""):
        from django.utils import timezone

        self.published_at = timezone.now()
        self.review_comment = comment or ""

    @transition(field="status", source=[Status.REVIEW], target=Status.DRAFT, label=_("退回修改"),
                permission="egov_service_catalog.review_serviceitem", custom={"button": "warning"})
    def send_back(self, comment=""):
        self.review_comment = comment or ""

    @transition(field="status", source=[Status.PUBLISHED], target=Status.SUSPENDED, label=_("暂停受理"),
                permission="egov_service_catalog.review_serviceitem", custom={"button": "warning"})
    def suspend(self, comment=""):
        pass

    @transition(field="status", source=[Status.SUSPENDED], target=Status.PUBLISHED, label=_("恢复受理"),
                permission="egov_service_catalog.review_serviceitem")
    def resume(self, comment=""):
        pass

    @transition(field="status", source=[Status.SUSPENDED, Status.PUBLISHED], target=Status.RETIRED, label=_("停用"),
                permission="egov_service_catalog.review_serviceitem", custom={"button": "danger"})
    def retire(self, comment=""):
        pass

    @transition(field="status", source=[Status.RETIRED], target=Status.DRAFT, label=_("重新编辑"),
                permission="egov_service_catalog.change_serviceitem")
    def reopen(self, comment=""):
        pass

    @property
    def is_orderable(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def chain_code(self) -> str:
        return self.approval_chain or "service_request"


class ServiceSpec(TimeStampedModel):
    """规格：one orderable option of an item (e.g. 4 vCPU / 8 GB / 100 GB), with quota and price."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("服务项"), on_delete=models.CASCADE, related_name="specs")
    code = models.CharField(_("规格编码"), max_length=32)
    name = models.CharField(_("规格名称"), max_length=100)
    params = models.JSONField(_("技术参数"), default=dict, blank=True,
                              help_text=_("如 {\"vCPU\": 4, \"内存\": \"8 GB\", \"系统盘\": \"100 GB\"}"))
    quota = models.PositiveIntegerField(_("单位限额"), null=True, blank=True,
                                        help_text=_("每个单位最多可订购的数量，留空不限"))
    unit_price = models.DecimalField(_("单价（元）"), max_digits=12, decimal_places=2, default=Decimal("0"))
    price_unit = models.CharField(_("计价单位"), max_length=16, blank=True, default="元/月")
    is_active = models.BooleanField(_("可订购"), default=True)
    sort = models.IntegerField(_("排序"), default=0)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("服务规格")
        verbose_name_plural = _("服务规格")
        ordering = ["item", "sort", "code"]
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="sc_spec_item_code_uniq")]

    def __str__(self):
        return f"{self.item.name} · {self.name}" if self.item_id else self.name

    @property
    def params_text(self) -> str:
        return "，".join(f"{k} {v}" for k, v in (self.params or {}).items())


class ServiceForm(TimeStampedModel):
    """电子表单：a form-js schema for one item and kind, versioned (one active version per item and kind)."""

    class Kind(models.TextChoices):
        APPLY = "apply", _("申请")
        CHANGE = "change", _("变更")
        CANCEL = "cancel", _("取消")
        QUESTIONNAIRE = "questionnaire", _("问卷")

    item = models.ForeignKey(ServiceItem, verbose_name=_("服务项"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="forms")
    kind = models.CharField(_("表单类型"), max_length=16, choices=Kind.choices, default=Kind.APPLY)
    name = models.CharField(_("表单名称"), max_length=100, blank=True, default="")
    version = models.PositiveIntegerField(_("版本"), default=1)
    schema = models.JSONField(_("表单定义"), default=dict, blank=True)
    is_active = models.BooleanField(_("当前版本"), default=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("电子表单")
        verbose_name_plural = _("电子表单")
        ordering = ["item", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "kind"], condition=Q(is_active=True),
                                    name="sc_form_one_active"),
            models.UniqueConstraint(fields=["item", "kind", "version"], name="sc_form_version_uniq"),
        ]

    def __str__(self):
        base = self.name or (f"{self.item.name}{self.get_kind_display()}表单" if self.item_id else _("表单"))
        return f"{base}（V{self.version}）"
