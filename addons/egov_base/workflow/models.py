"""Models of the workflow area (imported by egov_base/models.py): the process log of every transition and
the configurable approval chains."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..mixins import TimeStampedModel
from ..scope import ScopeFields

__all__ = ["ProcessLog", "ApprovalChain", "ApprovalNode", "ApprovalInstance", "ApprovalStep"]


class ProcessLog(models.Model):
    """One step of an object's process: who did what, when, from which state to which."""

    audit_exclude = True  # a log/queue of its own; not change-logged

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    obj = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=64, blank=True, default="")
    actor_org = models.CharField(_("操作人单位"), max_length=128, blank=True, default="")
    from_state = models.CharField(_("原状态"), max_length=64, blank=True, default="")
    from_label = models.CharField(_("原状态名称"), max_length=64, blank=True, default="")
    to_state = models.CharField(_("新状态"), max_length=64, blank=True, default="")
    to_label = models.CharField(_("新状态名称"), max_length=64, blank=True, default="")
    action = models.CharField(_("动作"), max_length=64)
    action_label = models.CharField(_("动作名称"), max_length=64, blank=True, default="")
    comment = models.TextField(_("意见"), blank=True, default="")
    attachments = models.JSONField(_("附件"), default=list, blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    source = models.CharField(_("来源"), max_length=16, default="fsm")  # fsm / approval

    class Meta:
        verbose_name = _("流程记录")
        verbose_name_plural = _("流程记录")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="wf_processlog_obj_idx")]

    def __str__(self):
        return f"{self.actor_name} {self.action_label or self.action}"


class ApprovalChain(TimeStampedModel):
    """An approval flow administrators configure: ordered nodes. Editing bumps ``version``; running
    instances keep the snapshot they started with."""

    code = models.CharField(_("编码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("适用对象"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("说明"), blank=True, default="")
    active = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("审批流程")
        verbose_name_plural = _("审批流程")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def snapshot(self) -> list[dict]:
        return [n.as_dict() for n in self.nodes.order_by("order", "pk").prefetch_related("users")]


class ApprovalNode(models.Model):
    class Assignee(models.TextChoices):
        ROLE = "role", _("指定角色（全市）")
        ORG_ROLE = "org_role", _("申请单位内的角色")
        DISTRICT_ROLE = "district_role", _("申请人所在区(市)县的角色")
        USERS = "users", _("指定人员")
        ORG_LEADER = "org_leader", _("申请单位负责人")
        APPLICANT = "applicant", _("申请人本人")

    class Countersign(models.TextChoices):
        ANY = "any", _("或签（一人处理即可）")
        ALL = "all", _("会签（全部同意）")

    ACTIONS = [("approve", _("同意")), ("return", _("退回")), ("reject", _("驳回")), ("transfer", _("转办"))]
    FIELD_TYPES = [("text", _("单行文本")), ("textarea", _("多行文本")), ("number", _("数字")),
                   ("date", _("日期")), ("select", _("下拉选择")), ("checkbox", _("勾选"))]

    chain = models.ForeignKey(ApprovalChain, on_delete=models.CASCADE, related_name="nodes")
    order = models.PositiveIntegerField(_("顺序"), default=0)
    name = models.CharField(_("节点名称"), max_length=64)
    assignee_type = models.CharField(_("处理人规则"), max_length=16, choices=Assignee.choices, default=Assignee.ROLE)
    role_code = models.CharField(_("角色编码"), max_length=64, blank=True, default="")
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("指定人员"), blank=True, related_name="+")
    sla_hours = models.PositiveIntegerField(_("办理时限（小时）"), null=True, blank=True)
    actions = models.JSONField(_("允许的操作"), default=list, blank=True)
    form_fields = models.JSONField(_("节点表单"), default=list, blank=True)
    countersign = models.CharField(_("多人处理方式"), max_length=8, choices=Countersign.choices, default=Countersign.ANY)

    class Meta:
        verbose_name = _("审批节点")
        verbose_name_plural = _("审批节点")
        ordering = ["chain", "order", "pk"]

    def __str__(self):
        return self.name

    def as_dict(self) -> dict:
        return {
            "id": self.pk, "name": self.name, "assignee_type": self.assignee_type, "role_code": self.role_code,
            "users": [u.pk for u in self.users.all()], "sla_hours": self.sla_hours,
            "actions": list(self.actions or ["approve", "return", "reject"]), "form_fields": list(self.form_fields or []),
            "countersign": self.countersign,
        }


class ApprovalInstance(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("审批中")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已驳回")
        CANCELLED = "cancelled", _("已撤销")

    chain = models.ForeignKey(ApprovalChain, verbose_name=_("审批流程"), on_delete=models.PROTECT, related_name="instances")
    chain_version = models.PositiveIntegerField(_("流程版本"))
    nodes = models.JSONField(_("节点快照"), default=list)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    obj = GenericForeignKey("content_type", "object_id")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("申请单位"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING, db_index=True)
    current_index = models.IntegerField(_("当前节点序号"), default=0)
    round = models.PositiveIntegerField(_("轮次"), default=1)
    started_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    scope_fields = ScopeFields(org="organization", owner="applicant")

    class Meta:
        verbose_name = _("审批实例")
        verbose_name_plural = _("审批实例")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], condition=Q(status="running"), name="wf_approval_one_running"
            )
        ]

    def __str__(self):
        return f"{self.chain.name} #{self.pk}"

    @property
    def current_node(self) -> dict | None:
        if self.status != self.Status.RUNNING or not (0 <= self.current_index < len(self.nodes)):
            return None
        return self.nodes[self.current_index]


class ApprovalStep(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        DONE = "done", _("已处理")
        SKIPPED = "skipped", _("无需处理")

    instance = models.ForeignKey(ApprovalInstance, on_delete=models.CASCADE, related_name="steps")
    node_index = models.IntegerField(_("节点序号"))
    node_name = models.CharField(_("节点名称"), max_length=64)
    round = models.PositiveIntegerField(_("轮次"), default=1)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    action = models.CharField(_("操作"), max_length=16, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("实际处理人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("意见"), blank=True, default="")
    form_data = models.JSONField(_("表单数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("到达时间"), default=timezone.now)
    acted_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True, db_index=True)
    overdue = models.BooleanField(_("已超时"), default=False)
    escalated = models.BooleanField(_("已上报"), default=False)
    transferred_from = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("转办自"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("审批步骤")
        verbose_name_plural = _("审批步骤")
        ordering = ["instance", "created_at", "pk"]

    def __str__(self):
        return f"{self.node_name} · {self.assignee}"

    @property
    def task_key(self) -> str:
        return f"approval:{self.instance_id}:step:{self.pk}"
