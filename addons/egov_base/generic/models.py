"""Models of the generic area (imported by egov_base/models.py): comments on any object and remembered
list preferences (columns, page size) per user and model."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Comment", "ListPreference"]


class Comment(models.Model):
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(_("对象ID"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评论人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("评论时间"), auto_now_add=True, db_index=True)
    idempotency_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("评论")
        verbose_name_plural = _("评论")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                name="generic_comment_idempotency",
            )
        ]

    def __str__(self):
        return self.body[:40]


class ListPreference(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+")
    model_key = models.CharField(_("对象类型"), max_length=100)  # "app_label.model_name"
    columns = models.JSONField(_("显示列"), default=list, blank=True)
    page_size = models.PositiveSmallIntegerField(_("每页条数"), default=20)

    class Meta:
        verbose_name = _("列表偏好")
        verbose_name_plural = _("列表偏好")
        constraints = [models.UniqueConstraint(fields=["user", "model_key"], name="generic_listpref_user_model")]

    def __str__(self):
        return f"{self.user_id}:{self.model_key}"
