"""Models of the audit area (imported by egov_base/models.py).

``AuditEntry`` is an append-only, hash-chained log. Its primary key is assigned by
``egov_base.audit.services`` under a PostgreSQL advisory transaction lock (previous id + 1), so ids have no
gaps and every column, the id included, is covered by the row hash.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEntry(models.Model):
    class Source(models.TextChoices):
        WEB = "web", _("网页")
        API = "api", _("接口")
        TASK = "task", _("后台任务")
        COMMAND = "command", _("命令")
        SYSTEM = "system", _("系统")

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        LOGIN = "login", _("登录")
        LOGOUT = "logout", _("退出")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED = "locked", _("账号锁定")
        EXPORT = "export", _("导出")
        IMPORT = "import", _("导入")
        DENIED = "denied", _("拒绝访问")
        API_CALL = "api_call", _("接口调用")
        TRANSITION = "transition", _("流程流转")
        PASSWORD_CHANGE = "password_change", _("修改密码")
        TOKEN = "token", _("令牌管理")
        VIEW = "view", _("查看敏感信息")
        OTHER = "other", _("其他")

    id = models.BigIntegerField(_("序号"), primary_key=True)
    time = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    actor_org = models.ForeignKey(
        "egov_base.Organization",
        verbose_name=_("操作人单位"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=255, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.WEB)
    action = models.CharField(_("操作"), max_length=32, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("对象类型"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    message = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["content_type", "object_id", "-id"], name="audit_object_idx"),
            models.Index(fields=["actor", "-id"], name="audit_actor_idx"),
            models.Index(fields=["action", "-time"], name="audit_action_time_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_action_display()} {self.object_repr}".strip()

    # --- append-only guard ---------------------------------------------------------------------
    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("审计日志只能追加，不能修改。"))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("审计日志只能追加，不能删除。"))

    # --- hash chain --------------------------------------------------------------------------------
    def hash_payload(self) -> dict:
        return {
            "id": self.pk,
            "time": self.time.isoformat() if self.time else None,
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "actor_org": self.actor_org_id,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "request_id": self.request_id,
            "source": self.source,
            "action": self.action,
            "content_type": self.content_type_id,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "changes": self.changes,
            "message": self.message,
            "data": self.data,
        }

    def compute_hash(self) -> str:
        return compute_hash(self.prev_hash, self.hash_payload())

    def get_action_display(self):
        try:
            return self.Action(self.action).label
        except ValueError:
            return self.action

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("egov_base:audit_detail", args=[self.pk])


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(prev_hash: str, payload: dict) -> str:
    return hashlib.sha256((prev_hash + canonical_json(payload)).encode("utf-8")).hexdigest()


# Models of the security, auth and api areas live in their own packages; they are imported here so Django
# registers them under the egov_base label (egov_base/models.py imports this module).
from ..api.models import SystemToken  # noqa: E402,F401
from ..auth.models import OIDCIdentity  # noqa: E402,F401
from ..security.models import PasswordHistory  # noqa: E402,F401

__all__ = ["AuditEntry", "PasswordHistory", "OIDCIdentity", "SystemToken"]
