"""Files area registrations: the "附件" detail tab of every generic detail page."""

from django.utils.translation import gettext_lazy as _

from ..generic.registry import register_detail_tab


def _context(request, obj):
    from .views import tab_context

    return tab_context(request, obj)


register_detail_tab(
    key="attachments", label=_("附件"), template="egov_base/files/partials/attachments_tab.html",
    context=_context, order=30,
)
