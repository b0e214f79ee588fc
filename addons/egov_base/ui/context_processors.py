"""Template context of the three shells: menu, inbox and message counts, OIDC flag. Everything is lazy and
computed at most once per request."""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import cached_property


class Shell:
    def __init__(self, request):
        self.request = request
        self.user = getattr(request, "user", None)

    @property
    def authenticated(self) -> bool:
        return bool(self.user is not None and self.user.is_authenticated)

    @cached_property
    def menu(self):
        if not self.authenticated:
            return []
        from .menu import menu_for

        return menu_for(self.user, self.request.path)

    @cached_property
    def inbox_counts(self) -> dict:
        if not self.authenticated:
            return {}
        from egov_base.inbox.selectors import inbox_counts

        return inbox_counts(self.user)

    @property
    def todo_count(self) -> int:
        return int(self.inbox_counts.get("todo") or 0)

    @cached_property
    def unread_count(self) -> int:
        if not self.authenticated:
            return 0
        from egov_base.notify.selectors import unread_count

        return unread_count(self.user)

    @property
    def oidc_enabled(self) -> bool:
        return bool(getattr(settings, "OIDC_ENABLED", False))

    @cached_property
    def user_roles(self) -> str:
        if not self.authenticated:
            return ""
        return "、".join(str(r) for r in getattr(self.user, "roles", []))


def shell(request):
    cached = getattr(request, "_egov_shell", None)
    if cached is None:
        cached = Shell(request)
        try:
            request._egov_shell = cached
        except AttributeError:
            pass
    return {"shell": cached}
