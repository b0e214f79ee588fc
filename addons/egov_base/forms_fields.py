from django import forms

from .validators import format_phone, normalize_phone, validate_id_card


class PhoneFormField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(*args, max_length=32, **kwargs)

    def prepare_value(self, value):
        return format_phone(value) if value and str(value).startswith("+") else value

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_phone(value) if value else value


class IdCardFormField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("min_length", 15)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return validate_id_card(value) if value else value
