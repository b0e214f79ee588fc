from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

register = template.Library()

COLORS = {
    "draft": "secondary", "intake": "azure", "assign": "indigo", "transfer": "orange", "prereview": "blue",
    "countersign": "purple", "consult": "yellow", "accept": "cyan", "expert": "pink", "improve": "lime",
    "audit": "teal", "reply": "green", "done": "success", "returned": "red", "terminated": "dark",
}


@register.simple_tag
def state_badge(p):
    color = COLORS.get(p.state, "secondary")
    return format_html('<span class="badge bg-{}-lt">{}</span>', color, p.get_state_display())


@register.filter
def get_item(d, key):
    try:
        return d.get(key)
    except AttributeError:
        return None


@register.filter
def yuan(value):
    if value in (None, ""):
        return "—"
    return f"{value:,.2f}"



EXPERT_STATES = {"draft": _("待抽取"), "committed": _("已公示承诺值"), "confirming": _("专家确认中"),
                 "ready": _("专家已确认"), "finished": _("评审结束"), "cancelled": _("已取消")}


@register.filter
def expert_state(code):
    return EXPERT_STATES.get(code, code)
