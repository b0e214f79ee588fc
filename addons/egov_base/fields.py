"""Model fields shared by every app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from . import crypto
from .validators import normalize_phone


class EncryptedTextField(models.TextField):
    """Stores the value Fernet-encrypted. Not searchable (random IV): pair it with a keyed-hash column
    (see ``crypto.keyed_hash``) where exact-match lookup is needed."""

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt_str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt_str(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name not in ("isnull", "exact"):
            return None
        return super().get_lookup(lookup_name)


class PhoneField(models.CharField):
    """A phone number validated with phonenumbers and stored in E.164; displayed in national format."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in (None, ""):
            return value
        return normalize_phone(value)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            try:
                value = normalize_phone(value)
            except ValidationError:
                raise
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        from .forms_fields import PhoneFormField

        kwargs.setdefault("form_class", PhoneFormField)
        return super().formfield(**kwargs)
