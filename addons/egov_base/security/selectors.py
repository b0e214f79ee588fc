"""Reads of the security area."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone


def password_expired(user) -> bool:
    """True when the password is older than settings.PASSWORD_EXPIRY_DAYS (0 disables expiry). Users without
    a usable password (single sign-on only) never expire."""
    days = getattr(settings, "PASSWORD_EXPIRY_DAYS", 90)
    if not days or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return changed is not None and changed + timedelta(days=days) <= timezone.now()


def password_change_required(user) -> str | None:
    """Why ``user`` must change the password now ("forced" / "expired"), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "must_change_password", False):
        return "forced"
    if password_expired(user):
        return "expired"
    return None
