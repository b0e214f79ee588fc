"""Forms. ``CIForm`` is generated from the class model (own + inherited attributes, grouped); the services do
the real validation (types, patterns, uniqueness, required) and their errors are put back on the fields."""

from __future__ import annotations

import json

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from egov_base.scope import allowed_organizations

from .models import CI, AttributeDef, CIClass, RelationType, SavedQuery

ATTR_PREFIX = "a_"
_TEXT_LIKE = {"text", "ipv4", "ipv6", "ip", "cidr", "mac"}
_CTRL = {"class": "form-control"}
_SELECT = {"class": "form-select"}


def attr_field_name(code: str) -> str:
    return f"{ATTR_PREFIX}{code}"


def _attr_field(attr: AttributeDef, user):  # noqa: C901  (one branch per attribute type)
    common = {"label": attr.label, "required": False, "help_text": attr.help_text}
    t = attr.type
    if t == "enum":
        from egov_base.dictionary.selectors import dict_choices

        choices = dict_choices(attr.dict_type) if attr.dict_type else []
        if attr.multi:
            return forms.MultipleChoiceField(choices=choices, widget=forms.SelectMultiple(attrs=_SELECT), **common)
        return forms.ChoiceField(choices=[("", "---------"), *choices], widget=forms.Select(attrs=_SELECT), **common)
    if attr.multi and t not in ("json",):
        common["help_text"] = (attr.help_text + " " if attr.help_text else "") + str(_("多个值用逗号分隔"))
        return forms.CharField(widget=forms.TextInput(attrs=_CTRL), **common)
    if t == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={**_CTRL, "rows": 3}), **common)
    if t == "json":
        return forms.CharField(widget=forms.Textarea(attrs={**_CTRL, "rows": 3, "class": "form-control font-monospace"}),
                               **common)
    if t == "integer":
        return forms.IntegerField(widget=forms.NumberInput(attrs=_CTRL), **common)
    if t == "decimal":
        return forms.DecimalField(widget=forms.NumberInput(attrs={**_CTRL, "step": "any"}), **common)
    if t == "date":
        return forms.DateField(widget=forms.DateInput(attrs={**_CTRL, "type": "date"}, format="%Y-%m-%d"), **common)
    if t == "datetime":
        return forms.DateTimeField(widget=forms.DateTimeInput(attrs={**_CTRL, "type": "datetime-local"},
                                                              format="%Y-%m-%dT%H:%M"), **common)
    if t == "bool":
        return forms.ChoiceField(choices=[("", "---------"), ("true", _("是")), ("false", _("否"))],
                                 widget=forms.Select(attrs=_SELECT), **common)
    if t == "user":
        qs = get_user_model().objects.filter(is_active=True).order_by("name")
        return forms.ModelChoiceField(queryset=qs, widget=forms.Select(attrs=_SELECT), **common)
    if t == "organization":
        from egov_base.org.models import Organization

        return forms.ModelChoiceField(queryset=Organization.objects.filter(is_active=True).order_by("path"),
                                      widget=forms.Select(attrs=_SELECT), **common)
    if t == "ci_ref":
        hint = str(_("填写被引用配置项的内部标识或名称"))
        common["help_text"] = f"{attr.help_text} {hint}".strip()
        return forms.CharField(widget=forms.TextInput(attrs={**_CTRL, "data-ci-ref": attr.ref_class_id or ""}),
                               **common)
    widget_attrs = dict(_CTRL)
    if t in ("ipv4", "ip"):
        widget_attrs["placeholder"] = "10.1.2.3"
    elif t == "cidr":
        widget_attrs["placeholder"] = "10.1.0.0/16"
    elif t == "mac":
        widget_attrs["placeholder"] = "00:1A:2B:3C:4D:5E"
    return forms.CharField(widget=forms.TextInput(attrs=widget_attrs), **common)


class CIForm(forms.Form):
    code = forms.CharField(label=_("内部标识"), max_length=128, required=False,
                           help_text=_("留空将按类的编码前缀自动生成"), widget=forms.TextInput(attrs=_CTRL))
    name = forms.CharField(label=_("名称"), max_length=200, widget=forms.TextInput(attrs=_CTRL))
    organization = forms.ModelChoiceField(label=_("管理部门"), queryset=None, widget=forms.Select(attrs=_SELECT))
    owner = forms.ModelChoiceField(label=_("负责人"), queryset=None, required=False,
                                   widget=forms.Select(attrs=_SELECT))
    status = forms.ChoiceField(label=_("运行状态"), choices=CI.Status.choices, initial=CI.Status.NORMAL,
                               widget=forms.Select(attrs=_SELECT))
    description = forms.CharField(label=_("备注"), required=False,
                                  widget=forms.Textarea(attrs={**_CTRL, "rows": 2}))

    def __init__(self, *args, ci_class: CIClass, user, instance: CI | None = None, **kwargs):
        self.ci_class, self.user, self.instance = ci_class, user, instance
        self.attr_defs = ci_class.all_attributes()
        initial = kwargs.pop("initial", None) or {}
        if instance is not None:
            initial.update({"code": instance.code, "name": instance.name, "organization": instance.organization_id,
                            "owner": instance.owner_id, "status": instance.status,
                            "description": instance.description})
            for a in self.attr_defs:
                initial[attr_field_name(a.code)] = self._initial_value(a, instance.attrs.get(a.code))
        else:
            for a in self.attr_defs:
                if a.default not in (None, ""):
                    initial[attr_field_name(a.code)] = self._initial_value(a, a.default)
            if getattr(user, "organization_id", None):
                initial.setdefault("organization", user.organization_id)
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["organization"].queryset = allowed_organizations(user).filter(is_active=True).order_by("path")
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True).order_by("name")
        if instance is not None:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = ""
        for a in self.attr_defs:
            field = _attr_field(a, user)
            if a.required:
                field.widget.attrs["aria-required"] = "true"
                field.is_attr_required = True  # checked in clean() with the attribute's name in the message
            self.fields[attr_field_name(a.code)] = field

    def clean(self):
        """Every attribute is checked like the services do (required, type, pattern), so all errors show at once."""
        from django.core.exceptions import ValidationError

        from .services.values import clean_value, is_blank

        cd = super().clean()
        for a in self.attr_defs:
            name = attr_field_name(a.code)
            if name in self.errors:
                continue
            raw = cd.get(name)
            if hasattr(raw, "pk"):
                raw = raw.pk
            if is_blank(raw):
                if a.required:
                    self.add_error(name, _("“%(attr)s”不能为空") % {"attr": a.label})
                continue
            try:
                clean_value(a, raw)
            except ValidationError as exc:
                self.add_error(name, exc.messages[0])
        return cd

    @staticmethod
    def _initial_value(attr, value):
        if value is None:
            return None
        if attr.type == "json":
            return json.dumps(value, ensure_ascii=False, indent=1)
        if attr.type == "bool":
            return "true" if value else "false"
        if attr.type == "enum":
            return value
        if attr.type == "ci_ref" and isinstance(value, int):
            return CI.objects.filter(pk=value).values_list("code", flat=True).first() or value
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def groups(self):
        """``[(label, [bound fields])]``: fixed fields with 基本信息, then each attribute group."""
        fixed = [self[n] for n in ("code", "name", "organization", "owner", "status")]
        out = []
        for code, label in AttributeDef.Group.choices:
            items = [self[attr_field_name(a.code)] for a in self.attr_defs if a.group == code]
            if code == "basic":
                items = fixed + items
            if items:
                out.append((code, label, items))
        out.append(("remarks", _("备注"), [self["description"]]))
        return out

    def service_data(self) -> dict:
        cd = self.cleaned_data
        data = {"name": cd["name"], "organization": cd["organization"].pk, "owner": cd["owner"].pk if cd.get("owner")
                else None, "status": cd["status"], "description": cd.get("description", "")}
        if self.instance is None and cd.get("code"):
            data["code"] = cd["code"]
        attrs = {}
        for a in self.attr_defs:
            v = cd.get(attr_field_name(a.code))
            if hasattr(v, "pk"):
                v = v.pk
            attrs[a.code] = v
        data["attrs"] = attrs
        return data

    def add_service_errors(self, exc) -> None:
        if hasattr(exc, "error_dict"):
            for key, errs in exc.message_dict.items():
                field = key if key in self.fields else attr_field_name(key)
                for e in errs:
                    self.add_error(field if field in self.fields else None, e)
        else:
            for e in exc.messages:
                self.add_error(None, e)


class CIClassForm(forms.ModelForm):
    class Meta:
        model = CIClass
        fields = ["code", "name", "name_en", "parent", "icon", "is_abstract", "code_prefix", "sort", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, f in self.fields.items():
            if name != "is_abstract":
                f.widget.attrs.setdefault("class", "form-select" if isinstance(f.widget, forms.Select)
                                          else "form-control")
            else:
                f.widget.attrs["class"] = "form-check-input"
        if self.instance.pk:
            self.fields["parent"].queryset = CIClass.objects.exclude(
                pk__in=CIClass.descendant_ids_of([self.instance.pk]))
            if self.instance.is_system:
                self.fields["code"].disabled = True


class AttributeDefForm(forms.ModelForm):
    class Meta:
        model = AttributeDef
        fields = ["code", "name", "name_en", "group", "type", "dict_type", "ref_class", "multi", "required", "unique",
                  "indexed", "list_display", "pattern", "pattern_message", "sort", "help_text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from egov_base.dictionary.models import DictType

        self.fields["dict_type"] = forms.ChoiceField(
            label=_("字典类型编码"), required=False,
            choices=[("", "---------"), *[(d.code, f"{d.name}（{d.code}）") for d in
                                          DictType.objects.filter(is_active=True).order_by("code")]],
            help_text=_("枚举类型属性取值的业务字典"))
        for f in self.fields.values():
            if isinstance(f.widget, forms.CheckboxInput):
                f.widget.attrs["class"] = "form-check-input"
            else:
                f.widget.attrs.setdefault("class", "form-select" if isinstance(f.widget, forms.Select)
                                          else "form-control")
        if self.instance.pk and self.instance.is_system:
            self.fields["code"].disabled = True

    def clean(self):
        cd = super().clean()
        if cd.get("type") == "ci_ref" and not cd.get("ref_class"):
            self.add_error("ref_class", _("引用配置项类型须选择引用类"))
        return cd


class RelationAddForm(forms.Form):
    direction = forms.ChoiceField(label=_("方向"), choices=[("out", _("本配置项 → 对端")), ("in", _("对端 → 本配置项"))],
                                  widget=forms.Select(attrs=_SELECT))
    type = forms.ModelChoiceField(label=_("关系类型"), queryset=RelationType.objects.order_by("sort", "code"),
                                  widget=forms.Select(attrs=_SELECT))
    other = forms.CharField(label=_("对端配置项"), max_length=200,
                            help_text=_("输入内部标识或名称，从下拉建议中选择"),
                            widget=forms.TextInput(attrs={**_CTRL, "list": "ci-lookup-list", "autocomplete": "off"}))
    description = forms.CharField(label=_("说明"), max_length=255, required=False,
                                  widget=forms.TextInput(attrs=_CTRL))


class SavedQueryForm(forms.ModelForm):
    class Meta:
        model = SavedQuery
        fields = ["name", "shared"]
        widgets = {"name": forms.TextInput(attrs=_CTRL), "shared": forms.CheckboxInput(attrs={"class": "form-check-input"})}


class ImportUploadForm(forms.Form):
    ci_class = forms.ModelChoiceField(label=_("配置项类"), queryset=CIClass.objects.filter(is_abstract=False)
                                      .order_by("sort", "code"), widget=forms.Select(attrs=_SELECT))
    organization = forms.ModelChoiceField(label=_("默认管理部门"), queryset=None, required=False,
                                          help_text=_("文件中没有“管理部门”列或单元格为空时使用"),
                                          widget=forms.Select(attrs=_SELECT))
    file = forms.FileField(label=_("文件"), help_text=_("Excel（.xlsx）或 CSV（UTF-8 / GBK），第一行为表头，最多 20000 行"),
                           widget=forms.ClearableFileInput(attrs={**_CTRL, "accept": ".xlsx,.csv"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = allowed_organizations(user).filter(is_active=True).order_by("path")
