"""FilterSets built from ``ModelConfig.list_filter``: choices, scoped foreign keys, booleans, date ranges."""

from __future__ import annotations

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..scope import scope_queryset

_CACHE: dict = {}


def _fk_queryset_for(related_model):
    def _qs(request):
        user = getattr(request, "user", None)
        return scope_queryset(related_model._default_manager.all(), user)
    return _qs


def build_filterset_class(config):
    model = config.model
    key = (model, tuple(config.list_filter))
    if key in _CACHE:
        return _CACHE[key]
    attrs = {}
    for name in config.list_filter:
        f = model._meta.get_field(name)
        label = f.verbose_name
        if f.choices:
            attrs[name] = django_filters.ChoiceFilter(
                field_name=name, label=label, choices=f.choices, empty_label=_("全部"),
                widget=forms.Select(attrs={"class": "form-select"}))
        elif f.many_to_one or f.many_to_many:
            attrs[name] = django_filters.ModelChoiceFilter(
                field_name=name, label=label, queryset=_fk_queryset_for(f.related_model), empty_label=_("全部"),
                widget=forms.Select(attrs={"class": "form-select"}))
        elif isinstance(f, models.BooleanField):
            attrs[name] = django_filters.BooleanFilter(
                field_name=name, label=label,
                widget=forms.Select(attrs={"class": "form-select"},
                                    choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))]))
        elif isinstance(f, (models.DateField, models.DateTimeField)):
            attrs[name] = django_filters.DateFromToRangeFilter(
                field_name=name, label=label, lookup_expr="range",
                widget=django_filters.widgets.RangeWidget(attrs={"class": "form-control", "type": "date"}))
        else:
            attrs[name] = django_filters.CharFilter(
                field_name=name, label=label, lookup_expr="icontains",
                widget=forms.TextInput(attrs={"class": "form-control"}))
    meta = type("Meta", (), {"model": model, "fields": []})
    attrs["Meta"] = meta
    cls = type(f"{model.__name__}GenericFilterSet", (django_filters.FilterSet,), attrs)
    _CACHE[key] = cls
    return cls
