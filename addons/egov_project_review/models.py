"""Models of project review (电子政务项目评审): proposals and their flow, templates, tags, controls.

The state machine of ``Proposal`` lives in ``workflows.py`` (mixed in as ``ProposalWorkflow``); every write goes
through ``services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from egov_base.mixins import TimeStampedModel
from egov_base.scope import ScopeFields
from egov_base.workflow.fsm import FSMField, WorkflowMixin

from .workflows import ProposalWorkflow, State


class ProposalKind(models.TextChoices):
    CONSTRUCTION = "construction", _("建设方案")
    SERVICE = "service", _("服务方案")
    OPERATION = "operation", _("运维方案")


class Level(models.TextChoices):
    CITY = "city", _("市级项目")
    DISTRICT = "district", _("区县项目")


class ProposalTemplate(TimeStampedModel):
    """项目基本信息申报模版: the structured sections of a proposal type. Exactly one active per type; editing
    publishes a new version (old versions stay for the proposals that used them)."""

    kind = models.CharField(_("方案类型"), max_length=16, choices=ProposalKind.choices)
    name = models.CharField(_("模版名称"), max_length=100)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    active = models.BooleanField(_("有效运行"), default=False, editable=False)
    sections = models.JSONField(_("结构化栏目"), default=list, blank=True,
                                help_text=_("栏目列表：key、标签、是否必填、填写说明"))
    description = models.TextField(_("说明"), blank=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("申报模版")
        verbose_name_plural = _("申报模版")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(active=True), name="pr_template_one_active_per_kind"),
            models.UniqueConstraint(fields=["kind", "version"], name="pr_template_kind_version"),
        ]

    def __str__(self):
        return f"{self.name}（V{self.version}）"

    def get_absolute_url(self):
        return reverse("egov_project_review:template_detail", args=[self.pk])


class IntensiveTemplate(TimeStampedModel):
    """集约化建设及公共应用接入模版, configured for the city (region empty) and for each district."""

    region = models.ForeignKey("egov_base.Region", verbose_name=_("适用区(市)县"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", help_text=_("留空为市级模版"))
    name = models.CharField(_("模版名称"), max_length=100)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    active = models.BooleanField(_("有效运行"), default=False, editable=False)
    sections = models.JSONField(_("结构化栏目"), default=list, blank=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("集约化建设模版")
        verbose_name_plural = _("集约化建设模版")
        ordering = ["region__path", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region"], condition=Q(active=True, region__isnull=False),
                                    name="pr_intensive_one_active_per_region"),
            models.UniqueConstraint(fields=["active"], condition=Q(active=True, region__isnull=True),
                                    name="pr_intensive_one_active_city"),
        ]

    def __str__(self):
        return f"{self.name}（V{self.version}）"

    def get_absolute_url(self):
        return reverse("egov_project_review:template_list") + "?tab=intensive"


class ReplyTemplate(TimeStampedModel):
    """回函模版: a .docx with placeholders ({{项目名称}} ...) or, without a file, the body text below."""

    name = models.CharField(_("模版名称"), max_length=100)
    level = models.CharField(_("适用级别"), max_length=16, choices=Level.choices, blank=True,
                             help_text=_("留空为通用"))
    active = models.BooleanField(_("启用"), default=True)
    body = models.TextField(_("回函正文"), blank=True,
                            help_text=_("可用占位符：{{项目名称}} {{申报单位}} {{方案编号}} {{方案类型}} {{审核意见}} {{日期}}"))

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("回函模版")
        verbose_name_plural = _("回函模版")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("egov_project_review:template_list") + "?tab=reply"


class Tag(TimeStampedModel):
    """标签词表: a tag with the keywords that attach it."""

    name = models.CharField(_("标签"), max_length=40, unique=True)
    category = models.CharField(_("分类"), max_length=40, blank=True)
    keywords = models.TextField(_("关键词"), blank=True, help_text=_("以逗号或空格分隔"))
    active = models.BooleanField(_("启用"), default=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["category", "name"]

    def __str__(self):
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        import re

        words = [w.strip() for w in re.split(r"[,，、;；\s]+", self.keywords or "") if w.strip()]
        return words or [self.name]


class DistrictControl(TimeStampedModel):
    """区县预审服务管控: whether a district may send its proposals to the city for pre-review."""

    region = models.OneToOneField("egov_base.Region", verbose_name=_("区(市)县"), on_delete=models.PROTECT,
                                  related_name="+", limit_choices_to={"level": "district"})
    prereview_enabled = models.BooleanField(_("开通市级预审服务"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("区县预审服务管控")
        verbose_name_plural = _("区县预审服务管控")
        ordering = ["region__path"]

    def __str__(self):
        return str(self.region)


class RoutingRule(TimeStampedModel):
    """任务分配规则: routes a city pre-review to the responsible department head (first matching rule by priority)."""

    name = models.CharField(_("规则名称"), max_length=80)
    kind = models.CharField(_("方案类型"), max_length=16, choices=ProposalKind.choices, blank=True,
                            help_text=_("留空匹配全部类型"))
    organization = models.ForeignKey("egov_base.Organization", verbose_name=_("申报单位"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+", help_text=_("留空匹配全部单位"))
    keyword = models.CharField(_("项目名称关键词"), max_length=40, blank=True)
    head = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("对口部门负责人"), on_delete=models.PROTECT,
                             related_name="+")
    priority = models.PositiveIntegerField(_("优先级"), default=100, help_text=_("数字小的先匹配"))
    active = models.BooleanField(_("启用"), default=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("任务分配规则")
        verbose_name_plural = _("任务分配规则")
        ordering = ["priority", "pk"]

    def __str__(self):
        return self.name


class Proposal(ProposalWorkflow, WorkflowMixin, TimeStampedModel):
    """方案申报: one project proposal and its place in the review flow."""

    number = models.CharField(_("方案编号"), max_length=32, unique=True)
    title = models.CharField(_("项目名称"), max_length=120)
    kind = models.CharField(_("方案类型"), max_length=16, choices=ProposalKind.choices)
    level = models.CharField(_("项目级别"), max_length=16, choices=Level.choices, editable=False)
    organization = models.ForeignKey("egov_base.Organization", verbose_name=_("申报单位"), on_delete=models.PROTECT,
                                     related_name="+")
    region = models.ForeignKey("egov_base.Region", verbose_name=_("所属区(市)县"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", editable=False)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申报人"), on_delete=models.PROTECT,
                                  related_name="+")
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    budget = models.DecimalField(_("预算金额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    template = models.ForeignKey(ProposalTemplate, verbose_name=_("申报模版"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    intensive_template = models.ForeignKey(IntensiveTemplate, verbose_name=_("集约化模版"), null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    content = models.JSONField(_("结构化内容"), default=dict, blank=True)
    intensive = models.JSONField(_("集约化建设及公共应用接入"), default=dict, blank=True)
    state = FSMField(_("状态"), max_length=24, default=State.DRAFT, choices=State.choices, protected=True,
                     db_index=True)

    # routing and responsibility
    route = models.CharField(_("预审方式"), max_length=8, blank=True,
                             choices=[("self", _("区县自审")), ("city", _("市级预审"))])
    assigned_head = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("对口部门负责人"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    transfer_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("拟转交负责人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("预审人员"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    consult_origin = models.CharField(_("会商发起环节"), max_length=24, blank=True)
    reply_origin = models.CharField(_("进入回函的环节"), max_length=24, blank=True)
    expert_activity_id = models.PositiveIntegerField(_("专家抽取活动"), null=True, blank=True)
    expert_reviewed = models.BooleanField(_("已专家评审"), default=False)
    return_reason = models.TextField(_("退回原因"), blank=True)
    terminate_reason = models.TextField(_("终止原因"), blank=True)
    submit_count = models.PositiveIntegerField(_("提交次数"), default=0)
    doc_version = models.PositiveIntegerField(_("文档版本"), default=0)
    doc_source_hash = models.CharField(max_length=64, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True, db_index=True)
    stage_entered_at = models.DateTimeField(_("进入当前环节时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("标签"), through="ProposalTag", blank=True, related_name="+")

    scope_fields = ScopeFields(org="organization", owner="applicant")

    class Meta:
        verbose_name = _("项目方案")
        verbose_name_plural = _("项目方案")
        ordering = ["-created_at"]
        permissions = [
            ("intake_proposal", _("可接件审查方案")),
            ("assign_proposal", _("可分配、转交预审任务")),
            ("approve_transfer_proposal", _("可审核转交")),
            ("review_proposal", _("可预审、审核方案")),
            ("countersign_proposal", _("可会签方案")),
            ("accept_proposal", _("可受理方案、组织专家评审")),
            ("reply_proposal", _("可回函")),
            ("annotate_proposal", _("可在线批注")),
            ("manage_controls", _("可管理区县预审服务管控")),
        ]
        indexes = [
            models.Index(fields=["state", "level"], name="pr_prop_state_level"),
            models.Index(fields=["organization", "state"], name="pr_prop_org_state"),
            models.Index(fields=["reviewer", "state"], name="pr_prop_reviewer_state"),
            models.Index(fields=["assigned_head", "state"], name="pr_prop_head_state"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("egov_project_review:proposal_detail", args=[self.pk])

    @property
    def is_district(self) -> bool:
        return self.level == Level.DISTRICT

    @property
    def consult_origin_label(self) -> str:
        return str(dict(State.choices).get(self.consult_origin, ""))


class ProposalTag(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="proposal_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("来源"), max_length=8, default="auto", choices=[("auto", _("自动匹配")),
                                                                                ("manual", _("人工维护"))])
    matched = models.CharField(_("命中关键词"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("方案标签")
        verbose_name_plural = _("方案标签")
        constraints = [models.UniqueConstraint(fields=["proposal", "tag"], name="pr_proposal_tag_unique")]


class ProposalEvent(models.Model):
    """One business step taken on a proposal (denormalised from the process log for the workbench counts)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    organization = models.ForeignKey("egov_base.Organization", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=16, choices=Level.choices)
    action = models.CharField(_("动作"), max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("时间"), db_index=True)

    scope_fields = ScopeFields(org="organization", owner="proposal__applicant")

    class Meta:
        verbose_name = _("方案办理记录")
        verbose_name_plural = _("方案办理记录")
        indexes = [
            models.Index(fields=["action", "created_at"], name="pr_event_action_time"),
            models.Index(fields=["actor", "action", "created_at"], name="pr_event_actor_action"),
        ]


class Countersign(models.Model):
    """会签: one random draw of co-signers (1 centre leader + 1 department head or technical expert) with its seed
    and candidate list, so the draw can be replayed and audited; one row per signer."""

    class Result(models.TextChoices):
        PENDING = "pending", _("待会签")
        PASS = "pass", _("通过")
        FAIL = "fail", _("不通过")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="countersigns")
    round = models.PositiveIntegerField(_("轮次"), default=1)
    slot = models.CharField(_("席位"), max_length=16, choices=[("leader", _("中心领导")),
                                                              ("head", _("部门负责人或技术专家"))])
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("会签人"), on_delete=models.PROTECT,
                               related_name="+")
    seed = models.CharField(_("随机种子"), max_length=64)
    candidates = models.JSONField(_("候选人"), default=list)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), on_delete=models.PROTECT,
                                 related_name="+")
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)
    result = models.CharField(_("会签结果"), max_length=8, choices=Result.choices, default=Result.PENDING)
    opinion = models.TextField(_("会签意见"), blank=True)
    acted_at = models.DateTimeField(_("会签时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("会签")
        verbose_name_plural = _("会签")
        ordering = ["round", "slot"]
        constraints = [models.UniqueConstraint(fields=["proposal", "round", "slot"], name="pr_countersign_slot")]


class Consultation(TimeStampedModel):
    """方案会商: an offline consultation and its recorded result."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="consultations")
    origin = models.CharField(_("发起环节"), max_length=24, choices=State.choices)
    participants = models.CharField(_("会商人员"), max_length=300, blank=True)
    held_at = models.DateTimeField(_("会商时间"), null=True, blank=True)
    place = models.CharField(_("会商地点"), max_length=120, blank=True)
    passed = models.BooleanField(_("会商结果"), null=True)
    opinion = models.TextField(_("会商意见"), blank=True)

    scope_fields = ScopeFields(org="proposal__organization", owner="proposal__applicant")

    class Meta:
        verbose_name = _("方案会商")
        verbose_name_plural = _("方案会商")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.proposal} · {self.get_origin_display()}"

    def get_absolute_url(self):
        return self.proposal.get_absolute_url() + "?tab=consult"


class ReplyLetter(TimeStampedModel):
    """方案回函."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="reply_letter")
    number = models.CharField(_("回函编号"), max_length=32, unique=True)
    template = models.ForeignKey(ReplyTemplate, verbose_name=_("回函模版"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    opinion = models.TextField(_("回函意见"), blank=True)
    issued_at = models.DateTimeField(_("回函时间"), null=True, blank=True)

    scope_fields = ScopeFields(org="proposal__organization", owner="proposal__applicant")

    class Meta:
        verbose_name = _("方案回函")
        verbose_name_plural = _("方案回函")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return self.proposal.get_absolute_url()
