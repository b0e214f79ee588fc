"""Request side: service requests (申请/变更/取消), node documents, fulfilment steps (服务过程), subscriptions and
their change history, capability credentials and call counts."""

from __future__ import annotations

import contextvars

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov_base.mixins import TimeStampedModel
from egov_base.scope import ScopeFields
from egov_base.workflow.fsm import FSMField, WorkflowMixin, transition

__all__ = [
    "ServiceRequest", "RequestDocument", "FulfilmentStep", "Subscription", "SubscriptionChange",
    "CapabilityCredential", "CapabilityCallStat",
]


def _is_applicant(obj, user) -> bool:
    return user.pk == obj.applicant_id


# Set by services/requests.py around the transitions the approval chain drives (after its own checks).
SYSTEM_TRANSITION = contextvars.ContextVar("sc_system_transition", default=None)


def _system_only(obj, user) -> bool:
    """Transitions driven by the approval chain: only the services in services/requests.py may run them (for the
    request they flagged), never the generic transition endpoint."""
    return SYSTEM_TRANSITION.get() == obj.pk


class ServiceRequest(WorkflowMixin, TimeStampedModel):
    """服务申请. State machine: draft → in_progress (approval chain node by node) → delivered → closed, with
    returned (back to the applicant, editable, resubmittable), rejected and cancelled."""

    class Kind(models.TextChoices):
        APPLY = "apply", _("新申请")
        CHANGE = "change", _("变更")
        CANCEL = "cancel", _("取消")

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        IN_PROGRESS = "in_progress", _("办理中")
        RETURNED = "returned", _("已退回")
        DELIVERED = "delivered", _("已交付待验收")
        CLOSED = "closed", _("已验收")
        REJECTED = "rejected", _("未通过")
        CANCELLED = "cancelled", _("已撤销")

    number = models.CharField(_("申请编号"), max_length=32, unique=True)
    kind = models.CharField(_("申请类型"), max_length=8, choices=Kind.choices, default=Kind.APPLY, db_index=True)
    item = models.ForeignKey("egov_service_catalog.ServiceItem", verbose_name=_("服务项"), on_delete=models.PROTECT,
                             related_name="requests")
    spec = models.ForeignKey("egov_service_catalog.ServiceSpec", verbose_name=_("规格"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="requests")
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    title = models.CharField(_("申请事由"), max_length=200, blank=True, default="")
    organization = models.ForeignKey("egov_base.Organization", verbose_name=_("申请单位"), on_delete=models.PROTECT,
                                     related_name="+")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                  related_name="+")
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True, default="")
    state = FSMField(_("状态"), max_length=16, choices=State.choices, default=State.DRAFT, protected=True,
                     db_index=True)
    form = models.ForeignKey("egov_service_catalog.ServiceForm", verbose_name=_("表单版本"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="requests")
    form_data = models.JSONField(_("表单数据"), default=dict, blank=True)
    subscription = models.ForeignKey("egov_service_catalog.Subscription", verbose_name=_("服务对象"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="requests")
    delivery_data = models.JSONField(_("交付信息"), default=dict, blank=True,
                                     help_text=_("服务交付单：交付资源清单与说明"))
    current_node = models.CharField(_("当前环节"), max_length=64, blank=True, default="")
    node_due_at = models.DateTimeField(_("环节时限"), null=True, blank=True)
    overdue = models.BooleanField(_("已超时"), default=False, db_index=True)
    overdue_notified_at = models.DateTimeField(_("超时提醒时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("交付时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    rating_comment = models.TextField(_("评价意见"), blank=True, default="")
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=64, unique=True, null=True, blank=True,
                                       editable=False)

    scope_fields = ScopeFields(org="organization", owner="applicant")

    class Meta:
        verbose_name = _("服务申请")
        verbose_name_plural = _("服务申请")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "state"]),
            models.Index(fields=["item", "state"]),
        ]
        permissions = [
            ("handle_servicerequest", _("办理服务申请")),
        ]

    def __str__(self):
        return f"{self.number} {self.item.name}" if self.item_id else self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("egov_service_catalog:request_detail", args=[self.pk])

    # --- transitions (the approval chain drives the middle; see services/requests.py) -------------------
    @transition(source=[State.DRAFT, State.RETURNED], target=State.IN_PROGRESS, label=_("提交申请"),
                permission=_is_applicant, custom={"hidden": True})
    def submit(self, comment=""):
        from django.utils import timezone

        self.submitted_at = timezone.now()

    @transition(source=[State.IN_PROGRESS], target=State.RETURNED, label=_("退回申请人"),
                permission=_system_only, custom={"hidden": True},
                inbox={"assignees": lambda o: [o.applicant], "kind": "todo",
                       "title": lambda o: f"服务申请被退回，请修改后重新提交：{o}", "due_hours": 72})
    def send_back(self, comment=""):
        pass

    @transition(source=[State.IN_PROGRESS], target=State.DELIVERED, label=_("交付完成"),
                permission=_system_only, custom={"hidden": True},
                inbox={"assignees": lambda o: [o.applicant], "kind": "todo",
                       "title": lambda o: f"服务已交付，请验收并评价：{o}", "due_hours": 120})
    def deliver(self, comment=""):
        from django.utils import timezone

        self.delivered_at = timezone.now()

    @transition(source=[State.IN_PROGRESS], target=State.REJECTED, label=_("不予通过"),
                permission=_system_only, custom={"hidden": True})
    def reject(self, comment=""):
        from django.utils import timezone

        self.closed_at = timezone.now()

    @transition(source=[State.DELIVERED], target=State.CLOSED, label=_("验收并评价"),
                permission=_is_applicant, custom={"hidden": True})
    def accept(self, comment=""):
        from django.utils import timezone

        self.closed_at = timezone.now()

    @transition(source=[State.DRAFT, State.RETURNED, State.IN_PROGRESS], target=State.CANCELLED, label=_("撤销申请"),
                permission=_is_applicant, custom={"hidden": True, "button": "danger"})
    def withdraw(self, comment=""):
        from django.utils import timezone

        self.closed_at = timezone.now()

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.SUBMITTED, self.State.IN_PROGRESS, self.State.DELIVERED)


class RequestDocument(TimeStampedModel):
    """The document a node produces (申请函及需求单, 单位批复函, 需求确认单, 服务交付单, 验收评价单). The data is
    frozen when the node completes; Word and PDF are rendered from that snapshot on download."""

    class Node(models.TextChoices):
        APPLY = "apply", _("申请函及需求单")
        APPROVAL = "approval", _("单位批复函")
        CONFIRM = "confirm", _("需求确认单")
        DELIVERY = "delivery", _("服务交付单")
        ACCEPTANCE = "acceptance", _("验收评价单")

    request = models.ForeignKey(ServiceRequest, verbose_name=_("服务申请"), on_delete=models.CASCADE,
                                related_name="documents")
    node = models.CharField(_("环节"), max_length=16, choices=Node.choices)
    number = models.CharField(_("文书编号"), max_length=40)
    title = models.CharField(_("标题"), max_length=120)
    version = models.PositiveIntegerField(_("版本"), default=1)
    data = models.JSONField(_("内容快照"), default=dict, blank=True)
    signer_name = models.CharField(_("签发人"), max_length=64, blank=True, default="")
    signer_org = models.CharField(_("签发单位"), max_length=128, blank=True, default="")

    scope_fields = ScopeFields(org="request__organization", owner="request__applicant")

    class Meta:
        verbose_name = _("办理文书")
        verbose_name_plural = _("办理文书")
        ordering = ["request", "created_at"]
        constraints = [models.UniqueConstraint(fields=["request", "node"], name="sc_doc_request_node_uniq")]

    def __str__(self):
        return f"{self.title}（{self.number}）"


class FulfilmentStep(TimeStampedModel):
    """服务过程：the provider's internal steps for one request, copied from the item's configured chain when the
    request reaches the delivery node."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待办理")
        DONE = "done", _("已完成")
        SKIPPED = "skipped", _("不适用")

    request = models.ForeignKey(ServiceRequest, verbose_name=_("服务申请"), on_delete=models.CASCADE,
                                related_name="fulfilment")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("步骤"), max_length=64)
    sla_hours = models.PositiveIntegerField(_("时限（小时）"), null=True, blank=True)
    due_at = models.DateTimeField(_("期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.TextField(_("办理说明"), blank=True, default="")

    scope_fields = ScopeFields(org="request__organization", owner="request__applicant")

    class Meta:
        verbose_name = _("服务过程")
        verbose_name_plural = _("服务过程")
        ordering = ["request", "order"]
        constraints = [models.UniqueConstraint(fields=["request", "order"], name="sc_step_request_order_uniq")]

    def __str__(self):
        return self.name


class Subscription(WorkflowMixin, TimeStampedModel):
    """服务对象：a delivered service an organisation uses."""

    class State(models.TextChoices):
        RUNNING = "running", _("运行中")
        CHANGING = "changing", _("变更中")
        TERMINATED = "terminated", _("已终止")

    number = models.CharField(_("服务对象编号"), max_length=32, unique=True)
    organization = models.ForeignKey("egov_base.Organization", verbose_name=_("使用单位"), on_delete=models.PROTECT,
                                     related_name="+")
    item = models.ForeignKey("egov_service_catalog.ServiceItem", verbose_name=_("服务项"), on_delete=models.PROTECT,
                             related_name="subscriptions")
    spec = models.ForeignKey("egov_service_catalog.ServiceSpec", verbose_name=_("规格"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="subscriptions")
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.RUNNING, db_index=True)
    started_at = models.DateTimeField(_("开通时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    resources = models.JSONField(_("交付资源"), default=list, blank=True)
    request = models.ForeignKey(ServiceRequest, verbose_name=_("来源申请"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    contact = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("联系人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    ops_note = models.TextField(_("运维信息"), blank=True, default="")

    scope_fields = ScopeFields(org="organization", owner="contact")

    class Meta:
        verbose_name = _("服务对象")
        verbose_name_plural = _("服务对象")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["organization", "state"]), models.Index(fields=["item", "state"])]

    def __str__(self):
        return f"{self.number} {self.item.name}" if self.item_id else self.number


class SubscriptionChange(models.Model):
    """History of a subscription: opened, changed (spec/quantity/resources), terminated."""

    class Kind(models.TextChoices):
        CREATE = "create", _("开通")
        CHANGE = "change", _("变更")
        CANCEL = "cancel", _("终止")
        OPS = "ops", _("运维记录")

    subscription = models.ForeignKey(Subscription, verbose_name=_("服务对象"), on_delete=models.CASCADE,
                                     related_name="changes")
    request = models.ForeignKey(ServiceRequest, verbose_name=_("关联申请"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    before = models.JSONField(_("变更前"), default=dict, blank=True)
    after = models.JSONField(_("变更后"), default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    scope_fields = ScopeFields(org="subscription__organization", owner="subscription__contact")

    class Meta:
        verbose_name = _("服务对象变更")
        verbose_name_plural = _("服务对象变更")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.subscription_id} {self.get_kind_display()}"


class CapabilityCredential(TimeStampedModel):
    """Credentials of an approved consumer of a capability (client id + hashed secret; the secret is shown once)."""

    subscription = models.OneToOneField(Subscription, verbose_name=_("服务对象"), on_delete=models.CASCADE,
                                        related_name="credential")
    organization = models.ForeignKey("egov_base.Organization", verbose_name=_("使用单位"), on_delete=models.PROTECT,
                                     related_name="+")
    item = models.ForeignKey("egov_service_catalog.ServiceItem", verbose_name=_("服务能力"), on_delete=models.PROTECT,
                             related_name="credentials")
    client_id = models.CharField(_("客户端标识"), max_length=40, unique=True)
    secret_hash = models.CharField(_("密钥摘要"), max_length=200, editable=False)
    secret_hint = models.CharField(_("密钥尾号"), max_length=8, blank=True, default="")
    secret_pending = models.BooleanField(_("密钥待查看"), default=True, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近调用"), null=True, blank=True)

    scope_fields = ScopeFields(org="organization")

    class Meta:
        verbose_name = _("能力调用凭据")
        verbose_name_plural = _("能力调用凭据")
        ordering = ["-created_at"]

    def __str__(self):
        return self.client_id


class CapabilityCallStat(models.Model):
    """Daily call counts of one credential (fed by ``capability_record_calls``)."""

    credential = models.ForeignKey(CapabilityCredential, verbose_name=_("凭据"), on_delete=models.CASCADE,
                                   related_name="stats")
    day = models.DateField(_("日期"))
    calls = models.PositiveBigIntegerField(_("调用次数"), default=0)
    errors = models.PositiveBigIntegerField(_("失败次数"), default=0)

    scope_fields = ScopeFields(org="credential__organization")

    class Meta:
        verbose_name = _("能力调用统计")
        verbose_name_plural = _("能力调用统计")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["credential", "day"], name="sc_callstat_cred_day_uniq")]

    def __str__(self):
        return f"{self.credential_id} {self.day}"
