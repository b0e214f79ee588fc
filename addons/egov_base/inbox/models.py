"""Models of the unified inbox (imported by egov_base/models.py)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..scope import ScopeFields

__all__ = ["Task"]


class Task(models.Model):
    """One item in a user's inbox: 待办 (todo) or 待阅 (toread). A task either has an ``assignee`` or is a
    group task offered to ``candidate_roles`` (optionally limited to an organisation subtree or a district)
    that one candidate claims."""

    audit_exclude = True  # a log/queue of its own; not change-logged

    class Kind(models.TextChoices):
        TODO = "todo", _("待办")
        TOREAD = "toread", _("待阅")

    class Status(models.TextChoices):
        OPEN = "open", _("未处理")
        DONE = "done", _("已办")
        CANCELLED = "cancelled", _("已取消")
        READ = "read", _("已阅")

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices, default=Kind.TODO)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    title = models.CharField(_("标题"), max_length=255)
    url = models.CharField(_("链接"), max_length=500, blank=True, default="")
    source = models.CharField(_("来源"), max_length=64, blank=True, default="", db_index=True)
    key = models.CharField(_("幂等键"), max_length=200, db_index=True)

    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64, blank=True, default="")
    obj = GenericForeignKey("content_type", "object_id")

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="inbox_tasks",
    )
    candidate_roles = ArrayField(models.CharField(max_length=64), verbose_name=_("候选角色"), default=list, blank=True)
    candidate_org = models.ForeignKey(
        "egov_base.Organization", verbose_name=_("候选单位"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    candidate_district = models.ForeignKey(
        "egov_base.Region", verbose_name=_("候选区(市)县"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )

    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    result = models.CharField(_("办理结果"), max_length=200, blank=True, default="")
    # 0 = no reminder yet, 1 = "due soon" sent, 2 = "overdue" sent: each stage is sent once per task.
    reminded_stage = models.PositiveSmallIntegerField(_("提醒阶段"), default=0)

    scope_fields = ScopeFields(owner="assignee")

    class Meta:
        verbose_name = _("待办事项")
        verbose_name_plural = _("待办事项")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "assignee"], condition=Q(status="open") & Q(assignee__isnull=False),
                name="inbox_task_open_key_assignee",
            ),
            models.UniqueConstraint(
                fields=["key"], condition=Q(status="open") & Q(assignee__isnull=True),
                name="inbox_task_open_key_group",
            ),
        ]
        indexes = [models.Index(fields=["assignee", "status", "kind"], name="inbox_task_box_idx")]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        if self.due_at is None:
            return False
        end = self.completed_at if self.status != self.Status.OPEN and self.completed_at else timezone.now()
        return end > self.due_at

    @property
    def is_group(self) -> bool:
        return self.assignee_id is None
