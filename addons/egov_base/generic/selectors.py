"""Reads of the generic area: scoped querysets, search, sort, columns and value display."""

from __future__ import annotations

import datetime as dt
import operator
from functools import reduce

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..scope import scope_queryset
from .models import Comment, ListPreference


def get_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def column_label(model, name) -> str:
    f = get_field(model, name)
    if f is not None and hasattr(f, "verbose_name"):
        return str(f.verbose_name)
    attr = getattr(model, name, None)
    for holder in (attr, getattr(attr, "fget", None)):
        if holder is not None and hasattr(holder, "short_description"):
            return str(holder.short_description)
    return name


def base_queryset(config, user, *, for_list=True):
    model = config.model
    qs = model._default_manager.all()
    related = list(config.select_related)
    if for_list:
        for name in config.list_display:
            f = get_field(model, name)
            if f is not None and f.many_to_one and f.concrete and name not in related:
                related.append(name)
    if related:
        qs = qs.select_related(*related)
    if config.prefetch_related:
        qs = qs.prefetch_related(*config.prefetch_related)
    return scope_queryset(qs, user)


def object_get(config, user, pk):
    """The object ``pk`` from the user's scoped queryset; Http404 outside the scope."""
    try:
        return base_queryset(config, user, for_list=False).get(pk=pk)
    except (config.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def apply_search(qs, search_fields, term: str):
    term = (term or "").strip()
    if not term or not search_fields:
        return qs
    for word in term.split()[:5]:
        qs = qs.filter(reduce(operator.or_, (Q(**{f"{f}__icontains": word}) for f in search_fields)))
    return qs


def sortable_columns(config) -> list[str]:
    if config.sortable is not None:
        return list(config.sortable)
    out = []
    for name in config.list_display:
        f = get_field(config.model, name)
        if f is not None and f.concrete and not f.many_to_many:
            out.append(name)
    return out


def apply_sort(qs, config, sort: str):
    sort = (sort or "").strip()
    name = sort.lstrip("-")
    if name and name in sortable_columns(config):
        return qs.order_by(sort, "pk"), sort
    return qs.order_by(*config.ordering, "pk") if "pk" not in config.ordering else qs.order_by(*config.ordering), ""


def preference_get(user, model) -> ListPreference | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ListPreference.objects.filter(user=user, model_key=f"{model._meta.app_label}.{model._meta.model_name}").first()


def visible_columns(config, pref) -> list[str]:
    allowed = list(config.list_display)
    if pref and pref.columns:
        cols = [c for c in pref.columns if c in allowed]
        if cols:
            return cols
    return [c for c in (config.default_columns or allowed) if c in allowed]


def format_date(value) -> str:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def display_value(obj, name, *, request=None, config=None):
    """Human-readable value of a field or attribute for lists, detail pages and exports."""
    if config is not None and name in config.field_renderers:
        return config.field_renderers[name](request, obj)
    model = type(obj)
    f = get_field(model, name)
    if f is not None:
        if f.many_to_many or f.one_to_many:
            return "、".join(str(o) for o in getattr(obj, name).all())
        if f.choices:
            return str(getattr(obj, f"get_{f.name}_display")())
        value = getattr(obj, name, None)
        if isinstance(f, models.BooleanField):
            return str(_("是")) if value else str(_("否"))
        if value is None or value == "":
            return ""
        if isinstance(value, (dt.date, dt.datetime)):
            return format_date(value)
        from ..fields import PhoneField
        from ..validators import format_phone

        if isinstance(f, PhoneField):
            return format_phone(value)
        display = getattr(obj, f"{name}_display", None)
        if isinstance(display, str):
            return display
        return str(value)
    value = getattr(obj, name, "")
    if callable(value):
        value = value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("是")) if value else str(_("否"))
    if isinstance(value, (dt.date, dt.datetime)):
        return format_date(value)
    return str(value)


def detail_field_names(config) -> list[str]:
    if config.detail_fields:
        return list(config.detail_fields)
    names = []
    for f in config.model._meta.fields:
        if f.primary_key or f.name in ("password", "path", "id_card_hash"):
            continue
        names.append(f.name)
    return names


def detail_fieldsets(config, request, obj):
    groups = config.fieldsets or [(_("基本信息"), detail_field_names(config))]
    out = []
    for title, names in groups:
        rows = [(column_label(config.model, n), display_value(obj, n, request=request, config=config)) for n in names]
        out.append((title, rows))
    return out


def comment_tab_context(request, obj):
    ct = ContentType.objects.get_for_model(type(obj))
    comments = Comment.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("author")
    return {"comments": comments}


def delete_blockers(obj, limit: int = 50) -> list:
    """Rows that would stop ``obj`` from being deleted (PROTECT / RESTRICT references), found without deleting,
    so the confirmation page can say so before the user confirms."""
    from django.db.models.deletion import Collector, ProtectedError, RestrictedError

    collector = Collector(using=obj._state.db or "default")
    try:
        collector.collect([obj])
    except ProtectedError as exc:
        return list(exc.protected_objects)[:limit]
    except RestrictedError as exc:
        return list(exc.restricted_objects)[:limit]
    return []
