"""Extension points of the portal and mobile home pages for domain apps.

    from egov_base.ui.portal import register_portal_panel
    register_portal_panel("sc_requests", template="egov_service_catalog/portal/_home_requests.html",
                          context=lambda request: {"requests": my_requests(request.user)[:6]}, order=10,
                          mobile_template="egov_service_catalog/mobile/_home_requests.html")

A panel is a card rendered in the row under the service tiles of ``/portal/`` (and, with ``mobile_template``, on
``/m/``); ``context(request)`` returns the template context (keep it to a bounded number of queries), ``condition``
hides it per request. Panels appear in ``order``; an app's failing panel never breaks the home page (logged).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


@dataclass
class PortalPanel:
    key: str
    template: str
    context: Callable | None = None
    order: int = 100
    condition: Callable | None = None
    mobile_template: str | None = None
    width: int = 6  # Bootstrap columns on large screens (12 = full row)


_PANELS: dict[str, PortalPanel] = {}


def register_portal_panel(key: str, *, template: str, context: Callable | None = None, order: int = 100,
                          condition: Callable | None = None, mobile_template: str | None = None,
                          width: int = 6) -> None:
    _PANELS[key] = PortalPanel(key, template, context, order, condition, mobile_template, width)


def render_panels(request, *, mobile: bool = False) -> list[dict]:
    out = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        template = panel.mobile_template if mobile else panel.template
        if not template:
            continue
        try:
            if panel.condition and not panel.condition(request):
                continue
            ctx = panel.context(request) if panel.context else {}
            html = render_to_string(template, ctx, request=request)
        except Exception:  # noqa: BLE001 - one app's panel must not break the home page
            logger.exception("portal panel %s failed", panel.key)
            continue
        out.append({"key": panel.key, "html": html, "width": panel.width})
    return out
