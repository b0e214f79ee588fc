"""CI list filters: fixed fields plus combined conditions on any attribute (including custom ones) translated to
JSONB lookups. A filter set is a JSON-able dict (saved queries store it)::

    {"q": "税务", "organization": 12, "status": "normal", "lifecycle": "running", "include_sub": true,
     "conds": [{"attr": "os", "op": "contains", "value": "麒麟"},
               {"attr": "intranet_ip", "op": "in_cidr", "value": "10.1.0.0/16"},
               {"attr": "memory_gb", "op": "gte", "value": "16"}]}

Query string form: ``q``, ``organization``, ``status``, ``lifecycle``, ``owner`` and repeated
``c=<attr>|<op>|<value>``. Equality uses ``attrs @> {...}`` (GIN index, jsonb_path_ops); ranges compare
JSONB values (numbers numerically, ISO dates as text); ``in_cidr`` casts to ``inet``."""

from __future__ import annotations

import ipaddress

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import CI
from .services.values import clean_value

OPS = {
    "eq": gettext_lazy("等于"),
    "ne": gettext_lazy("不等于"),
    "contains": gettext_lazy("包含"),
    "gt": gettext_lazy("大于"),
    "gte": gettext_lazy("大于等于"),
    "lt": gettext_lazy("小于"),
    "lte": gettext_lazy("小于等于"),
    "in_cidr": gettext_lazy("属于网段"),
    "empty": gettext_lazy("为空"),
    "notempty": gettext_lazy("不为空"),
}
TEXT_TYPES = {"text", "textarea", "json"}
RANGE_TYPES = {"integer", "decimal", "date", "datetime"}
IP_TYPES = {"ip", "ipv4", "ipv6"}
FIXED_KEYS = ("q", "organization", "status", "lifecycle", "owner", "include_sub")


def ops_for(attr) -> list[str]:
    ops = ["eq", "ne"]
    if attr.type in TEXT_TYPES or attr.type in IP_TYPES or attr.type in ("mac", "cidr"):
        ops.append("contains")
    if attr.type in RANGE_TYPES:
        ops += ["gt", "gte", "lt", "lte"]
    if attr.type in IP_TYPES and not attr.multi:
        ops.append("in_cidr")
    return ops + ["empty", "notempty"]


def parse_query(params) -> dict:
    """Query string → filter dict (no validation yet)."""
    out = {}
    for key in FIXED_KEYS:
        v = params.get(key)
        if v not in (None, ""):
            out[key] = v
    conds = []
    for raw in params.getlist("c") if hasattr(params, "getlist") else params.get("c", []):
        parts = str(raw).split("|", 2)
        if len(parts) >= 2 and parts[0]:
            conds.append({"attr": parts[0], "op": parts[1] or "eq", "value": parts[2] if len(parts) > 2 else ""})
    if conds:
        out["conds"] = conds
    return out


def to_query(filters: dict) -> list[tuple[str, str]]:
    pairs = [(k, str(filters[k])) for k in FIXED_KEYS if filters.get(k) not in (None, "")]
    for c in filters.get("conds") or []:
        pairs.append(("c", f"{c.get('attr')}|{c.get('op', 'eq')}|{c.get('value', '')}"))
    return pairs


def _cond_q(attr, op, value):
    code = attr.code
    if op == "empty":
        return ~Q(attrs__has_key=code)
    if op == "notempty":
        return Q(attrs__has_key=code)
    if op == "contains":
        return Q(**{f"attrs__{code}__icontains": str(value).strip()})
    if op == "in_cidr":
        try:
            net = str(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            raise ValidationError(_("“%(a)s”：“%(v)s”不是有效的网段") % {"a": attr.label, "v": value}) from None
        return Q(RawSQL("(attrs ->> %s)::inet <<= %s::inet", [code, net], output_field=BooleanField()))
    cleaned = clean_value(attr, value)
    if cleaned is None:
        raise ValidationError(_("“%(a)s”：请填写查询值") % {"a": attr.label})
    if op in ("eq", "ne"):
        item = cleaned[0] if isinstance(cleaned, list) else cleaned
        q = Q(attrs__contains={code: [item] if attr.multi else item})
        return ~q if op == "ne" else q
    if op in ("gt", "gte", "lt", "lte"):
        return Q(**{f"attrs__{code}__{op}": cleaned})
    raise ValidationError(_("不支持的条件：%(op)s") % {"op": op})


def apply_filters(qs, filters: dict, *, attrs_def: dict, org_ids_of=None) -> tuple:
    """Apply ``filters`` to a CI queryset. Returns ``(queryset, errors)``; invalid conditions are reported
    (Chinese) and left out instead of failing the page."""
    errors = []
    q = (filters.get("q") or "").strip()
    if q:
        for word in q.split()[:5]:
            qs = qs.filter(Q(name__icontains=word) | Q(code__icontains=word))
    org = filters.get("organization")
    if org:
        try:
            org_id = int(org)
        except (TypeError, ValueError):
            errors.append(_("管理部门参数无效"))
        else:
            if filters.get("include_sub") and org_ids_of is not None:
                qs = qs.filter(organization_id__in=org_ids_of(org_id))
            else:
                qs = qs.filter(organization_id=org_id)
    if filters.get("status"):
        if filters["status"] in CI.Status.values:
            qs = qs.filter(status=filters["status"])
        else:
            errors.append(_("运行状态参数无效"))
    if filters.get("lifecycle"):
        if filters["lifecycle"] in CI.Lifecycle.values:
            qs = qs.filter(lifecycle=filters["lifecycle"])
        else:
            errors.append(_("生命周期参数无效"))
    if filters.get("owner"):
        try:
            qs = qs.filter(owner_id=int(filters["owner"]))
        except (TypeError, ValueError):
            errors.append(_("负责人参数无效"))
    for cond in filters.get("conds") or []:
        attr = attrs_def.get(cond.get("attr"))
        op = cond.get("op") or "eq"
        if attr is None:
            errors.append(_("属性“%(a)s”不存在") % {"a": cond.get("attr")})
            continue
        if op not in ops_for(attr):
            errors.append(_("“%(a)s”不支持条件“%(op)s”") % {"a": attr.label, "op": OPS.get(op, op)})
            continue
        try:
            qs = qs.filter(_cond_q(attr, op, cond.get("value", "")))
        except ValidationError as e:
            errors.extend(e.messages)
    return qs, errors
