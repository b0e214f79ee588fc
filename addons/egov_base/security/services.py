"""Writes of the security area: password change with policy, forced change by administrators."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.db import transaction

from ..audit.services import record_event


def password_change(*, user, new_password: str, request=None) -> None:
    """Validate ``new_password`` against the policy (complexity, history, similarity), set it and clear the
    forced-change flag. Raises ``django.core.exceptions.ValidationError`` (Chinese messages) and changes
    nothing on bad input. Keeps the session valid when ``request`` is given."""
    password_validation.validate_password(new_password, user=user)
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        record_event(action="password_change", obj=user, user=user if request else None)
    if request is not None:
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(request, user)


def password_force_change(*, user, by=None) -> None:
    """Make ``user`` change the password at the next request (e.g. after an administrator reset)."""
    with transaction.atomic():
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
