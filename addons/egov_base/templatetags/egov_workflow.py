"""Template helpers of the workflow area: ``{% load egov_workflow %}``."""

from django import template

from ..workflow.selectors import format_duration

register = template.Library()


@register.filter
def wf_duration(delta):
    return format_duration(delta)


@register.inclusion_tag("egov_base/workflow/partials/approval_panel.html", takes_context=True)
def approval_panel(context, obj):
    """``{% approval_panel object %}`` on a domain app's detail page."""
    from ..workflow.views import approval_panel_context

    return {**approval_panel_context(context["request"], obj), "request": context["request"],
            "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("egov_base/workflow/partials/trace.html", takes_context=True)
def process_trace(context, obj):
    from ..workflow.selectors import process_trace as rows

    return {"object": obj, "trace": rows(obj)}


@register.filter
def wf_action(code):
    from ..workflow.approval import ACTION_LABELS

    return ACTION_LABELS.get(code, code)
