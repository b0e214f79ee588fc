from django import template
from django.utils.html import format_html

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


EXPERT_STATES = {"draft": "待抽取", "pooled": "已固定专家池", "drawing": "抽取中", "confirming": "专家确认中",
                 "ready": "名单已确认", "finished": "评审已完成", "cancelled": "已取消"}


@register.filter
def expert_state(code):
    from django.utils.translation import gettext

    label = EXPERT_STATES.get(code)
    return gettext(label) if label else code
