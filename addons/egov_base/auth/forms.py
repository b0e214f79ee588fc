from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ..scope import scope_queryset


class SystemTokenForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    user = forms.ModelChoiceField(label=_("服务账号"), queryset=get_user_model().objects.none(),
                                  help_text=_("令牌以该账号的角色与数据范围访问接口。"))
    expires_at = forms.DateTimeField(label=_("过期时间"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    allowed_ips = forms.CharField(label=_("允许的来源地址"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("每行一个 IP 或网段（如 10.1.0.0/16），留空表示不限。"))
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = scope_queryset(get_user_model().objects.filter(is_active=True), user)

    def clean_allowed_ips(self):
        import ipaddress

        value = self.cleaned_data["allowed_ips"]
        for line in value.replace(",", "\n").splitlines():
            if line.strip():
                try:
                    ipaddress.ip_network(line.strip(), strict=False)
                except ValueError:
                    raise forms.ValidationError(_("“%(v)s”不是有效的 IP 地址或网段。") % {"v": line.strip()}) from None
        return value
