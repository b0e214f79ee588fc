"""System tokens for other systems: ``Authorization: Bearer egv_...`` (or ``Token egv_...``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from ..context import get_context
from .models import SystemToken, hash_token

LAST_USED_GRANULARITY = timedelta(minutes=1)  # at most one UPDATE per token per minute


class SystemTokenAuthentication(BaseAuthentication):
    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() not in self.keywords:
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式错误：应为“Authorization: Bearer <令牌>”。"))
        try:
            raw = auth[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("令牌格式错误。")) from None
        return self.authenticate_token(request, raw)

    def authenticate_token(self, request, raw: str):
        token = SystemToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
        if token is None or not token.is_active:
            raise exceptions.AuthenticationFailed(_("令牌无效或已停用。"))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(_("令牌已过期。"))
        ip = request.META.get("REMOTE_ADDR")
        ctx = get_context()
        if ctx is not None and ctx.ip:
            ip = ctx.ip
        if not token.ip_allowed(ip):
            raise exceptions.AuthenticationFailed(_("不允许从该地址（%(ip)s）使用此令牌。") % {"ip": ip})
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌所属服务账号已停用。"))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
            SystemToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
        if ctx is not None:
            ctx.user = user
            ctx.source = "api"
        request.egov_system_token = token
        return (user, token)

    def authenticate_header(self, request):
        return 'Bearer realm="api"'

from . import schema as _schema  # noqa: E402,F401  (registers the OpenAPI description)
