"""Cleaning and validation of attribute values by the attribute's type (one place for forms, import and API).

``clean_value(attr, raw, *, user=None)`` returns the JSON value stored in ``CI.attrs`` (``None`` when blank)
or raises ``ValidationError`` with a Chinese message naming the attribute."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_MAC_RE = re.compile(r"^[0-9A-Fa-f]{12}$")
_SPLIT_RE = re.compile(r"[,，;；、\n]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_DT_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S",
               "%Y-%m-%dT%H:%M", "%Y年%m月%d日 %H:%M")
_TRUE = {"1", "true", "yes", "y", "是", "有", "√", "on"}
_FALSE = {"0", "false", "no", "n", "否", "无", "×", "off"}


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


def _err(attr, message):
    return ValidationError(_("“%(attr)s”：%(msg)s") % {"attr": attr.label, "msg": message}, code="invalid")


def _clean_date(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    s = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(s, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError


def _clean_datetime(value):
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day).isoformat()
    s = str(value).strip()
    for fmt in _DT_FORMATS:
        try:
            return dt.datetime.strptime(s, fmt).isoformat()
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(s).isoformat()
    except ValueError:
        raise ValueError from None


def _clean_mac(value):
    s = re.sub(r"[\s:.\-]", "", str(value))
    if not _MAC_RE.match(s):
        raise ValueError
    return ":".join(s[i:i + 2] for i in range(0, 12, 2)).upper()


def _lookup_ci(attr, value):
    from ..models import CI, CIClass

    qs = CI.objects.all()
    if attr.ref_class_id:
        qs = qs.filter(ci_class_id__in=CIClass.descendant_ids_of([attr.ref_class_id]))
    if hasattr(value, "pk"):
        value = value.pk
    s = str(value).strip()
    hit = None
    if s.isdigit():
        hit = qs.filter(pk=int(s)).values_list("pk", flat=True).first()
    if hit is None:
        hit = qs.filter(code=s).values_list("pk", flat=True).first()
    if hit is None:
        names = list(qs.filter(name=s).values_list("pk", flat=True)[:2])
        if len(names) == 1:
            hit = names[0]
    if hit is None:
        raise ValueError
    return hit


def _lookup_user(value):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if hasattr(value, "pk"):
        return value.pk
    s = str(value).strip()
    if s.isdigit() and User.objects.filter(pk=int(s)).exists():
        return int(s)
    pk = User.objects.filter(username=s).values_list("pk", flat=True).first()
    if pk is None:
        names = list(User.objects.filter(name=s, is_active=True).values_list("pk", flat=True)[:2]) \
            if hasattr(User, "name") else []
        if len(names) == 1:
            pk = names[0]
    if pk is None:
        raise ValueError
    return pk


def lookup_organization(value):
    from egov_base.org.models import Organization

    if hasattr(value, "pk"):
        return value.pk
    s = str(value).strip()
    if s.isdigit() and Organization.objects.filter(pk=int(s)).exists():
        return int(s)
    pk = Organization.objects.filter(code=s).values_list("pk", flat=True).first()
    if pk is None:
        names = list(Organization.objects.filter(name=s).values_list("pk", flat=True)[:2])
        if len(names) == 1:
            pk = names[0]
    if pk is None:
        raise ValueError
    return pk


def _clean_enum(attr, value):
    from egov_base.dictionary.selectors import dict_items

    s = str(value).strip()
    items = dict_items(attr.dict_type, include_inactive=True) if attr.dict_type else []
    if not items:
        return s
    for it in items:
        if s == str(it["code"]):
            return it["code"]
    for it in items:
        if s in (it.get("label"), it.get("label_en")):
            return it["code"]
    raise ValueError


def _clean_one(attr, value):  # noqa: C901  (one branch per type)
    t = attr.type
    try:
        if t in ("text", "textarea"):
            s = str(value).strip() if not isinstance(value, float) or not value.is_integer() else str(int(value))
            if attr.pattern and not re.search(attr.pattern, s):
                raise ValidationError(attr.pattern_message or _("格式不正确（%(hint)s）")
                                      % {"hint": attr.help_text or attr.pattern})
            return s
        if t == "integer":
            if isinstance(value, bool):
                raise ValueError
            if isinstance(value, float):
                if not value.is_integer():
                    raise ValueError
                return int(value)
            return int(str(value).strip().replace(",", ""))
        if t == "decimal":
            d = Decimal(str(value).strip().replace(",", ""))
            if not d.is_finite():
                raise ValueError
            return int(d) if d == d.to_integral_value() and "." not in str(value) else float(d)
        if t == "date":
            return _clean_date(value)
        if t == "datetime":
            return _clean_datetime(value)
        if t == "bool":
            if isinstance(value, bool):
                return value
            s = str(value).strip().lower()
            if s in _TRUE:
                return True
            if s in _FALSE:
                return False
            raise ValueError
        if t == "enum":
            return _clean_enum(attr, value)
        if t == "ipv4":
            return str(ipaddress.IPv4Address(str(value).strip()))
        if t == "ipv6":
            return str(ipaddress.IPv6Address(str(value).strip()))
        if t == "ip":
            return str(ipaddress.ip_address(str(value).strip()))
        if t == "cidr":
            return str(ipaddress.ip_network(str(value).strip(), strict=True))
        if t == "mac":
            return _clean_mac(value)
        if t == "ci_ref":
            return _lookup_ci(attr, value)
        if t == "user":
            return _lookup_user(value)
        if t == "organization":
            return lookup_organization(value)
        if t == "json":
            if isinstance(value, str):
                return json.loads(value)
            json.dumps(value)
            return value
    except ValidationError as e:
        raise _err(attr, e.messages[0]) from None
    except (ValueError, TypeError, InvalidOperation, ipaddress.AddressValueError, json.JSONDecodeError):
        raise _err(attr, _type_hint(attr, value)) from None
    return value


def _type_hint(attr, value) -> str:
    hints = {
        "integer": _("请输入整数"), "decimal": _("请输入数字"), "date": _("请输入日期，例如 2026-01-31"),
        "datetime": _("请输入日期时间，例如 2026-01-31 08:30"), "bool": _("请填写“是”或“否”"),
        "enum": _("不是字典中的可选值"), "ipv4": _("不是有效的 IPv4 地址"), "ipv6": _("不是有效的 IPv6 地址"),
        "ip": _("不是有效的 IP 地址"), "cidr": _("不是有效的网段，例如 10.1.0.0/16"),
        "mac": _("不是有效的 MAC 地址，例如 00:1A:2B:3C:4D:5E"), "ci_ref": _("找不到引用的配置项"),
        "user": _("找不到该用户"), "organization": _("找不到该组织机构"), "json": _("不是有效的 JSON"),
    }
    return _("值“%(value)s”%(hint)s") % {"value": str(value)[:60], "hint": hints.get(attr.type, _("格式不正确"))}


def clean_value(attr, raw):
    """Clean one attribute value. Multi-value attributes accept a list or a string separated by , ; 、 or
    new lines and return a list (blank → ``None``)."""
    if is_blank(raw):
        return None
    if attr.multi:
        if isinstance(raw, str):
            items = [p.strip() for p in _SPLIT_RE.split(raw) if p.strip()]
        elif isinstance(raw, (list, tuple)):
            items = [p for p in raw if not is_blank(p)]
        else:
            items = [raw]
        out = []
        for item in items:
            v = _clean_one(attr, item)
            if v not in out:
                out.append(v)
        return out or None
    if isinstance(raw, (list, tuple)) and attr.type != "json":
        if len(raw) > 1:
            raise _err(attr, _("只能填写一个值"))
        raw = raw[0] if raw else None
        if is_blank(raw):
            return None
    return _clean_one(attr, raw)


def unique_key(value) -> list[str]:
    """Normalised strings of a value for the uniqueness table (one per item of a multi-value)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(v).strip().lower()[:255] for v in items if not is_blank(v)]


def display_value(attr, value, *, refs=None) -> str:
    """Human-readable value (Chinese conventions); ``refs`` maps (type, pk) → label for reference types."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list) and attr.type != "json":
        return "、".join(display_value(attr, v, refs=refs) for v in value)
    t = attr.type
    if t == "bool":
        return _("是") if value else _("否")
    if t == "date":
        try:
            d = dt.date.fromisoformat(str(value))
            return _("%(y)d年%(m)d月%(d)d日") % {"y": d.year, "m": d.month, "d": d.day}
        except ValueError:
            return str(value)
    if t == "datetime":
        try:
            d = dt.datetime.fromisoformat(str(value))
            return d.strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return str(value)
    if t == "enum" and attr.dict_type:
        from egov_base.dictionary.selectors import dict_label

        return dict_label(attr.dict_type, str(value)) or str(value)
    if t in ("ci_ref", "user", "organization"):
        if refs is not None and (t, value) in refs:
            return refs[(t, value)]
        return str(value)
    if t == "json":
        return json.dumps(value, ensure_ascii=False)
    if t == "decimal" and isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def resolve_refs(attrs_list, values_list) -> dict:
    """Labels for reference values in bulk (3 queries at most), for list pages and detail pages."""
    from django.contrib.auth import get_user_model

    from egov_base.org.models import Organization

    from ..models import CI

    want: dict[str, set] = {"ci_ref": set(), "user": set(), "organization": set()}
    for attr in attrs_list:
        if attr.type not in want:
            continue
        for values in values_list:
            v = values.get(attr.code)
            for item in v if isinstance(v, list) else [v]:
                if isinstance(item, int):
                    want[attr.type].add(item)
    refs = {}
    if want["ci_ref"]:
        for pk, name in CI.objects.filter(pk__in=want["ci_ref"]).values_list("pk", "name"):
            refs[("ci_ref", pk)] = name
    if want["user"]:
        for u in get_user_model().objects.filter(pk__in=want["user"]):
            refs[("user", u.pk)] = getattr(u, "name", "") or u.get_username()
    if want["organization"]:
        for pk, name in Organization.objects.filter(pk__in=want["organization"]).values_list("pk", "name"):
            refs[("organization", pk)] = name
    return refs
