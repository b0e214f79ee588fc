"""Forms of the org screens."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms_fields import IdCardFormField
from ..generic.forms import GenericModelForm
from ..scope import DataScope
from .models import Role, User
from .selectors import assignable_roles, assignable_scopes, can_view_id_card


class UserForm(GenericModelForm):
    id_card = IdCardFormField(label=_("身份证号码"), required=False,
                              help_text=_("选填；保存时加密存储。编辑时留空表示不修改。"))
    roles = forms.ModelMultipleChoiceField(label=_("角色"), queryset=Role.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    password = forms.CharField(label=_("初始密码"), required=False, widget=forms.PasswordInput(render_value=False),
                               help_text=_("留空则账号暂不能用密码登录，可稍后重置密码。用户首次登录须修改密码。"))

    class Meta:
        model = User
        # id_card is not a model field of the form (an empty value must keep the stored number); the
        # service applies it.
        fields = ["username", "name", "organization", "position", "phone", "email", "data_scope", "is_active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organization"].required = True
        self.fields["roles"].queryset = assignable_roles(user) if user else Role.objects.none()
        scopes = assignable_scopes(user) if user else []
        self.fields["data_scope"].choices = [("", _("按角色默认"))] + [c for c in DataScope.CHOICES if c[0] in scopes]
        if self.instance.pk:
            del self.fields["password"]
            self.initial["roles"] = list(self.instance.groups.filter(role__isnull=False).values_list("role__pk", flat=True))
            self.initial["id_card"] = ""
            if self.instance.id_card:
                masked = self.instance.id_card if can_view_id_card(user) else self.instance.id_card_masked
                self.fields["id_card"].widget.attrs["placeholder"] = masked

    def service_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in self._meta.fields if k in self.cleaned_data}
        data["id_card"] = self.cleaned_data.get("id_card") or ""
        return data


class RoleForm(GenericModelForm):
    class Meta:
        model = Role
        fields = ["code", "name", "description", "default_data_scope", "home", "sort"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk and self.instance.is_builtin:
            self.fields["code"].disabled = True
        self.fields["default_data_scope"].choices = [
            c for c in DataScope.CHOICES if user is None or c[0] in assignable_scopes(user)]


class PasswordResetForm(forms.Form):
    password = forms.CharField(label=_("新密码"), required=False,
                               widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
                               help_text=_("留空则自动生成一个强密码并显示一次。"))
