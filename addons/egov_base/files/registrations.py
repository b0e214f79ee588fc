"""Files area registrations: the "附件" detail tab of every generic detail page."""

from django.utils.translation import gettext_lazy as _

try:
    from ..generic.registry import register_detail_tab
except ImportError:  # generic area not available
    register_detail_tab = None


def _context(request, obj):
    from .views import tab_context

    return tab_context(request, obj)


if register_detail_tab is not None:
    register_detail_tab(
        key="attachments", label=_("附件"), template="egov_base/files/partials/attachments_tab.html",
        context=_context, order=30,
    )
