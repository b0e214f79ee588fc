"""Reads for the home pages; other areas are called through their selectors."""

from __future__ import annotations

from ..inbox.selectors import inbox_list
from ..notify.selectors import message_list


def home_todo(user, limit: int = 10) -> list:
    """Top open 待办 of ``user``."""
    return list(inbox_list(user, "todo")[:limit])


def home_messages(user, limit: int = 6) -> list:
    return list(message_list(user=user)[:limit])


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
