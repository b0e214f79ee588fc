"""Inbox registrations: notification events, periodic reminders, menu entry."""

from django.utils.translation import gettext_lazy as _

from egov_base.notify.registry import register_event
from egov_base.ui.menu import MenuItem, register_menu

from ..schedules import periodic

periodic("inbox: due reminders", "egov_base.inbox.send_due_reminders", every_seconds=900,
         description="待办临期（24 小时内）与超期提醒，每个阶段每条待办只提醒一次")


register_event("inbox.task_assigned", _("新待办提醒"), subject="【待办】{{ task.title }}",
               body="您有一条新的待办事项：{{ task.title }}。{% if task.due_at %}请于 {{ task.due_at|date:'Y年n月j日 H:i' }} 前办理。{% endif %}",
               channels=["inapp", "email"])
register_event("inbox.task_due_soon", _("待办临期提醒"), subject="【即将到期】{{ task.title }}",
               body="待办事项“{{ task.title }}”将于 {{ task.due_at|date:'Y年n月j日 H:i' }} 到期，请尽快办理。",
               channels=["inapp", "email"])
register_event("inbox.task_overdue", _("待办超期提醒"), subject="【已超期】{{ task.title }}",
               body="待办事项“{{ task.title }}”已于 {{ task.due_at|date:'Y年n月j日 H:i' }} 超期，请立即办理。",
               channels=["inapp", "email", "sms"])


register_menu("inbox", _("我的待办"), "ti ti-inbox", 1, items=[
    MenuItem(_("待办事项"), "egov_base:inbox", order=1, icon="ti ti-inbox"),
])
