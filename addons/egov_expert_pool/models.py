"""Models of the expert pool (专家库) and expert drawing (专家抽取).

* ``Expert`` — the city expert library; ID number encrypted at rest with an HMAC column for exact-match search;
  status is a django-fsm-2 state machine (pending review → active → suspended → removed).
* ``ExpertChange`` — a proposed change to an approved expert, applied only when a reviewer approves it.
* ``ExpertLeave`` — availability (periods the expert cannot attend).
* ``Activity`` (抽取活动) with ``ActivityItem`` (评审内容) and ``ActivityDemand`` (人数 per specialty).
* ``Draw`` — one drawing round (the first draw or a 补抽): fixed pool snapshot, commitment, revealed seed.
* ``Booking`` — an expert booked for an activity; a partial unique index makes an expert bookable only once per
  date + half-day over active bookings (pending / confirmed).
* ``CallAttempt`` — one automatic voice call (idempotent by carrier call id).
* ``Evaluation`` (专家评估), ``DistrictGrant`` (市级专家库授权) and ``DistrictGrantUse`` (every use logged).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from egov_base import crypto
from egov_base.fields import EncryptedTextField, PhoneField
from egov_base.mixins import TimeStampedModel
from egov_base.scope import ScopeFields
from egov_base.validators import format_phone, mask_id_card, mask_phone
from egov_base.workflow.fsm import FSMField, WorkflowMixin, transition

SPECIALTY_DICT = "expert_specialty"
TAG_DICT = "expert_tag"


class HalfDay(models.TextChoices):
    AM = "am", _("上午")
    PM = "pm", _("下午")


class ExpertType(models.TextChoices):
    TECH = "tech", _("技术专家")
    MANAGE = "manage", _("管理专家")
    FINANCE = "finance", _("财务专家")
    LEGAL = "legal", _("法律专家")


class ExpertTitle(models.TextChoices):
    SENIOR = "senior", _("正高级")
    VICE = "vice", _("副高级")
    MIDDLE = "middle", _("中级")
    OTHER = "other", _("其他")


def normalize_org_name(name: str) -> str:
    """Company / unit names compared for conflicts of interest: no spaces, brackets unified, no legal suffix."""
    n = (name or "").strip().replace(" ", "").replace("（", "(").replace("）", ")")
    for suffix in ("股份有限公司", "有限责任公司", "有限公司", "集团"):
        if n.endswith(suffix) and len(n) > len(suffix) + 1:
            n = n[: -len(suffix)]
    return n


class Expert(WorkflowMixin, TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACTIVE = "active", _("在库")
        SUSPENDED = "suspended", _("暂停")
        REMOVED = "removed", _("已清退")

    name = models.CharField(_("姓名"), max_length=32)
    gender = models.CharField(_("性别"), max_length=1, choices=[("m", _("男")), ("f", _("女"))], blank=True)
    specialties = ArrayField(models.CharField(max_length=32), verbose_name=_("专业"), default=list,
                             help_text=_("业务字典“专家专业”的编码，可多选。"))
    expert_type = models.CharField(_("专家类型"), max_length=16, choices=ExpertType.choices, default=ExpertType.TECH)
    qualification = models.CharField(_("行业资质"), max_length=200, blank=True,
                                     help_text=_("如：信息系统项目管理师、CISP、注册造价工程师。"))
    title = models.CharField(_("职称"), max_length=16, choices=ExpertTitle.choices, default=ExpertTitle.VICE)
    employer = models.CharField(_("工作单位"), max_length=120)
    past_employers = ArrayField(models.CharField(max_length=120), verbose_name=_("曾任职单位"), default=list,
                                blank=True, help_text=_("用于利益冲突回避，多个以顿号或逗号分隔。"))
    affiliations = ArrayField(models.CharField(max_length=120), default=list, editable=False, blank=True)
    phone = PhoneField(_("联系电话"))
    id_card = EncryptedTextField(_("身份证号码"), blank=True, default="")
    id_card_hash = models.CharField(max_length=64, blank=True, default="", editable=False, db_index=True)
    certificate_no = models.CharField(_("专家证号"), max_length=32, unique=True)
    tags = ArrayField(models.CharField(max_length=32), verbose_name=_("标签"), default=list, blank=True)
    status = FSMField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING, protected=True)
    status_reason = models.CharField(_("状态原因"), max_length=200, blank=True, default="", editable=False)
    score = models.DecimalField(_("综合评分"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False)
    eval_count = models.PositiveIntegerField(_("评估次数"), default=0, editable=False)
    notes = models.TextField(_("备注"), blank=True)

    scope_fields = ScopeFields(global_read=True)
    audit_ignore_fields = ("affiliations",)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家库")
        ordering = ["name", "pk"]
        permissions = [
            ("view_expert_id_card", _("可查看专家完整身份证号码")),
            ("review_expert", _("审核专家信息")),
            ("edit_expert_tags", _("维护已审核专家的标签")),
        ]
        indexes = [
            GinIndex(fields=["specialties"], name="ep_expert_spec_gin"),
            GinIndex(fields=["tags"], name="ep_expert_tags_gin"),
            models.Index(fields=["status", "expert_type"], name="ep_expert_status_type"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from egov_base.validators import validate_id_card

        from .selectors import specialty_codes_from_text

        errors = {}
        if self.id_card:
            try:
                self.id_card = validate_id_card(self.id_card)
            except ValidationError as exc:
                errors["id_card"] = exc.messages
        try:
            self.specialties = specialty_codes_from_text(self.specialties)
        except ValidationError as exc:
            errors["specialties"] = exc.messages
        if not self.specialties and "specialties" not in errors:
            errors["specialties"] = [_("请至少选择一个专业。")]
        self.past_employers = _split_names(self.past_employers)
        self.tags = _split_names(self.tags)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.id_card_hash = crypto.keyed_hash(self.id_card) if self.id_card else ""
        names = [self.employer, *(self.past_employers or [])]
        self.affiliations = sorted({normalize_org_name(n) for n in names if n and n.strip()})
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("egov_expert_pool:expert_detail", args=[self.pk])

    @property
    def id_card_masked(self) -> str:
        return mask_id_card(self.id_card)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    @property
    def specialty_names(self) -> list[str]:
        from egov_base.dictionary.selectors import dict_label

        return [dict_label(SPECIALTY_DICT, c, default=c) for c in self.specialties]

    # --- review / status flow -----------------------------------------------------------------------------
    @transition(field="status", source=Status.PENDING, target=Status.ACTIVE, label=_("审核通过"),
                permission="egov_expert_pool.review_expert")
    def approve(self, comment=""):
        self.status_reason = comment[:200]

    @transition(field="status", source=Status.PENDING, target=Status.REMOVED, label=_("审核不通过"),
                permission="egov_expert_pool.review_expert", custom={"button": "danger", "needs_reason": True})
    def reject(self, comment=""):
        self.status_reason = comment[:200]

    @transition(field="status", source=Status.ACTIVE, target=Status.SUSPENDED, label=_("暂停"),
                permission="egov_expert_pool.review_expert", custom={"button": "warning", "needs_reason": True})
    def suspend(self, comment=""):
        self.status_reason = comment[:200]

    @transition(field="status", source=Status.SUSPENDED, target=Status.ACTIVE, label=_("恢复"),
                permission="egov_expert_pool.review_expert")
    def reinstate(self, comment=""):
        self.status_reason = comment[:200]

    @transition(field="status", source=[Status.ACTIVE, Status.SUSPENDED], target=Status.REMOVED, label=_("清退"),
                permission="egov_expert_pool.review_expert", custom={"button": "danger", "needs_reason": True})
    def remove(self, comment=""):
        self.status_reason = comment[:200]


def _split_names(values) -> list[str]:
    import re

    out: list[str] = []
    for v in values or []:
        for part in re.split(r"[、，,；;\n]+", str(v)):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


class ExpertChange(TimeStampedModel):
    """A change to an approved expert waiting for review (新增或变更的专家信息须审核)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已驳回")

    expert = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.CASCADE, related_name="changes")
    data = models.JSONField(_("变更内容"), default=dict)  # field -> [old display, new value]; id_card never stored
    id_card_enc = EncryptedTextField(blank=True, default="")  # a changed ID number, encrypted
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    comment = models.CharField(_("审核意见"), max_length=200, blank=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("专家信息变更")
        verbose_name_plural = _("专家信息变更")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["expert"], condition=Q(status="pending"), name="ep_change_one_pending"),
        ]

    def __str__(self):
        return f"{self.expert} · {self.get_status_display()}"


class ExpertLeave(TimeStampedModel):
    expert = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.CASCADE, related_name="leaves")
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    reason = models.CharField(_("事由"), max_length=120, blank=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("专家请假")
        verbose_name_plural = _("专家请假（不可参会时段）")
        ordering = ["-start"]
        indexes = [models.Index(fields=["start", "end"], name="ep_leave_period")]

    def __str__(self):
        return f"{self.expert} {self.start:%Y-%m-%d}～{self.end:%Y-%m-%d}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("结束日期不能早于开始日期。")})


class Activity(TimeStampedModel):
    """抽取活动: one meeting (date + half-day) reviewing one or several items with experts drawn by rules."""

    class State(models.TextChoices):
        DRAFT = "draft", _("待抽取")
        COMMITTED = "committed", _("已公示承诺值")
        CONFIRMING = "confirming", _("确认中")
        READY = "ready", _("专家已确认")
        FINISHED = "finished", _("评审结束")
        CANCELLED = "cancelled", _("已取消")

    number = models.CharField(_("活动编号"), max_length=32, unique=True, editable=False)
    title = models.CharField(_("活动标题"), max_length=200)
    date = models.DateField(_("评审日期"))
    half_day = models.CharField(_("时段"), max_length=2, choices=HalfDay.choices)
    place = models.CharField(_("评审地点"), max_length=200)
    organization = models.ForeignKey("egov_base.Organization", verbose_name=_("组织单位"),
                                     on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("egov_base.Region", verbose_name=_("代抽区(市)县"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               help_text=_("区(市)县使用市级专家库时填写，须在授权期内。"))
    rules = models.JSONField(_("抽取规则"), default=dict, blank=True)
    source_key = models.CharField(_("来源标识"), max_length=120, blank=True, default="", editable=False)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.DRAFT)
    result_passed = models.BooleanField(_("评审通过"), null=True, blank=True)
    result_opinion = models.TextField(_("评审意见"), blank=True)
    finished_at = models.DateTimeField(_("评审结束时间"), null=True, blank=True)

    scope_fields = ScopeFields(org="organization", owner="created_by")

    class Meta:
        verbose_name = _("抽取活动")
        verbose_name_plural = _("抽取活动")
        ordering = ["-date", "-pk"]
        permissions = [
            ("draw_activity", _("执行专家抽取")),
            ("view_drawn_experts", _("评审结束前查看抽取名单")),
            ("evaluate_expert", _("专家评估打分")),
            ("manage_district_grant", _("管理区(市)县专家库授权")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source_key"], condition=~Q(source_key=""), name="ep_activity_source"),
        ]
        indexes = [models.Index(fields=["date", "half_day"], name="ep_activity_slot")]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("egov_expert_pool:activity_detail", args=[self.pk])

    @property
    def slot_label(self) -> str:
        return f"{self.date.year}年{self.date.month}月{self.date.day}日 {self.get_half_day_display()}"

    @property
    def is_open(self) -> bool:
        return self.state not in (self.State.FINISHED, self.State.CANCELLED)


class ActivityItem(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("评审内容"), max_length=200)
    ref = models.CharField(_("来源"), max_length=120, blank=True)
    applicant_org = models.ForeignKey("egov_base.Organization", verbose_name=_("申报单位"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    applicant_name = models.CharField(_("申报单位名称"), max_length=120, blank=True)
    bidders = ArrayField(models.CharField(max_length=120), verbose_name=_("相关企业"), default=list, blank=True)

    class Meta:
        verbose_name = _("评审内容")
        verbose_name_plural = _("评审内容")
        ordering = ["pk"]

    def __str__(self):
        return self.title


class ActivityDemand(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="demands")
    specialty = models.CharField(_("专业"), max_length=32)
    count = models.PositiveSmallIntegerField(_("人数"), validators=[MinValueValidator(1), MaxValueValidator(50)])

    class Meta:
        verbose_name = _("抽取人数")
        verbose_name_plural = _("抽取人数")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["activity", "specialty"], name="ep_demand_unique")]

    @property
    def specialty_name(self) -> str:
        from egov_base.dictionary.selectors import dict_label

        return dict_label(SPECIALTY_DICT, self.specialty, default=self.specialty)


class Draw(models.Model):
    """One drawing round. ``commitment`` is published (with ``seed_hash``) before the selection; ``seed`` is
    revealed after it. ``pool`` is the snapshot {specialty: [expert ids sorted]}; ``result`` {specialty: [ids]}."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="draws")
    round_no = models.PositiveSmallIntegerField(_("轮次"))
    is_replacement = models.BooleanField(_("补抽"), default=False)
    rules = models.JSONField(_("规则快照"), default=dict)
    needs = models.JSONField(_("抽取人数"), default=dict)  # {specialty: count}
    pool = models.JSONField(_("抽取池快照"), default=dict)
    pool_size = models.PositiveIntegerField(_("抽取池人数"), default=0)
    excluded = models.JSONField(_("排除统计"), default=dict)  # reason -> count
    seed_hash = models.CharField(_("种子哈希"), max_length=64)
    seed_secret = EncryptedTextField(blank=True, default="")  # the seed until it is revealed
    seed = models.CharField(_("随机种子"), max_length=64, blank=True, default="")
    commitment = models.CharField(_("承诺值"), max_length=64)
    committed_at = models.DateTimeField(_("公示时间"), auto_now_add=True)
    revealed_at = models.DateTimeField(_("揭示时间"), null=True, blank=True)
    result = models.JSONField(_("抽取结果"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    scope_fields = ScopeFields(org="activity__organization", owner="activity__created_by")
    audit_exclude = True  # the services record one audit event per commitment and per reveal (with the result)

    class Meta:
        verbose_name = _("抽取记录")
        verbose_name_plural = _("抽取记录")
        ordering = ["activity", "round_no"]
        constraints = [models.UniqueConstraint(fields=["activity", "round_no"], name="ep_draw_round")]

    def __str__(self):
        return f"{self.activity.number} 第{self.round_no}轮"


class Booking(TimeStampedModel):
    """An expert booked for an activity (抽中 / 邀请 / 直接登记)."""

    class Mode(models.TextChoices):
        RANDOM = "random", _("随机抽取")
        INVITE = "invite", _("邀请")
        DIRECT = "direct", _("直接登记")

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认参加")
        DECLINED = "declined", _("明确不参加")
        NO_ANSWER = "no_answer", _("多次未接通")
        CANCELLED = "cancelled", _("已取消")

    ACTIVE = (Status.PENDING, Status.CONFIRMED)

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="bookings")
    expert = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="bookings")
    draw = models.ForeignKey(Draw, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings")
    specialty = models.CharField(_("专业"), max_length=32)
    mode = models.CharField(_("方式"), max_length=8, choices=Mode.choices, default=Mode.RANDOM)
    reason = models.CharField(_("登记/邀请理由"), max_length=200, blank=True)
    date = models.DateField(_("日期"))
    half_day = models.CharField(_("时段"), max_length=2, choices=HalfDay.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    confirmed_via = models.CharField(_("确认方式"), max_length=16, blank=True,
                                     choices=[("voice", _("自动语音")), ("manual", _("人工电话")),
                                              ("sms", _("短信")), ("direct", _("直接登记"))])
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    response_note = models.CharField(_("答复说明"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("呼叫次数"), default=0)
    attended = models.BooleanField(_("实际到会"), null=True, blank=True)
    fee = models.DecimalField(_("专家费(元)"), max_digits=9, decimal_places=2, default=Decimal("0"))

    scope_fields = ScopeFields(org="activity__organization", owner="activity__created_by")

    class Meta:
        verbose_name = _("专家预约")
        verbose_name_plural = _("专家预约")
        ordering = ["activity", "pk"]
        constraints = [
            # The same expert at most once per half-day across all activities while the booking is active.
            models.UniqueConstraint(fields=["expert", "date", "half_day"], condition=Q(status__in=["pending", "confirmed"]),
                                    name="ep_booking_halfday_unique"),
            models.UniqueConstraint(fields=["activity", "expert"], name="ep_booking_activity_expert"),
        ]
        indexes = [
            models.Index(fields=["expert", "status", "date"], name="ep_booking_expert_date"),
            models.Index(fields=["date", "half_day", "status"], name="ep_booking_slot"),
        ]

    def __str__(self):
        return f"{self.activity.number} · {self.expert}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class CallAttempt(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("已发起")
        LOGGED = "logged", _("仅记录（未配置语音平台）")
        ACCEPTED = "accepted", _("按 1 确认参加")
        DECLINED = "declined", _("按 2 不参加")
        NO_KEY = "no_key", _("接通未按键")
        NO_ANSWER = "no_answer", _("未接通")
        FAILED = "failed", _("呼叫失败")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="calls")
    attempt_no = models.PositiveSmallIntegerField(_("第几次"))
    provider = models.CharField(_("通道"), max_length=32)
    call_id = models.CharField(_("呼叫编号"), max_length=64, unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    key_pressed = models.CharField(_("按键"), max_length=4, blank=True)
    requested_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    callback_at = models.DateTimeField(_("回调时间"), null=True, blank=True)
    callback = models.JSONField(_("回调内容"), default=dict, blank=True)
    effect = models.CharField(_("处理结果"), max_length=32, blank=True)  # applied / late / ignored ...
    error = models.CharField(_("错误"), max_length=200, blank=True)

    audit_exclude = True
    scope_fields = ScopeFields(org="booking__activity__organization", owner="booking__activity__created_by")

    class Meta:
        verbose_name = _("语音呼叫")
        verbose_name_plural = _("语音呼叫")
        ordering = ["booking", "attempt_no"]
        constraints = [models.UniqueConstraint(fields=["booking", "attempt_no"], name="ep_call_attempt")]


class Evaluation(TimeStampedModel):
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="evaluation")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="evaluations")
    punctuality = models.PositiveSmallIntegerField(_("守时"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    professionalism = models.PositiveSmallIntegerField(_("专业水平"),
                                                       validators=[MinValueValidator(1), MaxValueValidator(5)])
    opinion_quality = models.PositiveSmallIntegerField(_("意见质量"),
                                                       validators=[MinValueValidator(1), MaxValueValidator(5)])
    discipline = models.PositiveSmallIntegerField(_("廉洁纪律"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    total = models.DecimalField(_("平均分"), max_digits=3, decimal_places=2)
    comment = models.CharField(_("评语"), max_length=300, blank=True)

    scope_fields = ScopeFields(org="booking__activity__organization", owner="created_by")

    class Meta:
        verbose_name = _("专家评估")
        verbose_name_plural = _("专家评估")
        ordering = ["-created_at"]


class DistrictGrant(TimeStampedModel):
    """市级专家库授权: a district may draw from the city library between start and end while open."""

    region = models.ForeignKey("egov_base.Region", verbose_name=_("区(市)县"), on_delete=models.PROTECT,
                               related_name="+", limit_choices_to={"level": "district"})
    start = models.DateTimeField(_("授权开始"))
    end = models.DateTimeField(_("授权结束"))
    letter_no = models.CharField(_("申请函文号"), max_length=64, blank=True)
    reason = models.CharField(_("授权说明"), max_length=200, blank=True)
    is_open = models.BooleanField(_("开通"), default=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("关闭人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("区县专家库授权")
        verbose_name_plural = _("市级专家库授权管控")
        ordering = ["-start"]
        indexes = [models.Index(fields=["region", "is_open", "start", "end"], name="ep_grant_lookup")]

    def __str__(self):
        return f"{self.region} {self.start:%Y-%m-%d}～{self.end:%Y-%m-%d}"


class DistrictGrantUse(models.Model):
    grant = models.ForeignKey(DistrictGrant, on_delete=models.PROTECT, related_name="uses")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("动作"), max_length=32)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    audit_exclude = True
    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("授权使用记录")
        verbose_name_plural = _("授权使用记录")
        ordering = ["-at"]
