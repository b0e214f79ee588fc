"""内容发布: policies, standards, notices and news shown in the portal and the mobile H5."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from ..mixins import TimeStampedModel
from ..scope import ScopeFields
from .sanitize import clean_body

__all__ = ["ArticleCategory", "Article"]


class ArticleCategory(TimeStampedModel):
    """Optional sub-column (栏目) inside a category, e.g. 政策 → 数据安全."""

    code = models.SlugField(_("栏目编码"), max_length=64, unique=True)
    name = models.CharField(_("栏目名称"), max_length=64)
    sort = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("内容栏目")
        verbose_name_plural = _("内容栏目")
        ordering = ["sort", "code"]

    def __str__(self):
        return self.name


class Article(TimeStampedModel):
    class Category(models.TextChoices):
        POLICY = "policy", _("政策")
        STANDARD = "standard", _("标准规范")
        NOTICE = "notice", _("通知公告")
        NEWS = "news", _("新闻")

    class Audience(models.TextChoices):
        ALL = "all", _("全部单位")
        CITY = "city", _("市级单位")
        DISTRICTS = "districts", _("指定区(市)县")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEW = "review", _("待审核")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    category = models.CharField(_("类别"), max_length=16, choices=Category.choices, db_index=True)
    column = models.ForeignKey(
        ArticleCategory, verbose_name=_("栏目"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="articles",
    )
    title = models.CharField(_("标题"), max_length=200)
    summary = models.CharField(_("摘要"), max_length=500, blank=True)
    body = models.TextField(_("正文"), blank=True, help_text=_("支持富文本（已过滤脚本）或简易 Markdown。"))
    cover = models.FileField(_("封面图"), upload_to="content/covers/%Y/%m/", blank=True)
    source = models.CharField(_("来源"), max_length=128, blank=True)
    organization = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("发布单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    audience = models.CharField(_("发布范围"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    districts = models.ManyToManyField(
        "egov_base.Region", verbose_name=_("可见区(市)县"), blank=True, related_name="+",
        limit_choices_to={"level": "district"},
    )
    pinned = models.BooleanField(_("置顶"), default=False)
    publish_at = models.DateTimeField(_("发布时间"), null=True, blank=True, help_text=_("留空则审核通过后立即发布。"))
    expire_at = models.DateTimeField(_("失效时间"), null=True, blank=True)
    status = FSMField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    review_comment = models.CharField(_("审核意见"), max_length=500, blank=True, editable=False)
    published_at = models.DateTimeField(_("实际发布时间"), null=True, blank=True, editable=False)
    view_count = models.PositiveIntegerField(_("阅读数"), default=0, editable=False)

    scope_fields = ScopeFields(org="organization", owner="created_by")

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        ordering = ["-pinned", "-publish_at", "-id"]
        permissions = [
            ("review_article", _("可审核文章")),
            ("publish_article", _("可发布、撤回文章")),
        ]
        indexes = [models.Index(fields=["status", "category", "-publish_at"], name="content_art_pub_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("egov_base:article_manage", args=[self.pk])

    def get_portal_url(self):
        return reverse("egov_base:portal_article_detail", args=[self.pk])

    def get_mobile_url(self):
        return reverse("egov_base:mobile_article_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.body = clean_body(self.body)
        super().save(*args, **kwargs)

    @property
    def is_visible_now(self) -> bool:
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and (self.publish_at is None or self.publish_at <= now)
            and (self.expire_at is None or self.expire_at > now)
        )

    @property
    def is_new(self) -> bool:
        return bool(self.publish_at and (timezone.now() - self.publish_at).days < 7)

    # --- state machine (services.py runs these with permission checks, audit and inbox) ---------------
    @transition(field=status, source=[Status.DRAFT, Status.WITHDRAWN], target=Status.REVIEW,
                permission="egov_base.change_article")
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(field=status, source=Status.REVIEW, target=Status.PUBLISHED, permission="egov_base.review_article")
    def approve(self):
        self._mark_published()

    @transition(field=status, source=Status.REVIEW, target=Status.DRAFT, permission="egov_base.review_article")
    def reject(self):
        pass

    @transition(field=status, source=[Status.DRAFT, Status.WITHDRAWN], target=Status.PUBLISHED,
                permission="egov_base.publish_article")
    def publish(self):
        self._mark_published()

    @transition(field=status, source=Status.PUBLISHED, target=Status.WITHDRAWN,
                permission="egov_base.publish_article")
    def withdraw(self):
        pass

    def _mark_published(self):
        now = timezone.now()
        self.published_at = now
        if self.publish_at is None:
            self.publish_at = now
