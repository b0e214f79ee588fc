"""Models of the notify area: in-app messages, editable templates, preferences and the delivery log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..mixins import TimeStampedModel
from ..scope import ScopeFields

__all__ = ["Message", "NotificationTemplate", "NotificationPreference", "Delivery"]


class Channel(models.TextChoices):
    INAPP = "inapp", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    DINGTALK = "dingtalk", _("钉钉工作通知")
    DINGTALK_ROBOT = "dingtalk_robot", _("钉钉群机器人")


class Message(models.Model):
    """A message in a user's in-app message centre (消息中心)."""

    audit_exclude = True  # a log/queue of its own; not change-logged

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
                                  related_name="notify_messages")
    event = models.CharField(_("事件"), max_length=100, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    urgent = models.BooleanField(_("紧急"), default=False)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    scope_fields = ScopeFields(owner="recipient")

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="egov_notify_msg_unread")]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationTemplate(TimeStampedModel):
    """The text of one event on one channel, in Django template syntax (only the event's context is
    available). Without a row the default declared by register_event is used."""

    event = models.CharField(_("事件"), max_length=100)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    subject = models.CharField(_("标题"), max_length=300, blank=True)
    body = models.TextField(_("内容"))
    sms_template_code = models.CharField(_("短信模板编号"), max_length=64, blank=True,
                                         help_text=_("短信平台备案的模板编号（如平台要求）。"))
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("通知模板")
        verbose_name_plural = _("通知模板")
        ordering = ["event", "channel"]
        constraints = [models.UniqueConstraint(fields=["event", "channel"], name="egov_notify_tpl_event_channel")]

    def __str__(self):
        return f"{self.event} / {self.get_channel_display()}"


class NotificationPreference(models.Model):
    """Per-user choices: muted events, channels switched off, quiet hours (Asia/Shanghai) and the DingTalk
    user id for work notifications."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="notify_preference")
    muted_events = models.JSONField(_("不接收的事件"), default=list, blank=True)
    disabled_channels = models.JSONField(_("关闭的渠道"), default=list, blank=True)
    quiet_start = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_end = models.TimeField(_("免打扰结束"), null=True, blank=True)
    dingtalk_userid = models.CharField(_("钉钉用户ID"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_fields = ScopeFields(owner="user")

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self):
        return str(self.user)


class Delivery(models.Model):
    """One message on one channel to one recipient (发送记录). ``key`` is unique: a retried task or a
    repeated notify() with the same key never sends twice."""

    audit_exclude = True  # a log/queue of its own; not change-logged

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("失败")
        DEFERRED = "deferred", _("免打扰延后")
        SKIPPED = "skipped", _("已跳过")

    key = models.CharField(_("幂等键"), max_length=255, unique=True)
    event = models.CharField(_("事件"), max_length=100, db_index=True)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, db_index=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(_("地址"), max_length=255, blank=True)
    subject = models.CharField(_("标题"), max_length=300, blank=True)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    params = models.JSONField(_("模板参数"), default=dict, blank=True)
    urgent = models.BooleanField(_("紧急"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    provider_message_id = models.CharField(_("平台消息号"), max_length=128, blank=True)
    object_ref = models.CharField(_("关联对象"), max_length=120, blank=True, db_index=True)
    scheduled_for = models.DateTimeField(_("计划发送时间"), null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_fields = ScopeFields(owner="recipient")

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.event} → {self.address_display}"

    @property
    def address_display(self) -> str:
        return mask_address(self.channel, self.address)


def mask_address(channel: str, address: str) -> str:
    if not address:
        return ""
    if channel == Channel.SMS:
        digits = address[3:] if address.startswith("+86") else address.lstrip("+")
        return digits[:3] + "****" + digits[-4:] if len(digits) >= 7 else "****"
    if channel == Channel.EMAIL and "@" in address:
        local, domain = address.split("@", 1)
        return (local[:2] + "***@" + domain) if len(local) > 2 else ("***@" + domain)
    return address
