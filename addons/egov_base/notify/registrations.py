"""Registrations of the notify area: its own events, menu entries, periodic dispatch of deferred sends."""

from django.utils.translation import gettext_lazy as _

from ..org.roles import grant
from ..schedules import periodic
from ..ui.menu import MenuItem, register_menu
from .registry import register_event

register_event(
    "notify.test", _("测试通知"),
    subject="测试通知：{{ title|default:'渠道连通性测试' }}",
    body="{{ recipient }}，您好！这是一条来自政务统一运营管理平台的测试通知。{{ note }}",
    sms="【测试】{{ recipient }}，这是平台的测试短信。",
    channels=("inapp",),
    sample_context={"title": "渠道连通性测试", "note": "收到即表示渠道正常。"},
)

register_event(
    "notify.message", _("系统消息"),
    subject="{{ title }}", body="{{ body }}", sms="{{ title }}", channels=("inapp",),
    sample_context={"title": "政务云平台计划维护通知", "body": "11 月 30 日 00:00–04:00 进行存储扩容，期间部分云主机可能短暂中断。"},
)

periodic("egov_base.notify.dispatch_due", "egov_base.notify.dispatch_due", every_seconds=60,
         description="发送免打扰结束的延后通知，补发丢失的队列任务")

register_menu("system", _("系统管理"), "ti ti-settings", 90, items=[
    MenuItem(_("通知模板"), "egov_base:notify_templates", perm="egov_base.view_notificationtemplate", icon="ti ti-template", order=50),
    MenuItem(_("通知发送记录"), "egov_base:notify_deliveries", perm="egov_base.view_delivery", icon="ti ti-send", order=51),
])
register_menu("personal", _("个人中心"), "ti ti-user", 95, items=[
    MenuItem(_("消息中心"), "egov_base:notify_messages", icon="ti ti-bell", order=10),
    MenuItem(_("通知设置"), "egov_base:notify_preferences", icon="ti ti-adjustments", order=11),
])

grant("service_desk", "egov_base.view_delivery", "egov_base.change_delivery", "egov_base.view_notificationtemplate")
grant("ops_engineer", "egov_base.view_delivery")
grant("dept_head", "egov_base.view_delivery", "egov_base.view_notificationtemplate")
