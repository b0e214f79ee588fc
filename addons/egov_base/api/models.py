"""Models of the api area (registered through egov_base/audit/models.py)."""

from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..scope import ScopeFields

TOKEN_PREFIX = "egv_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class SystemToken(models.Model):
    """An API token for another system (接口调用方). Only a SHA-256 hash of the token is stored; the plain
    token is shown once, at creation. The token acts as its service user: that user's roles give the
    permissions and its data scope limits the rows."""

    name = models.CharField(_("名称"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("服务账号"), on_delete=models.PROTECT, related_name="system_tokens"
    )
    prefix = models.CharField(_("令牌前缀"), max_length=16, editable=False)
    token_hash = models.CharField(_("令牌哈希"), max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    allowed_ips = models.TextField(
        _("允许的来源地址"), blank=True, help_text=_("每行一个 IP 或网段（如 10.1.0.0/16），留空表示不限。")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField(_("最近使用地址"), null=True, blank=True, editable=False)
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_fields = ScopeFields(org="user__organization", owner="created_by")

    class Meta:
        verbose_name = _("系统令牌")
        verbose_name_plural = _("系统令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def ip_networks(self):
        nets = []
        for line in self.allowed_ips.replace(",", "\n").splitlines():
            line = line.strip()
            if line:
                nets.append(ipaddress.ip_network(line, strict=False))
        return nets

    def ip_allowed(self, ip: str | None) -> bool:
        nets = self.ip_networks()
        if not nets:
            return True
        if not ip:
            return False
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(addr in net for net in nets)
