"""Reads for the home pages; calls other areas only through their selectors, guarded while they land."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def _call(module: str, names: tuple[str, ...], **kwargs):
    from importlib import import_module

    try:
        mod = import_module(module)
    except ImportError:
        return None
    for name in names:
        func = getattr(mod, name, None)
        if func is None:
            continue
        try:
            return func(**kwargs)
        except TypeError:
            log.warning("%s.%s: unexpected signature", module, name, exc_info=True)
            return None
    return None


def home_todo(user, limit: int = 10) -> list:
    """Top open 待办 of ``user`` (inbox area: ``task_list(user=, box="todo")``)."""
    rows = _call("egov_base.inbox.selectors", ("task_list", "inbox_list"), user=user, box="todo")
    return list(rows[:limit]) if rows is not None else []


def home_messages(user, limit: int = 6) -> list:
    rows = _call("egov_base.notify.selectors", ("message_list", "inapp_message_list"), user=user)
    return list(rows[:limit]) if rows is not None else []


def leader_headlines(user) -> list[dict]:
    """A few headline numbers for leaders (cockpit shell); domain apps add theirs later."""
    from django.utils import timezone
    from django.utils.translation import gettext_lazy as _

    from ..content.models import Article
    from ..org.models import Organization, User

    month_start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return [
        {"label": _("服务单位"), "value": Organization.objects.filter(is_active=True).count(), "icon": "ti ti-building"},
        {"label": _("平台用户"), "value": User.objects.filter(is_active=True).count(), "icon": "ti ti-users"},
        {"label": _("本月发布内容"), "value": Article.objects.filter(status="published", published_at__gte=month_start).count(),
         "icon": "ti ti-news"},
    ]
