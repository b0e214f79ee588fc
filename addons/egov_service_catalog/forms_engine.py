"""Electronic forms (电子表单) defined as @bpmn-io/form-js JSON schemas.

The browser designs (form-js editor) and fills (form-js viewer) a form; the server never trusts the browser:
``validate(schema, data)`` re-checks every submitted value against the schema (required, min/max, minLength/
maxLength, pattern, e-mail / phone validation types, options of select/radio/checklist/taglist, number and date
formats) and returns only the keys the schema declares. ``render_readonly`` and ``pdf`` render a submitted form for
the request page, print and archive. Used by the request wizard and by the operations side's questionnaires.

Contract (also used by SC-ops):
    validate(schema, data) -> (cleaned: dict, errors: dict[key, list[str]])
    render_readonly(schema, data) -> SafeString (HTML table)
    pdf(schema, data, title, *, user=None, subtitle="", extra_rows=None) -> bytes
    fields(schema) -> list[dict]  (flattened input components: key, label, type, …)
    clean_schema(schema) -> dict  (raises ValidationError on a schema that cannot be used)
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

INPUT_TYPES = {"textfield", "textarea", "number", "select", "radio", "checkbox", "checklist", "taglist", "datetime"}
CONTAINER_TYPES = {"group", "dynamiclist"}
DISPLAY_TYPES = {"text", "html", "spacer", "separator", "image", "button", "iframe", "table", "expression",
                 "filepicker", "documentPreview"}
MAX_TEXT = 5000
PHONE_RE = re.compile(r"^(?:\+?86)?(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


# --- schema helpers ------------------------------------------------------------------------------------

def _walk(components, prefix=""):
    for comp in components or []:
        if not isinstance(comp, dict):
            continue
        ctype = comp.get("type")
        if ctype in CONTAINER_TYPES and ctype == "group":
            path = comp.get("path") or ""
            yield from _walk(comp.get("components"), f"{prefix}{path}." if path else prefix)
        elif ctype in INPUT_TYPES and comp.get("key"):
            yield prefix, comp


def fields(schema) -> list[dict]:
    """The input fields of a schema, flattened (groups unfolded), in display order."""
    out = []
    for prefix, comp in _walk((schema or {}).get("components")):
        validate = comp.get("validate") or {}
        out.append({
            "key": f"{prefix}{comp['key']}",
            "label": comp.get("label") or comp["key"],
            "type": comp.get("type"),
            "subtype": comp.get("subtype") or "",
            "required": bool(validate.get("required")) and not comp.get("conditional"),
            "validate": validate,
            "options": _options(comp),
            "readonly": bool(comp.get("readonly")) or bool(comp.get("disabled")),
            "default": comp.get("defaultValue"),
            "description": comp.get("description") or "",
        })
    return out


def _options(comp) -> list[dict]:
    values = comp.get("values")
    if isinstance(values, list):
        return [{"label": str(v.get("label", v.get("value"))), "value": v.get("value")}
                for v in values if isinstance(v, dict) and "value" in v]
    return []


def clean_schema(schema) -> dict:
    """Check a schema coming from the designer before it is stored. Raises ValidationError."""
    if isinstance(schema, str):
        try:
            schema = json.loads(schema)
        except ValueError as exc:
            raise ValidationError(_("表单定义不是有效的 JSON。")) from exc
    if not isinstance(schema, dict) or not isinstance(schema.get("components"), list):
        raise ValidationError(_("表单定义缺少组件列表（components）。"))
    errors, keys = [], set()
    for f in fields(schema):
        key = f["key"]
        if not KEY_RE.match(key.split(".")[-1]):
            errors.append(_("字段“%(label)s”的键“%(key)s”须为字母开头的英文、数字或下划线。")
                          % {"label": f["label"], "key": key})
        if key in keys:
            errors.append(_("字段键“%(key)s”重复。") % {"key": key})
        keys.add(key)
        pattern = f["validate"].get("pattern")
        if pattern:
            try:
                re.compile(pattern)
            except re.error:
                errors.append(_("字段“%(label)s”的校验正则无效。") % {"label": f["label"]})
        if f["type"] in ("select", "radio", "checklist", "taglist") and not f["options"]:
            errors.append(_("选项字段“%(label)s”至少需要一个选项。") % {"label": f["label"]})
    if not keys:
        errors.append(_("表单至少需要一个填写字段。"))
    if errors:
        raise ValidationError(errors)
    schema.setdefault("type", "default")
    return schema


# --- validation ----------------------------------------------------------------------------------------

def _get(data, key):
    cur = data
    for part in key.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _set(out, key, value):
    parts = key.split(".")
    cur = out
    for part in parts[:-1]:
        cur = cur.setdefault(part, {})
    cur[parts[-1]] = value


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def _fmt_num(n) -> str:
    return format(Decimal(str(n)).normalize(), "f") if n is not None else ""


def _check_one(f, value):
    """Return (cleaned_value, [errors]) for one field."""
    label, v, ftype = f["label"], f["validate"], f["type"]
    errs = []
    option_values = [str(o["value"]) for o in f["options"]]
    if ftype in ("textfield", "textarea"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return None, [_("“%(label)s”格式不正确。") % {"label": label}]
        value = value.strip()
        if len(value) > MAX_TEXT:
            errs.append(_("“%(label)s”不能超过 %(n)d 字。") % {"label": label, "n": MAX_TEXT})
        if v.get("minLength") not in (None, "") and len(value) < int(v["minLength"]):
            errs.append(_("“%(label)s”至少 %(n)s 个字。") % {"label": label, "n": v["minLength"]})
        if v.get("maxLength") not in (None, "") and len(value) > int(v["maxLength"]):
            errs.append(_("“%(label)s”不能超过 %(n)s 个字。") % {"label": label, "n": v["maxLength"]})
        if v.get("pattern"):
            try:
                if not re.fullmatch(v["pattern"], value):
                    errs.append(_("“%(label)s”格式不正确。") % {"label": label})
            except re.error:
                pass
        vtype = v.get("validationType")
        if vtype == "email" and not EMAIL_RE.match(value):
            errs.append(_("“%(label)s”须为有效的电子邮箱。") % {"label": label})
        if vtype == "phone" and not PHONE_RE.match(value.replace(" ", "")):
            errs.append(_("“%(label)s”须为有效的手机或固定电话号码。") % {"label": label})
        return value, errs
    if ftype == "number":
        try:
            num = Decimal(str(value).strip())
            if not num.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            return None, [_("“%(label)s”必须是数字。") % {"label": label}]
        if v.get("min") not in (None, "") and num < Decimal(str(v["min"])):
            errs.append(_("“%(label)s”不能小于 %(n)s。") % {"label": label, "n": _fmt_num(v["min"])})
        if v.get("max") not in (None, "") and num > Decimal(str(v["max"])):
            errs.append(_("“%(label)s”不能大于 %(n)s。") % {"label": label, "n": _fmt_num(v["max"])})
        cleaned = int(num) if num == num.to_integral_value() else float(num)
        return cleaned, errs
    if ftype in ("select", "radio"):
        if option_values and str(value) not in option_values:
            return None, [_("“%(label)s”的取值不在可选范围内。") % {"label": label}]
        return value, []
    if ftype in ("checklist", "taglist"):
        if not isinstance(value, list):
            value = [value]
        bad = [x for x in value if option_values and str(x) not in option_values]
        if bad:
            return None, [_("“%(label)s”包含不在可选范围内的值。") % {"label": label}]
        return value, []
    if ftype == "checkbox":
        if isinstance(value, str):
            value = value.lower() in ("true", "1", "on", "yes")
        return bool(value), []
    if ftype == "datetime":
        text = str(value).strip()
        try:
            if f["subtype"] == "time":
                dt.time.fromisoformat(text[:8])
            elif f["subtype"] == "datetime":
                dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            else:
                dt.date.fromisoformat(text[:10])
                text = text[:10]
        except ValueError:
            return None, [_("“%(label)s”的日期时间格式不正确。") % {"label": label}]
        return text, []
    return value, []


def validate(schema, data) -> tuple[dict, dict]:
    """Validate submitted ``data`` against a form-js ``schema``. Returns ``(cleaned, errors)`` where ``errors``
    maps a field key to a list of Chinese messages; ``cleaned`` holds only the schema's keys."""
    if not isinstance(data, dict):
        data = {}
    cleaned: dict = {}
    errors: dict[str, list[str]] = {}
    for f in fields(schema):
        if f["readonly"]:
            continue
        value = _get(data, f["key"])
        if _empty(value) or (f["type"] == "checkbox" and value in (False, "false", "0", "off")):
            if f["required"]:
                errors[f["key"]] = [_("请填写“%(label)s”。") % {"label": f["label"]}
                                    if f["type"] not in ("select", "radio", "checklist", "taglist", "checkbox")
                                    else _("请选择“%(label)s”。") % {"label": f["label"]}]
            elif f["type"] == "checkbox":
                _set(cleaned, f["key"], False)
            continue
        value, errs = _check_one(f, value)
        if errs:
            errors[f["key"]] = errs
        else:
            _set(cleaned, f["key"], value)
    return cleaned, errors


def errors_as_list(schema, errors: dict) -> list[str]:
    return [m for msgs in errors.values() for m in msgs]


# --- rendering -----------------------------------------------------------------------------------------

def display_value(f, value) -> str:
    if _empty(value):
        return "—"
    labels = {str(o["value"]): o["label"] for o in f["options"]}
    if f["type"] in ("select", "radio"):
        return labels.get(str(value), str(value))
    if f["type"] in ("checklist", "taglist"):
        return "、".join(labels.get(str(x), str(x)) for x in (value if isinstance(value, list) else [value]))
    if f["type"] == "checkbox":
        return _("是") if value else _("否")
    if f["type"] == "datetime" and f["subtype"] in ("", "date"):
        try:
            d = dt.date.fromisoformat(str(value)[:10])
            return f"{d.year}年{d.month}月{d.day}日"
        except ValueError:
            return str(value)
    return str(value)


def rows(schema, data) -> list[tuple[str, str]]:
    """(label, display value) pairs of a submitted form."""
    data = data or {}
    return [(f["label"], display_value(f, _get(data, f["key"]))) for f in fields(schema)]


def render_readonly(schema, data) -> SafeString:
    """A read-only HTML table of a submitted form (escaped)."""
    pairs = rows(schema, data)
    if not pairs:
        return format_html('<div class="text-secondary">{}</div>', _("无表单内容"))
    body = format_html_join(
        "", '<tr><th class="w-25 text-secondary fw-normal">{}</th><td class="text-break" style="white-space:pre-wrap">{}</td></tr>',
        ((label, value) for label, value in pairs),
    )
    return format_html('<table class="table table-sm table-vcenter sc-form-readonly mb-0"><tbody>{}</tbody></table>',
                       body)


def pdf(schema, data, title, *, user=None, subtitle="", extra_rows=None) -> bytes:
    """A printable PDF of a submitted form (egov_base.reports PDF with CJK font). ``extra_rows`` (list of
    (label, value)) are printed before the form fields (e.g. number, applicant)."""
    from egov_base.reports.pdf import PdfReport

    form_rows = [[label, value] for label, value in (extra_rows or [])] + [[lb, v] for lb, v in rows(schema, data)]

    class _FormPdf(PdfReport):
        def build_story(self, params):
            return [self.table(form_rows or [["—", "—"]], header=[_("项目"), _("内容")], col_widths=[0.3, 0.7])]

    report = _FormPdf(user=user)
    report.title = str(title)
    report.subtitle = str(subtitle or "")
    return report.render({})
