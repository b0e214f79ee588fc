"""The search index: one SearchDocument per registered object, with a jieba-segmented full-text vector."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..scope import ScopeFields

__all__ = ["SearchDocument"]


class SearchDocument(models.Model):
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(_("对象编号"), max_length=64)
    title = models.CharField(_("标题"), max_length=255)
    body = models.TextField(_("内容"), blank=True, default="")
    category = models.CharField(_("分类"), max_length=64)
    url = models.CharField(_("链接"), max_length=500, blank=True, default="")
    organization = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_constraint=False,
    )
    district = models.ForeignKey(
        "egov_base.Region", verbose_name=_("所属区(市)县"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_constraint=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("负责人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_constraint=False,
    )
    is_global = models.BooleanField(_("全员可见"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    vector = SearchVectorField(null=True, editable=False)

    # Same rules as every other model: the organisation and owner decide; global documents are added
    # explicitly by the search selectors.
    scope_fields = ScopeFields(org="organization", owner="owner")

    class Meta:
        verbose_name = _("搜索索引")
        verbose_name_plural = _("搜索索引")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="egov_searchdoc_unique")]
        indexes = [
            GinIndex(fields=["vector"], name="egov_searchdoc_vector_gin"),
            models.Index(fields=["category"], name="egov_searchdoc_cat_idx"),
        ]

    def __str__(self):
        return self.title
