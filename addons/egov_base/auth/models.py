"""Models of the auth area (registered through egov_base/audit/models.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OIDCIdentity(models.Model):
    """Links a local real-name user to a subject (``sub``) of the unified identity platform (统一身份认证平台)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="oidc_identities"
    )
    issuer = models.CharField(_("身份提供方"), max_length=255, blank=True, default="")
    subject = models.CharField(_("统一身份标识"), max_length=255)
    created_at = models.DateTimeField(_("绑定时间"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("最近登录"), null=True, blank=True)

    class Meta:
        verbose_name = _("统一身份绑定")
        verbose_name_plural = _("统一身份绑定")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique_subject")]

    def __str__(self):
        return f"{self.subject} → {self.user}"
