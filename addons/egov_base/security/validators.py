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
