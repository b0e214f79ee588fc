"""Reads of the dictionary. ``dict_choices`` is cached in Redis and invalidated on every change."""

from __future__ import annotations

from django.core.cache import cache
from django.utils.translation import get_language

from .models import DictItem, DictType

CACHE_TTL = 24 * 3600


def _cache_key(type_code: str) -> str:
    return f"egov:dict:v1:{type_code}"


def _rows(type_code: str) -> list[dict]:
    key = _cache_key(type_code)
    rows = cache.get(key)
    if rows is None:
        rows = [
            {"code": i.code, "label": i.label, "label_en": i.label_en, "active": i.active,
             "parent": i.parent.code if i.parent_id else None, "sort": i.sort, "extra": i.extra}
            for i in DictItem.objects.filter(type__code=type_code, type__is_active=True)
            .select_related("parent")
            .order_by("sort", "code")
        ]
        cache.set(key, rows, CACHE_TTL)
    return rows


def invalidate(type_code: str) -> None:
    cache.delete(_cache_key(type_code))


def _label(row: dict, lang: str | None) -> str:
    lang = lang or get_language() or ""
    if lang.startswith("en") and row["label_en"]:
        return row["label_en"]
    return row["label"]


def dict_choices(type_code: str, *, include_inactive: bool = False, parent: str | None = None,
                 lang: str | None = None) -> list[tuple[str, str]]:
    """``[(code, label), ...]`` of a dictionary, ordered by sort then code, label in the active language.
    ``parent`` limits to children of that code ("" = top level only)."""
    out = []
    for row in _rows(type_code):
        if not include_inactive and not row["active"]:
            continue
        if parent is not None and (row["parent"] or "") != parent:
            continue
        out.append((row["code"], _label(row, lang)))
    return out


def dict_label(type_code: str, code: str, *, default: str | None = None, lang: str | None = None) -> str:
    """The label of one code (inactive ones included, so old records still display)."""
    for row in _rows(type_code):
        if row["code"] == str(code):
            return _label(row, lang)
    return default if default is not None else str(code)


def dict_items(type_code: str, *, include_inactive: bool = False) -> list[dict]:
    """Cached rows with parent code and extra JSON, for trees and custom widgets."""
    return [r for r in _rows(type_code) if include_inactive or r["active"]]


def dict_type_list():
    return DictType.objects.all().order_by("code")


def dict_type_get(*, pk: int) -> DictType:
    return DictType.objects.get(pk=pk)


def dict_item_list(*, dict_type: DictType):
    return dict_type.items.select_related("parent").order_by("sort", "code")
