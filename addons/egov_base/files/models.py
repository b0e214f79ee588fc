"""Attachments: a generic link to any object, with versions, real-type validation and encryption at rest."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..mixins import TimeStampedModel

__all__ = ["Attachment", "AttachmentVersion"]


def attachment_upload_to(instance, filename):
    # Random path, no user-controlled part: the original name is kept in the database only.
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(TimeStampedModel):
    """One attachment slot on a parent object; its content lives in versions. Data scope and permissions
    are those of the parent object (checked by the file services and views)."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(_("对象编号"), max_length=64)
    content_object = GenericForeignKey("content_type", "object_id")
    purpose = models.CharField(_("用途"), max_length=64, blank=True, default="")
    name = models.CharField(_("文件名"), max_length=255)
    current_version = models.ForeignKey(
        "egov_base.AttachmentVersion", verbose_name=_("当前版本"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="egov_attach_obj_idx")]

    def __str__(self):
        return self.name

    @property
    def purpose_label(self) -> str:
        from .validation import get_purpose

        return str(get_purpose(self.purpose).label)


class AttachmentVersion(models.Model):
    attachment = models.ForeignKey(Attachment, verbose_name=_("附件"), on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    original_name = models.CharField(_("原始文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to=attachment_upload_to, max_length=255)
    size = models.BigIntegerField(_("大小（字节）"))
    mime_type = models.CharField(_("文件类型"), max_length=128)
    kind = models.CharField(_("格式"), max_length=16, blank=True, default="")
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    encrypted = models.BooleanField(_("加密存储"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    comment = models.CharField(_("说明"), max_length=255, blank=True, default="")

    class Meta:
        verbose_name = _("附件版本")
        verbose_name_plural = _("附件版本")
        ordering = ["attachment", "-version"]
        constraints = [models.UniqueConstraint(fields=["attachment", "version"], name="egov_attachver_unique")]

    def __str__(self):
        return f"{self.original_name} v{self.version}"

    @property
    def size_display(self) -> str:
        size = float(self.size)
        for unit in ("B", "KB", "MB", "GB"):
            if size < 1024 or unit == "GB":
                return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
            size /= 1024
        return f"{self.size} B"
