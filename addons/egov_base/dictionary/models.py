"""业务字典: typed code lists (DictType) and their items (DictItem), hierarchical by parent."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..mixins import TimeStampedModel
from ..scope import ScopeFields

__all__ = ["DictType", "DictItem"]


class DictType(TimeStampedModel):
    class ValueType(models.TextChoices):
        STRING = "string", _("字符串")
        INT = "int", _("整数")
        DECIMAL = "decimal", _("小数")
        BOOL = "bool", _("布尔")

    code = models.SlugField(_("字典编码"), max_length=64, unique=True)
    name = models.CharField(_("字典名称"), max_length=64)
    value_type = models.CharField(_("值类型"), max_length=16, choices=ValueType.choices, default=ValueType.STRING)
    is_system = models.BooleanField(_("系统字典"), default=False, help_text=_("系统字典由平台预置，不能删除。"))
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("字典类型")
        verbose_name_plural = _("字典类型")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("egov_base:dicttype_manage", args=[self.pk])

    def convert(self, code: str):
        """Convert an item code to this type's Python value; raises ValidationError."""
        vt = self.value_type
        try:
            if vt == self.ValueType.INT:
                return int(code)
            if vt == self.ValueType.DECIMAL:
                return Decimal(code)
            if vt == self.ValueType.BOOL:
                low = str(code).strip().lower()
                if low in ("1", "true", "yes", "y", "是"):
                    return True
                if low in ("0", "false", "no", "n", "否"):
                    return False
                raise ValueError(code)
        except (ValueError, InvalidOperation):
            raise ValidationError(
                _("编码“%(code)s”不是有效的%(type)s值。"),
                params={"code": code, "type": self.get_value_type_display()},
                code="invalid_value",
            ) from None
        return str(code)


class DictItem(TimeStampedModel):
    type = models.ForeignKey(DictType, verbose_name=_("字典类型"), on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("编码"), max_length=64)
    label = models.CharField(_("名称"), max_length=128)
    label_en = models.CharField(_("英文名称"), max_length=128, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort = models.IntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    extra = models.JSONField(_("扩展属性"), default=dict, blank=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("字典项")
        verbose_name_plural = _("字典项")
        ordering = ["type", "sort", "code"]
        constraints = [models.UniqueConstraint(fields=["type", "code"], name="uniq_dictitem_type_code")]

    def __str__(self):
        return self.display_label

    @property
    def display_label(self) -> str:
        if self.label_en and (get_language() or "").startswith("en"):
            return self.label_en
        return self.label

    @property
    def value(self):
        return self.type.convert(self.code)

    def clean(self):
        super().clean()
        if self.type_id and self.code:
            self.type.convert(self.code)
        if self.parent_id:
            if self.parent.type_id != self.type_id:
                raise ValidationError({"parent": _("上级字典项必须属于同一字典类型。")})
            node, seen = self.parent, set()
            while node is not None:
                if node.pk == self.pk or node.pk in seen:
                    raise ValidationError({"parent": _("不能把字典项放到它自己的下级之下。")})
                seen.add(node.pk)
                node = node.parent
        if not isinstance(self.extra, dict):
            raise ValidationError({"extra": _("扩展属性必须是 JSON 对象。")})
