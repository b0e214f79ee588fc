"""Workflow registrations: permissions for built-in roles, periodic SLA check, notification event and the
process-trace detail tab."""

from django.utils.translation import gettext_lazy as _

from egov_base.generic.registry import register_detail_tab
from egov_base.notify.registry import register_event
from egov_base.ui.menu import MenuItem, register_menu

from ..org.roles import grant
from ..schedules import periodic

periodic("workflow: approval SLA", "egov_base.workflow.approval_check_sla", every_seconds=600,
         description="审批节点超时标记、提醒与上报")

grant("dept_head", "egov_base.view_approvalchain", "egov_base.view_approvalinstance")
grant("city_admin", "egov_base.view_approvalchain")

register_event("workflow.approval_overdue", _("审批超时提醒"), subject="【审批超时】{{ title }}",
               body="{{ title }} 已超过办理时限，请尽快处理。", channels=["inapp", "email", "sms"])


def _trace_context(request, obj):
    from .selectors import process_trace

    return {"trace": process_trace(obj), "object": obj}


def _has_trace(request, obj):
    from .selectors import has_process_logs

    return has_process_logs(obj)


register_detail_tab(key="trace", label=_("流程跟踪"), template="egov_base/workflow/partials/trace.html",
                    context=_trace_context, order=30, condition=_has_trace)


register_menu("system", _("系统管理"), "ti ti-settings", 900, items=[
    MenuItem(_("审批流程设计"), "egov_base:approval_chain_list", perm="egov_base.view_approvalchain", order=40,
             icon="ti ti-git-branch"),
])
