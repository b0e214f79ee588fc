"""Writes of the dictionary. Every change invalidates the cached choices after commit (signals also catch
saves made by the generic views)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from .models import DictItem, DictType
from .selectors import invalidate

TYPE_FIELDS = ("code", "name", "value_type", "description", "is_active")
ITEM_FIELDS = ("code", "label", "label_en", "parent", "sort", "active", "extra")


def _apply(obj, data: dict, fields) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


def _save(obj, unique_message):
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError({"code": unique_message}) from None
    return obj


def dict_type_create(*, user=None, data: dict, is_system: bool = False) -> DictType:
    with transaction.atomic():
        obj = DictType(is_system=is_system)
        _apply(obj, data, TYPE_FIELDS)
        return _save(obj, _("字典编码已存在。"))


def dict_type_update(*, user=None, dict_type: DictType, data: dict) -> DictType:
    with transaction.atomic():
        old_code = dict_type.code
        if dict_type.is_system and "code" in data and data["code"] != old_code:
            raise ValidationError({"code": _("系统字典的编码不能修改。")})
        _apply(dict_type, data, TYPE_FIELDS)
        _save(dict_type, _("字典编码已存在。"))
        transaction.on_commit(lambda: invalidate(old_code))
        return dict_type


def dict_type_delete(*, user=None, dict_type: DictType) -> None:
    if dict_type.is_system:
        raise ValidationError(_("系统字典不能删除，可以停用其字典项。"))
    with transaction.atomic():
        dict_type.delete()


def dict_item_create(*, user=None, dict_type: DictType, data: dict) -> DictItem:
    with transaction.atomic():
        item = DictItem(type=dict_type)
        _apply(item, data, ITEM_FIELDS)
        return _save(item, _("同一字典中编码不能重复。"))


def dict_item_update(*, user=None, item: DictItem, data: dict) -> DictItem:
    with transaction.atomic():
        if "code" in data and data["code"] != item.code and item.type.is_system:
            raise ValidationError({"code": _("系统字典项的编码不能修改，可以停用后新增。")})
        _apply(item, data, ITEM_FIELDS)
        return _save(item, _("同一字典中编码不能重复。"))


def dict_item_delete(*, user=None, item: DictItem) -> None:
    if item.type.is_system:
        raise ValidationError(_("系统字典项不能删除，请改为停用。"))
    if item.children.exists():
        raise ValidationError(_("该字典项还有下级，不能删除。"))
    with transaction.atomic():
        item.delete()


def dict_ensure(*, code: str, name: str, value_type: str = "string", is_system: bool = True,
                items: list = (), description: str = "") -> DictType:
    """Idempotent: create the type and any missing items (``(code, label, label_en[, parent_code])``);
    never overwrites what administrators changed."""
    with transaction.atomic():
        dict_type, _created = DictType.objects.get_or_create(
            code=code, defaults={"name": name, "value_type": value_type, "is_system": is_system,
                                 "description": description},
        )
        existing = {i.code: i for i in dict_type.items.all()}
        for sort, row in enumerate(items):
            icode, label, label_en = row[0], row[1], row[2]
            parent_code = row[3] if len(row) > 3 else None
            if icode in existing:
                continue
            item = DictItem(type=dict_type, code=icode, label=label, label_en=label_en, sort=(sort + 1) * 10,
                            parent=existing.get(parent_code) if parent_code else None)
            item.full_clean()
            item.save()
            existing[icode] = item
        transaction.on_commit(lambda: invalidate(code))
        return dict_type


@receiver([post_save, post_delete], sender=DictItem)
def _item_changed(sender, instance, **kwargs):
    code = DictType.objects.filter(pk=instance.type_id).values_list("code", flat=True).first()
    if code:
        transaction.on_commit(lambda: invalidate(code))


@receiver([post_save, post_delete], sender=DictType)
def _type_changed(sender, instance, **kwargs):
    code = instance.code
    transaction.on_commit(lambda: invalidate(code))
