import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ComplexityValidator:
    """At least three of: upper case, lower case, digit, symbol (等保 2.0 password complexity)."""

    def validate(self, password, user=None):
        classes = [r"[A-Z]", r"[a-z]", r"\d", r"[^A-Za-z0-9]"]
        if sum(bool(re.search(c, password)) for c in classes) < 3:
            raise ValidationError(_("密码须包含大写字母、小写字母、数字、特殊符号中的至少三类。"), code="password_complexity")

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、特殊符号中的至少三类。")


class PasswordHistoryValidator:
    """The new password must differ from the current one and the last ``count`` passwords
    (settings.PASSWORD_HISTORY_COUNT, default 5)."""

    def __init__(self, count=None):
        self._count = count

    @property
    def count(self) -> int:
        from django.conf import settings

        return self._count if self._count is not None else getattr(settings, "PASSWORD_HISTORY_COUNT", 5)

    def validate(self, password, user=None):
        from django.contrib.auth.hashers import check_password

        if user is None or getattr(user, "pk", None) is None or self.count <= 0:
            return
        from .models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-id").values_list("password", flat=True)[: self.count]
        )
        current = type(user)._base_manager.filter(pk=user.pk).values_list("password", flat=True).first()
        if current:
            hashes.append(current)
        for encoded in hashes:
            if encoded and check_password(password, encoded):
                raise ValidationError(
                    _("新密码不能与最近 %(count)d 次使用过的密码相同。") % {"count": self.count}, code="password_reused"
                )

    def get_help_text(self):
        return _("新密码不能与最近 %(count)d 次使用过的密码相同。") % {"count": self.count}
