"""ModelForms generated from a ModelConfig; related querysets limited by data scope."""

from __future__ import annotations

from django import forms
from django.forms import modelform_factory

from ..scope import scope_queryset


def style_widgets(form) -> None:
    for field in form.fields.values():
        w = field.widget
        if isinstance(w, (forms.CheckboxInput,)):
            w.attrs.setdefault("class", "form-check-input")
        elif isinstance(w, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
            continue
        elif isinstance(w, (forms.Select, forms.SelectMultiple)):
            w.attrs.setdefault("class", "form-select")
        else:
            w.attrs.setdefault("class", "form-control")


def limit_querysets(form, user) -> None:
    # Organization querysets go through the same function as allowed_organizations(user).
    for field in form.fields.values():
        qs = getattr(field, "queryset", None)
        if qs is not None:
            field.queryset = scope_queryset(qs, user)


class GenericModelForm(forms.ModelForm):
    """Base of every generic form: takes ``user``, scopes FK/M2M choices, Tabler widget classes."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        limit_querysets(self, user)
        style_widgets(self)


def build_form_class(config):
    if config.form_class is not None:
        return config.form_class
    fields = config.form_fields
    if fields is None:
        fields = [f.name for f in config.model._meta.fields if f.editable and not f.primary_key]
        fields += [f.name for f in config.model._meta.many_to_many if f.editable]
    return modelform_factory(config.model, form=GenericModelForm, fields=fields)


def add_service_errors(form, exc) -> None:
    """Show a service's ValidationError on ``form``: field errors next to their fields, the rest (and errors for
    fields the form does not have) at the top."""
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc)


def message_service_errors(request, exc) -> None:
    """Show a service's refusal as one flash message per text (for views that act and redirect, without a form):
    a ValidationError's messages (field or not), or the text of any other exception (PermissionDenied ...)."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError

    for text in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
        messages.error(request, text)
