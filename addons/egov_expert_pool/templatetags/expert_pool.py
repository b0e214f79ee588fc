"""Template helpers of the expert pool: ``{% load expert_pool %}``."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def expert_panel(context, expert):
    """Status buttons and the pending change of an expert's detail page."""
    from egov_base.validators import mask_id_card

    from ..models import Expert, ExpertChange
    from ..selectors import specialty_label

    request = context["request"]
    change = ExpertChange.objects.filter(expert=expert, status=ExpertChange.Status.PENDING).select_related(
        "created_by").first()
    rows = []
    if change is not None:
        for name, (old, new) in change.data.items():
            label = str(Expert._meta.get_field(name).verbose_name)
            if name == "specialties":
                old, new = "、".join(specialty_label(c) for c in old), "、".join(specialty_label(c) for c in new)
            elif isinstance(old, list) or isinstance(new, list):
                old, new = "、".join(old or []), "、".join(new or [])
            elif name in ("expert_type", "title", "gender"):
                choices = dict(Expert._meta.get_field(name).flatchoices)
                old, new = choices.get(old, old), choices.get(new, new)
            rows.append((label, old or "—", new or "—"))
        if change.id_card_enc:
            rows.append((str(Expert._meta.get_field("id_card").verbose_name), expert.id_card_masked or "—",
                         mask_id_card(change.id_card_enc)))
    return {"transitions": expert.available_transitions(request.user), "change": change, "rows": rows}


@register.filter
def specialty_names(codes):
    from ..selectors import specialty_label

    return "、".join(specialty_label(c) for c in codes or [])


@register.filter
def specialty_name(code):
    from ..selectors import specialty_label

    return specialty_label(code or "")


@register.filter
def money(value):
    """Amounts in yuan with thousands separators: 12,345.00."""
    try:
        return f"{float(value or 0):,.2f}"
    except (TypeError, ValueError):
        return value
