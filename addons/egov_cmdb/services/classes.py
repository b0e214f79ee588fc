"""Class designer services: classes and attribute definitions are data (no migration). An ``indexed`` attribute
gets a PostgreSQL expression index on ``attrs->>'code'``; a ``unique`` one is backed by ``AttributeUniqueValue``."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from ..models import CI, AttributeDef, AttributeUniqueValue, CIClass
from .ci import RESERVED_CODES
from .values import unique_key

CLASS_FIELDS = ("code", "name", "name_en", "parent", "icon", "is_abstract", "code_prefix", "sort", "description")
ATTR_FIELDS = ("code", "name", "name_en", "group", "type", "dict_type", "ref_class", "multi", "required", "unique",
               "indexed", "list_display", "pattern", "pattern_message", "default", "sort", "help_text")
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _require(user, perm):
    if user is not None and not user.has_perm(perm):
        raise PermissionDenied(_("您没有设计配置模型的权限。"))


def class_save(*, user, data: dict, instance: CIClass | None = None) -> CIClass:
    """Create or update a class. The parent may not be the class itself or one of its subclasses."""
    _require(user, "egov_cmdb.design_ciclass")
    obj = instance or CIClass()
    errors = {}
    for f in CLASS_FIELDS:
        if f in data:
            setattr(obj, f, data[f])
    if not _CODE_RE.match(obj.code or ""):
        errors["code"] = [_("类编码须以小写字母开头，只含小写字母、数字和下划线")]
    if not (obj.name or "").strip():
        errors["name"] = [_("类名称不能为空")]
    if obj.pk and obj.parent_id and obj.parent_id in CIClass.descendant_ids_of([obj.pk]):
        errors["parent"] = [_("父类不能是本类或其子类")]
    if CIClass.objects.filter(code=obj.code).exclude(pk=obj.pk).exists():
        errors["code"] = [_("类编码“%(c)s”已存在") % {"c": obj.code}]
    if obj.is_abstract and obj.pk and CI.objects.filter(ci_class=obj).exists():
        errors["is_abstract"] = [_("该类已有配置项，不能改为抽象类")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if obj.pk and obj.parent_id:
            # inherited codes must not clash with own attributes
            own = set(AttributeDef.objects.filter(ci_class=obj).values_list("code", flat=True))
            parent = CIClass.objects.get(pk=obj.parent_id)
            clash = own & {a.code for a in parent.all_attributes()}
            if clash:
                raise ValidationError({"parent": [_("与父类的属性编码冲突：%(c)s") % {"c": "、".join(sorted(clash))}]})
        obj.save()
    return obj


def class_delete(*, user, ci_class: CIClass) -> None:
    _require(user, "egov_cmdb.design_ciclass")
    if CI.objects.filter(ci_class_id__in=ci_class.descendant_ids()).exists():
        raise ValidationError(_("该类（或其子类）下已有配置项，不能删除。"))
    if ci_class.children.exists():
        raise ValidationError(_("请先删除子类。"))
    ci_class.delete()


def _ensure_index(attr: AttributeDef) -> None:
    """Expression index for filtering/sorting on an indexed attribute (idempotent)."""
    name = f"cmdb_ci_attr_{attr.code}"[:63]
    with connection.cursor() as cur:
        cur.execute(f"CREATE INDEX IF NOT EXISTS \"{name}\" ON egov_cmdb_ci ((attrs ->> %s))", [attr.code])


def attribute_save(*, user, ci_class: CIClass, data: dict, instance: AttributeDef | None = None) -> AttributeDef:
    """Create or update an attribute definition of ``ci_class``. Codes must be unique along the class's
    inheritance line (ancestors and descendants). Setting ``unique`` checks existing values."""
    _require(user, "egov_cmdb.design_ciclass")
    obj = instance or AttributeDef(ci_class=ci_class)
    was_unique = bool(instance and instance.unique)
    old_code = instance.code if instance else None
    for f in ATTR_FIELDS:
        if f in data:
            setattr(obj, f, data[f])
    errors = {}
    if not _CODE_RE.match(obj.code or ""):
        errors["code"] = [_("属性编码须以小写字母开头，只含小写字母、数字和下划线")]
    elif obj.code in RESERVED_CODES:
        errors["code"] = [_("“%(c)s”是系统保留字段，请换一个编码") % {"c": obj.code}]
    if old_code and old_code != obj.code and CI.objects.filter(ci_class_id__in=ci_class.descendant_ids(),
                                                                attrs__has_key=old_code).exists():
        errors["code"] = [_("已有配置项使用该属性，不能修改编码")]
    if not (obj.name or "").strip():
        errors["name"] = [_("属性名称不能为空")]
    if obj.type == "enum" and not obj.dict_type:
        errors["dict_type"] = [_("枚举类型须指定业务字典编码")]
    if obj.type == "enum" and obj.dict_type:
        from egov_base.dictionary.models import DictType

        if not DictType.objects.filter(code=obj.dict_type).exists():
            errors["dict_type"] = [_("业务字典“%(c)s”不存在") % {"c": obj.dict_type}]
    if obj.type != "ci_ref":
        obj.ref_class = None
    if obj.pattern:
        try:
            re.compile(obj.pattern)
        except re.error:
            errors["pattern"] = [_("校验正则不是有效的正则表达式")]
    if "code" not in errors:
        line = [c for c in ci_class.lineage_ids()] + [c for c in ci_class.descendant_ids() if c != ci_class.pk]
        clash = AttributeDef.objects.filter(ci_class_id__in=line, code=obj.code).exclude(pk=obj.pk).first()
        if clash:
            errors["code"] = [_("属性编码“%(c)s”已在类“%(cls)s”中定义") % {"c": obj.code, "cls": clash.ci_class.label}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        obj.save()
        if obj.unique and not was_unique:
            _fill_unique(obj, ci_class)
        elif not obj.unique and was_unique:
            AttributeUniqueValue.objects.filter(attribute=obj).delete()
        if obj.indexed:
            _ensure_index(obj)
    return obj


def _fill_unique(attr: AttributeDef, ci_class: CIClass) -> None:
    rows, seen = [], {}
    qs = CI.objects.filter(ci_class_id__in=ci_class.descendant_ids(), attrs__has_key=attr.code)
    for pk, attrs, name in qs.values_list("pk", "attrs", "name").iterator():
        for value in unique_key(attrs.get(attr.code)):
            if value in seen:
                raise ValidationError({"unique": [_("现有配置项“%(a)s”与“%(b)s”的该属性值“%(v)s”重复，不能设为唯一")
                                                  % {"a": seen[value], "b": name, "v": value}]})
            seen[value] = name
            rows.append(AttributeUniqueValue(attribute=attr, value=value, ci_id=pk))
    try:
        with transaction.atomic():
            AttributeUniqueValue.objects.bulk_create(rows, batch_size=2000)
    except IntegrityError:
        raise ValidationError({"unique": [_("现有数据存在重复值，不能设为唯一")]}) from None


def attribute_delete(*, user, attribute: AttributeDef) -> None:
    """Delete an attribute definition; values stay in the CIs' history but are removed from ``attrs``."""
    _require(user, "egov_cmdb.design_ciclass")
    from django.db.models import F
    from django.db.models.expressions import RawSQL

    with transaction.atomic():
        ids = attribute.ci_class.descendant_ids()
        CI.objects.filter(ci_class_id__in=ids, attrs__has_key=attribute.code).update(
            attrs=RawSQL("attrs - %s", [attribute.code]), version=F("version"))
        attribute.delete()
