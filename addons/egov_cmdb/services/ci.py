"""Write services of configuration items: create, update, upsert (collection API with reconciliation rules),
status, lifecycle, restore of a version, delete. Every change writes a ``CIVersion`` (snapshot + field diff +
source) in the same transaction; the CI row itself is audited by egov_base's change signals."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from egov_base.scope import can_see, org_in_scope

from ..models import CI, AttributeDef, AttributeUniqueValue, CIClass, CIVersion, RunStatus, SourcePriority
from .values import clean_value, is_blank, lookup_organization, unique_key

FIXED_FIELDS = ("name", "organization", "owner", "status", "description")
RESERVED_CODES = {"id", "pk", "code", "name", "organization", "owner", "status", "lifecycle", "description",
                  "source", "version", "attrs", "ci_class", "created_at", "updated_at", "created_by", "updated_by",
                  "attr_sources", "q", "sort", "page", "per_page", "columns", "query"}
DEFAULT_PRIORITY = {"manual": 100}
DEFAULT_OTHER_PRIORITY = 50


def snapshot(ci: CI) -> dict:
    return {"code": ci.code, "name": ci.name, "organization": ci.organization_id, "owner": ci.owner_id,
            "status": ci.status, "lifecycle": ci.lifecycle, "description": ci.description, "attrs": dict(ci.attrs)}


def _flat(snap: dict | None) -> dict:
    if not snap:
        return {}
    out = {k: v for k, v in snap.items() if k != "attrs"}
    out.update(snap.get("attrs") or {})
    return out


def snapshot_diff(old: dict | None, new: dict) -> dict:
    """``{key: [old, new]}`` over the fixed fields and attribute codes."""
    a, b = _flat(old), _flat(new)
    diff = {}
    for key in list(dict.fromkeys([*a.keys(), *b.keys()])):
        va, vb = a.get(key), b.get(key)
        if va != vb and not (is_blank(va) and is_blank(vb)):
            diff[key] = [va, vb]
    return diff


# ---------------------------------------------------------------- reconciliation rules
class Priorities:
    """Source priorities for one class (rules loaded once). Most specific rule wins: nearest class +
    attribute, nearest class + *, ..., any class + attribute, any class + *; default manual 100, others 50."""

    def __init__(self, ci_class: CIClass):
        self.lineage = list(reversed(ci_class.lineage_ids()))
        rules = SourcePriority.objects.filter(Q(ci_class__isnull=True) | Q(ci_class_id__in=self.lineage))
        self.rules = {(r.ci_class_id, r.attribute, r.source): r.priority for r in rules}

    def get(self, source: str, key: str) -> int:
        for cls in [*self.lineage, None]:
            for attr in (key, "*"):
                p = self.rules.get((cls, attr, source))
                if p is not None:
                    return p
        return DEFAULT_PRIORITY.get(source, DEFAULT_OTHER_PRIORITY)


# ---------------------------------------------------------------- input cleaning
def class_attributes(ci_class: CIClass) -> dict[str, AttributeDef]:
    return {a.code: a for a in ci_class.all_attributes()}


def clean_input(ci_class: CIClass, data: dict, *, attrs_def=None, partial: bool = True) -> tuple[dict, dict]:
    """Split ``data`` (fixed fields + attribute codes, or a nested ``attrs`` dict) into cleaned fixed values and
    attribute values. Unknown keys are refused. Raises ``ValidationError({field: [messages]})``."""
    attrs_def = attrs_def if attrs_def is not None else class_attributes(ci_class)
    fixed, attrs, errors = {}, {}, {}
    flat = dict(data or {})
    nested = flat.pop("attrs", None) or {}
    if not isinstance(nested, dict):
        raise ValidationError({"attrs": [_("attrs 必须是对象")]})
    flat.update(nested)
    for key, raw in flat.items():
        if key in ("code", "lifecycle", "ci_class"):
            continue
        if key == "name":
            value = (str(raw).strip() if raw is not None else "")[:200]
            if not value:
                errors.setdefault("name", []).append(_("“名称”不能为空"))
            fixed["name"] = value
        elif key == "organization":
            if is_blank(raw):
                errors.setdefault("organization", []).append(_("“管理部门”不能为空"))
                continue
            try:
                fixed["organization"] = lookup_organization(raw)
            except ValueError:
                errors.setdefault("organization", []).append(_("找不到管理部门“%(v)s”") % {"v": raw})
        elif key == "owner":
            if is_blank(raw):
                fixed["owner"] = None
                continue
            try:
                fixed["owner"] = clean_value(AttributeDef(code="owner", name=_("负责人"), type="user"), raw)
            except ValidationError as e:
                errors.setdefault("owner", []).extend(e.messages)
        elif key == "status":
            value = str(raw or "").strip() or RunStatus.NORMAL
            labels = {str(lbl): v for v, lbl in RunStatus.choices}
            value = labels.get(value, value)
            if value not in RunStatus.values:
                errors.setdefault("status", []).append(_("运行状态“%(v)s”无效") % {"v": raw})
            fixed["status"] = value
        elif key == "description":
            fixed["description"] = str(raw or "").strip()
        elif key in attrs_def:
            try:
                attrs[key] = clean_value(attrs_def[key], raw)
            except ValidationError as e:
                errors.setdefault(key, []).extend(e.messages)
        else:
            errors.setdefault(key, []).append(
                _("类“%(cls)s”没有属性“%(code)s”") % {"cls": ci_class.label, "code": key})
    if errors:
        raise ValidationError(errors)
    return fixed, attrs


_LOCK_SPACE = 0x434D4442  # "CMDB": the first key of PostgreSQL's two-key advisory locks, apart from other apps
_LOCK_BUCKETS = 1024


def _advisory_lock(*parts) -> None:
    """Serialise writers of the same key until the transaction ends. Keys are hashed into a fixed number of buckets:
    a long transaction (a 10,000-row import) then holds at most ``_LOCK_BUCKETS`` locks instead of two per row,
    which would exhaust PostgreSQL's shared lock table ("out of shared memory"). Two different keys may share a
    bucket: they wait for each other, which is harmless."""
    digest = hashlib.blake2b(":".join(str(p) for p in parts).encode(), digest_size=8).digest()
    bucket = int.from_bytes(digest, "big") % _LOCK_BUCKETS
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, bucket])


def _generate_code(ci_class: CIClass) -> str:
    from egov_base.numbers import next_number

    prefix = "".join(ch for ch in (ci_class.code_prefix or ci_class.code).upper() if ch.isalnum() or ch == "_")
    return next_number(prefix[:20] or "CI", yearly=False)


def _sync_unique(ci: CI, attrs_def: dict, changed_keys) -> None:
    """Keep ``AttributeUniqueValue`` rows of the CI's unique attributes in step with ``ci.attrs``; a value used by
    another CI raises a ValidationError naming it (the unique constraint decides under concurrency)."""
    for code in changed_keys:
        attr = attrs_def.get(code)
        if attr is None or not attr.unique:
            continue
        AttributeUniqueValue.objects.filter(ci=ci, attribute=attr).delete()
        for value in unique_key(ci.attrs.get(code)):
            try:
                with transaction.atomic():
                    AttributeUniqueValue.objects.create(ci=ci, attribute=attr, value=value)
            except IntegrityError:
                other = (AttributeUniqueValue.objects.filter(attribute=attr, value=value)
                         .select_related("ci").first())
                raise ValidationError({code: [
                    _("“%(attr)s”的值“%(value)s”已被配置项“%(ci)s”使用，不能重复")
                    % {"attr": attr.label, "value": value, "ci": other.ci if other else "?"}]}) from None


def _check_required(ci: CI, attrs_def: dict) -> None:
    errors = {}
    if not ci.name:
        errors["name"] = [_("“名称”不能为空")]
    if not ci.organization_id:
        errors["organization"] = [_("“管理部门”不能为空")]
    for code, attr in attrs_def.items():
        if attr.required and is_blank(ci.attrs.get(code)):
            errors.setdefault(code, []).append(_("“%(attr)s”不能为空") % {"attr": attr.label})
    if errors:
        raise ValidationError(errors)


def _check_user(user, ci: CI | None = None, organization_id=None) -> None:
    if user is None:
        return
    if ci is not None and ci.pk and not can_see(user, ci):
        raise PermissionDenied(_("您无权修改该配置项。"))
    if organization_id is not None:
        # remembered on the user object for the request (an import checks the same few organisations per row)
        cache = user.__dict__.setdefault("_cmdb_org_in_scope", {})
        if organization_id not in cache:
            from egov_base.org.models import Organization

            org = Organization.objects.filter(pk=organization_id).first()
            cache[organization_id] = org_in_scope(user, org)
        if not cache[organization_id]:
            raise ValidationError({"organization": [_("所选管理部门超出了您的数据范围")]})


def _write(ci: CI, fixed: dict, attrs: dict, *, user, source: str, action: str, comment: str = "",
           attrs_def: dict, priorities: Priorities | None = None, replace_attrs: bool = False) -> tuple[CI, str]:
    """Apply cleaned values to ``ci`` (locked, or new), versioning the change. ``priorities``: apply only the
    values whose source priority is at least that of the source that wrote the stored value."""
    is_new = ci.pk is None
    old = None if is_new else snapshot(ci)
    applied = []
    skipped = []
    sources = dict(ci.attr_sources or {})
    if replace_attrs:
        for code in list(ci.attrs.keys()):
            if code not in attrs:
                attrs[code] = None

    def allowed(key):
        if priorities is None or is_new:
            return True
        current = sources.get(key) or ci.source
        return priorities.get(source, key) >= priorities.get(current, key)

    for key, value in fixed.items():
        if not allowed(key):
            skipped.append(key)
            continue
        setattr(ci, f"{key}_id" if key in ("organization", "owner") else key, value)
        applied.append(key)
    new_attrs = dict(ci.attrs or {})
    for key, value in attrs.items():
        if not allowed(key):
            skipped.append(key)
            continue
        if value is None:
            new_attrs.pop(key, None)
        else:
            new_attrs[key] = value
        applied.append(key)
    ci.attrs = new_attrs
    _check_required(ci, attrs_def)
    if "organization" in applied:
        _check_user(user, organization_id=ci.organization_id)
    new = snapshot(ci)
    diff = snapshot_diff(old, new)
    if not is_new and not diff:
        return ci, "unchanged"
    for key in diff:
        if key in applied:
            sources[key] = source
    ci.attr_sources = sources
    ci.source = source
    ci.version = 1 if is_new else ci.version + 1
    if is_new:
        ci.save()
    else:
        ci.save()
    _sync_unique(ci, attrs_def, attrs_def.keys() if is_new else diff.keys())
    CIVersion.objects.create(ci=ci, version=ci.version, action=action, data=new, diff=diff, source=source,
                             user=user if getattr(user, "pk", None) else None, comment=comment[:255])
    from .indexing import queue_index

    queue_index(ci.pk)
    return ci, ("created" if is_new else "updated")


def _new_ci(ci_class: CIClass, code: str | None, *, checked: bool = False, lifecycle: str | None = None) -> CI:
    """A new unsaved CI; ``checked``: the caller already looked the code up under its lock."""
    if ci_class.is_abstract:
        raise ValidationError(_("“%(cls)s”是抽象类，不能直接创建配置项，请选择它的子类。") % {"cls": ci_class.label})
    code = (code or "").strip() or _generate_code(ci_class)
    if len(code) > 128:
        raise ValidationError({"code": [_("内部标识不能超过 128 个字符")]})
    existing = None if checked else CI.objects.filter(code=code).select_related("ci_class").first()
    if existing is not None:
        raise ValidationError({"code": [_("内部标识“%(code)s”已被配置项“%(ci)s”使用") % {"code": code, "ci": existing}]})
    extra = {"lifecycle": lifecycle} if lifecycle else {}  # a protected FSM field: only settable at construction
    return CI(ci_class=ci_class, code=code, attrs={}, attr_sources={}, **extra)


def _save_new(ci, fixed, attrs, **kw):
    try:
        with transaction.atomic():
            return _write(ci, fixed, attrs, **kw)
    except IntegrityError:
        raise ValidationError({"code": [_("内部标识“%(code)s”已存在") % {"code": ci.code}]}) from None


# ---------------------------------------------------------------- public services
def ci_create(*, user, ci_class: CIClass, data: dict, source: str = "manual", comment: str = "",
              lifecycle: str | None = None) -> CI:
    """Create a CI of ``ci_class`` from ``data`` (fixed fields + attribute codes). Defaults: attribute defaults,
    status normal. ``user`` None = system call (no scope check)."""
    attrs_def = class_attributes(ci_class)
    payload = {a.code: a.default for a in attrs_def.values() if a.default not in (None, "")}
    payload.update(data or {})
    fixed, attrs = clean_input(ci_class, payload, attrs_def=attrs_def, partial=False)
    with transaction.atomic():
        if (data or {}).get("code"):
            _advisory_lock("cmdb-ci-code", data["code"])
        if lifecycle and lifecycle not in CI.Lifecycle.values:
            raise ValidationError({"lifecycle": [_("生命周期状态无效")]})
        ci = _new_ci(ci_class, (data or {}).get("code"), lifecycle=lifecycle)
        _check_user(user, organization_id=fixed.get("organization"))
        ci, _action = _save_new(ci, fixed, attrs, user=user, source=source, action="create", comment=comment,
                                attrs_def=attrs_def)
    return ci


def ci_update(*, user, ci: CI, data: dict, source: str = "manual", comment: str = "",
              replace_attrs: bool = False) -> CI:
    """Update the given fields/attributes of ``ci`` (a human edit: applied regardless of source priorities).
    ``replace_attrs``: attributes missing from ``data`` are cleared (full form submit)."""
    _check_user(user, ci)
    attrs_def = class_attributes(ci.ci_class)
    fixed, attrs = clean_input(ci.ci_class, data, attrs_def=attrs_def)
    with transaction.atomic():
        locked = CI.objects.select_for_update().get(pk=ci.pk)
        locked, _action = _write(locked, fixed, attrs, user=user, source=source, action="update", comment=comment,
                                 attrs_def=attrs_def, replace_attrs=replace_attrs)
    _copy_back(locked, ci)
    return ci


def _copy_back(src: CI, dst: CI) -> None:
    if src is dst:
        return
    for f in CI._meta.concrete_fields:
        dst.__dict__[f.attname] = getattr(src, f.attname)


def _find_by_key(ci_class: CIClass, key, attrs_def: dict) -> CI | None:
    if isinstance(key, str):
        ci = CI.objects.select_for_update().filter(code=key).first()
        if ci is not None and ci.ci_class_id not in ci_class.descendant_ids():
            raise ValidationError({"code": [_("内部标识“%(code)s”已被其他类（%(cls)s）的配置项使用")
                                            % {"code": key, "cls": ci.ci_class.label}]})
        return ci
    if not isinstance(key, dict) or not key:
        raise ValidationError(_("匹配键必须是内部标识或属性值（例如 {\"serial_no\": \"…\"}）"))
    qs = CI.objects.filter(ci_class_id__in=ci_class.descendant_ids())
    for code, raw in key.items():
        if code == "code":
            qs = qs.filter(code=str(raw))
            continue
        if code == "name":
            qs = qs.filter(name=str(raw))
            continue
        attr = attrs_def.get(code)
        if attr is None:
            raise ValidationError({code: [_("类“%(cls)s”没有属性“%(code)s”") % {"cls": ci_class.label, "code": code}]})
        value = clean_value(attr, raw)
        if attr.unique and not attr.multi:
            ids = AttributeUniqueValue.objects.filter(attribute=attr, value__in=unique_key(value)).values("ci_id")
            qs = qs.filter(pk__in=ids)
        else:
            qs = qs.filter(attrs__contains={code: value})
    found = list(qs.select_for_update()[:2])
    if len(found) > 1:
        raise ValidationError(_("匹配键 %(key)s 对应多个配置项，无法确定要更新哪一个") % {"key": key})
    return found[0] if found else None


def ci_upsert(*, source: str, ci_class: CIClass, key, data: dict, user=None, comment: str = "", force: bool = False,
              attrs_def: dict | None = None) -> tuple[CI, str]:
    """Collection API: create or update the CI identified by ``key`` (its 内部标识 as a string, or a dict of
    attribute values, typically a unique attribute such as ``{"serial_no": "..."}``) with values from
    ``source``. On update, each value is applied only if the source's priority (``SourcePriority``) for that
    attribute is at least that of the source that wrote the stored value; lower-priority values are ignored.
    Concurrent upserts of the same key are serialised (advisory lock): never a duplicate.
    ``force``: a human bulk edit (the import wizard) — every value is applied, like a manual edit.
    ``attrs_def``: the class's attributes when the caller already has them (import loops).
    Returns ``(ci, "created" | "updated" | "unchanged")``."""
    if not source or len(source) > 32:
        raise ValidationError(_("数据来源标识不能为空且不超过 32 个字符"))
    attrs_def = attrs_def if attrs_def is not None else class_attributes(ci_class)
    fixed, attrs = clean_input(ci_class, data, attrs_def=attrs_def)
    with transaction.atomic():
        if isinstance(key, str):
            _advisory_lock("cmdb-ci-code", key)  # the same lock ci_create takes for an explicit code
        else:
            _advisory_lock("cmdb-upsert", ci_class.pk, sorted((k, str(v)) for k, v in key.items()))
        ci = _find_by_key(ci_class, key, attrs_def)
        if ci is None:
            code = key if isinstance(key, str) else (data or {}).get("code")
            if isinstance(key, dict):
                # the key values belong to the new CI
                extra_fixed, extra_attrs = clean_input(ci_class, {k: v for k, v in key.items() if k != "code"},
                                                       attrs_def=attrs_def)
                fixed = {**extra_fixed, **fixed}
                attrs = {**extra_attrs, **attrs}
            if code and not isinstance(key, str):
                _advisory_lock("cmdb-ci-code", code)  # a string key already holds the lock of this code
            new = _new_ci(ci_class, code, checked=isinstance(key, str))
            _check_user(user, organization_id=fixed.get("organization"))
            return _save_new(new, fixed, attrs, user=user, source=source, action="create", comment=comment,
                             attrs_def=attrs_def)
        _check_user(user, ci)
        attrs_def = class_attributes(ci.ci_class) if ci.ci_class_id != ci_class.pk else attrs_def
        return _write(ci, fixed, attrs, user=user, source=source, action="update", comment=comment,
                      attrs_def=attrs_def, priorities=None if force else Priorities(ci.ci_class))


def ci_set_status(*, user, ci: CI, status: str, reason: str = "", source: str = "manual") -> CI:
    """Set the run status (normal / warning / faulty / offline), versioned with the reason."""
    if status not in RunStatus.values:
        raise ValidationError({"status": [_("运行状态“%(v)s”无效") % {"v": status}]})
    _check_user(user, ci)
    with transaction.atomic():
        locked = CI.objects.select_for_update().get(pk=ci.pk)
        _write(locked, {"status": status}, {}, user=user, source=source, action="status", comment=reason,
               attrs_def=class_attributes(locked.ci_class))
    _copy_back(locked, ci)
    return ci


def ci_transition(*, user, ci: CI, name: str, comment: str = "") -> CI:
    """Run a lifecycle transition (入库 / 上线运行 / 进入维护 / 恢复运行 / 退役 ...) through egov_base.workflow
    (permission, process log, audit) and record it as a CI version."""
    from egov_base.workflow import run_transition

    with transaction.atomic():
        before = ci.lifecycle
        run_transition(ci, name, user=user, comment=comment)
        locked = CI.objects.select_for_update().get(pk=ci.pk)
        old = snapshot(locked)
        old["lifecycle"] = before
        locked.version += 1
        CI.objects.filter(pk=locked.pk).update(version=locked.version)
        CIVersion.objects.create(ci=locked, version=locked.version, action="lifecycle", data=snapshot(locked),
                                 diff=snapshot_diff(old, snapshot(locked)), source="manual",
                                 user=user if getattr(user, "pk", None) else None, comment=comment[:255])
    _copy_back(locked, ci)
    return ci


def ci_restore_version(*, user, ci: CI, version: int, comment: str = "") -> CI:
    """Restore the fields and attributes of an earlier version (a new version is written; relations are kept).
    Attributes no longer defined on the class are dropped."""
    _check_user(user, ci)
    v = CIVersion.objects.filter(ci=ci, version=version).first()
    if v is None:
        raise ValidationError(_("版本 %(v)s 不存在") % {"v": version})
    attrs_def = class_attributes(ci.ci_class)
    data = v.data or {}
    payload = {k: data.get(k) for k in FIXED_FIELDS if k in data}
    payload["attrs"] = {k: val for k, val in (data.get("attrs") or {}).items() if k in attrs_def}
    fixed, attrs = clean_input(ci.ci_class, payload, attrs_def=attrs_def)
    with transaction.atomic():
        locked = CI.objects.select_for_update().get(pk=ci.pk)
        _write(locked, fixed, attrs, user=user, source="manual", action="restore",
               comment=comment or _("恢复到版本 %(v)s") % {"v": version}, attrs_def=attrs_def, replace_attrs=True)
    _copy_back(locked, ci)
    return ci


def ci_delete(*, user, ci: CI) -> None:
    """Delete a CI and its relations (audited)."""
    _check_user(user, ci)
    from .indexing import unindex

    with transaction.atomic():
        CI.objects.select_for_update().filter(pk=ci.pk).first()
        AttributeUniqueValue.objects.filter(ci=ci).delete()
        unindex(ci)
        ci.delete()
