from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DictItem, DictType


def _style(form):
    for field in form.fields.values():
        w = field.widget
        if isinstance(w, forms.CheckboxInput):
            w.attrs.setdefault("class", "form-check-input")
        elif isinstance(w, forms.Select):
            w.attrs.setdefault("class", "form-select")
        else:
            w.attrs.setdefault("class", "form-control")


class DictTypeForm(forms.ModelForm):
    class Meta:
        model = DictType
        fields = ["code", "name", "value_type", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        if self.instance.pk and self.instance.is_system:
            self.fields["code"].disabled = True


class DictItemForm(forms.ModelForm):
    extra = forms.CharField(label=_("扩展属性（JSON）"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = DictItem
        fields = ["code", "label", "label_en", "parent", "sort", "active"]

    def __init__(self, *args, dict_type: DictType, **kwargs):
        super().__init__(*args, **kwargs)
        self.dict_type = dict_type
        parents = dict_type.items.all()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["extra"].initial = json.dumps(self.instance.extra or {}, ensure_ascii=False) if self.instance.pk else ""
        if self.instance.pk and dict_type.is_system:
            self.fields["code"].disabled = True
        _style(self)

    def clean_extra(self):
        raw = (self.cleaned_data.get("extra") or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("扩展属性不是有效的 JSON。")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("扩展属性必须是 JSON 对象，例如 {\"sla_hours\": 4}。"))
        return value

    def clean_code(self):
        code = (self.cleaned_data.get("code") or "").strip()
        self.dict_type.convert(code)
        return code

    def _post_clean(self):
        # model validation (unique type+code) runs in the service, with the type set
        self.instance.type = self.dict_type
        super()._post_clean()
