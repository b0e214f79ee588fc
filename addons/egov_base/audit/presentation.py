"""Turning stored changes into readable rows: field verbose names, choice labels, related object names."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime


def _display(field, value):
    if value is None or value == "":
        return "—"
    if field is None:
        return value if not isinstance(value, (list, dict)) else ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and field.many_to_one and not isinstance(value, (list, dict)):
        obj = field.related_model._base_manager.filter(pk=value).first()
        return str(obj) if obj is not None else f"#{value}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is not None:
            if timezone.is_aware(parsed):
                parsed = timezone.localtime(parsed)
            return parsed.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    return value


def entry_changes(entry) -> list[dict]:
    """[{name, label, old, new}] for an entry's changes, labels resolved from the model's verbose names."""
    model = entry.content_type.model_class() if entry.content_type_id and entry.content_type else None
    rows = []
    for name, change in (entry.changes or {}).items():
        field = None
        label = name
        if model is not None:
            try:
                field = model._meta.get_field(name)
                label = str(getattr(field, "verbose_name", name))
            except FieldDoesNotExist:
                pass
        if isinstance(change, dict):  # m2m reverse: {"added": [...]} / {"removed": [...]}
            rows.append({"name": name, "label": label, "old": ", ".join(change.get("removed", [])) or "—",
                         "new": ", ".join(change.get("added", [])) or "—"})
            continue
        old, new = (change + [None, None])[:2] if isinstance(change, list) else (None, change)
        rows.append({"name": name, "label": label, "old": _display(field, old), "new": _display(field, new)})
    return rows
