"""UI: the home entry of the backend menu."""

from django.utils.translation import gettext_lazy as _

from .menu import MenuItem, register_menu

register_menu("home", _("工作台"), "ti ti-home", 0, items=[
    MenuItem(_("我的工作台"), "egov_base:home", order=0),
    MenuItem(_("服务门户"), "egov_base:portal_home", order=80),
    MenuItem(_("移动版"), "egov_base:mobile_home", order=90),
])
