"""OIDC single sign-on with the unified identity platform (统一身份认证平台), mozilla-django-oidc 5.

Claims ``sub``, ``preferred_username``, ``name``, ``phone_number``, ``email`` are mapped to the existing
real-name users: first by a stored subject (``OIDCIdentity``), then by the fields in settings.OIDC_MATCH_BY
(``username`` = preferred_username, ``phone`` = phone_number, ``email``), in that order; the first rule that
finds exactly one active user wins and the subject is linked to it. New users are created only when
settings.OIDC_CREATE_USER is on (without organisation and roles; an administrator assigns them).
The login itself is audited by the ``user_logged_in`` handler (data.method = "oidc").
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from ..validators import normalize_phone

logger = logging.getLogger("egov.auth.oidc")


class EgovOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if "password" in kwargs or not self.OIDC_RP_CLIENT_ID or request is None:
            return None  # a password login, or single sign-on not configured
        request.egov_auth_method = "oidc"
        user = super().authenticate(request, **kwargs)
        if user is None:
            request.egov_auth_method = None
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    # --- claims -----------------------------------------------------------------------------------
    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def describe_user_by_claims(self, claims):
        return f"sub {claims.get('sub')} ({claims.get('preferred_username') or ''})"

    @staticmethod
    def issuer() -> str:
        return getattr(settings, "OIDC_OP_ISSUER", "") or ""

    def filter_users_by_claims(self, claims):
        from .models import OIDCIdentity

        User = self.UserModel
        sub = str(claims.get("sub") or "")
        identity = OIDCIdentity.objects.select_related("user").filter(issuer=self.issuer(), subject=sub).first()
        if identity is not None:
            return User.objects.filter(pk=identity.user_id, is_active=True)
        for rule in getattr(settings, "OIDC_MATCH_BY", ["username", "phone"]):
            qs = User.objects.none()
            if rule == "username" and claims.get("preferred_username"):
                qs = User.objects.filter(username=claims["preferred_username"])
            elif rule == "phone" and claims.get("phone_number"):
                try:
                    phone = normalize_phone(str(claims["phone_number"]))
                except Exception:  # noqa: BLE001 - an unparsable phone claim just does not match
                    phone = None
                if phone:
                    qs = User.objects.filter(phone=phone)
            elif rule == "email" and claims.get("email"):
                qs = User.objects.filter(email__iexact=claims["email"])
            qs = qs.filter(is_active=True)
            if qs.count() == 1:
                return qs
            if qs.count() > 1:
                raise SuspiciousOperation(f"OIDC claims match several users by {rule}")
        return User.objects.none()

    def _link(self, user, claims):
        from .models import OIDCIdentity

        OIDCIdentity.objects.update_or_create(
            issuer=self.issuer(), subject=str(claims["sub"]), defaults={"user": user, "last_login_at": timezone.now()}
        )

    def update_user(self, user, claims):
        with transaction.atomic():
            self._link(user, claims)
            changed = []
            if claims.get("name") and not user.name:
                user.name = claims["name"][:32]
                changed.append("name")
            if claims.get("email") and not user.email:
                user.email = claims["email"]
                changed.append("email")
            if changed:
                user.save(update_fields=changed)
        return user

    def create_user(self, claims):
        User = self.UserModel
        username = (claims.get("preferred_username") or f"oidc_{claims['sub']}")[:150]
        if User.objects.filter(username=username).exists():
            username = f"oidc_{claims['sub']}"[:150]
        phone = None
        if claims.get("phone_number"):
            try:
                phone = normalize_phone(str(claims["phone_number"])) or None
            except Exception:  # noqa: BLE001
                phone = None
            if phone and User.objects.filter(phone=phone).exists():
                phone = None
        with transaction.atomic():
            user = User(username=username, name=(claims.get("name") or username)[:32], email=claims.get("email") or "",
                        phone=phone)
            user.set_unusable_password()
            user.save()
            self._link(user, claims)
        logger.info("created user %s from single sign-on", username)
        return user
