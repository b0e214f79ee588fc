"""Writes of the api area: system tokens."""

from __future__ import annotations

import secrets

from django.db import transaction

from .models import TOKEN_PREFIX, SystemToken, hash_token


def system_token_create(*, name: str, user, expires_at=None, allowed_ips: str = "", description: str = "",
                        created_by=None) -> tuple[SystemToken, str]:
    """Create a token for service user ``user``. Returns (token, plain key); the plain key is shown once and
    never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = SystemToken(name=name, user=user, prefix=raw[:10], token_hash=hash_token(raw), expires_at=expires_at,
                            allowed_ips=allowed_ips, description=description, created_by=created_by)
        token.ip_networks()  # ValueError on a bad address before anything is written
        token.save()
    return token, raw


def system_token_revoke(*, token: SystemToken, user=None) -> None:
    with transaction.atomic():
        token.is_active = False
        token.save(update_fields=["is_active"])
