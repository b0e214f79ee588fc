"""Bulk import from .xlsx or CSV (UTF-8 or GBK) with a dry run and row-level errors.

Columns map by header = verbose_name or field name. Each row is validated and written inside a savepoint of
one transaction; a dry run always rolls the whole transaction back, so it checks everything the database
would (unique constraints, data scope) without leaving anything behind. Apply writes nothing if any row
fails, unless ``valid_only`` is set. Rows upsert on ``ModelConfig.import_key``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _g

from ..context import acting_as, get_current_user
from ..scope import scope_queryset
from .selectors import column_label, get_field
from .services import object_in_scope, record_event

MAX_ROWS = 20000
MAX_BYTES = 20 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, no header, too large)."""


@dataclass
class RowResult:
    line: int
    values: dict
    action: str = ""  # create / update / error
    errors: list[str] = field(default_factory=list)
    obj_pk: object = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportResult:
    rows: list[RowResult]
    applied: bool = False
    created: int = 0
    updated: int = 0
    columns: list[str] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def valid_count(self) -> int:
        return sum(1 for r in self.rows if not r.errors)


def import_fields(config) -> list[str]:
    if config.import_fields:
        return list(config.import_fields)
    return [f.name for f in config.model._meta.fields if f.editable and not f.primary_key]


def template_xlsx(config) -> io.BytesIO:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(str(config.model._meta.verbose_name)[:31])
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    req = wb.add_format({"bold": True, "bg_color": "#FDECEC", "border": 1})
    for c, name in enumerate(import_fields(config)):
        f = get_field(config.model, name)
        required = f is not None and not f.blank and not f.has_default()
        ws.write_string(0, c, column_label(config.model, name), req if required else head)
        ws.set_column(c, c, 20)
        hint = ""
        if f is not None and f.choices:
            hint = "、".join(str(lbl) for _v, lbl in f.choices)
        elif f is not None and f.many_to_one:
            hint = _g("填写名称或编码")
        elif isinstance(f, models.BooleanField):
            hint = _g("是 / 否")
        elif isinstance(f, models.DateField):
            hint = "2026-01-31"
        if hint:
            ws.write_comment(0, c, hint)
    wb.close()
    buf.seek(0)
    return buf


def read_table(upload) -> tuple[list[str], list[list]]:
    """Read an uploaded .xlsx / .csv into (headers, rows)."""
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ImportFileError(_g("文件过大（上限 20 MB）。"))
    if data[:2] == b"PK" or name.endswith(".xlsx"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            raise ImportFileError(_g("无法读取 Excel 文件，请使用 .xlsx 格式。")) from None
        ws = wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
    elif name.endswith(".csv") or name.endswith(".txt") or not name:
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError(_g("无法识别 CSV 文件编码，请使用 UTF-8 或 GBK。"))
        rows = [list(r) for r in csv.reader(io.StringIO(text))]
    else:
        raise ImportFileError(_g("只支持 .xlsx 或 .csv 文件。"))
    rows = [r for r in rows if any(v not in (None, "") for v in r)]
    if not rows:
        raise ImportFileError(_g("文件中没有数据。"))
    headers = [str(h).strip() if h is not None else "" for h in rows[0]]
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise ImportFileError(_g("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS})
    return headers, body


def map_headers(config, headers) -> dict[int, str]:
    fields = import_fields(config)
    lookup = {}
    for name in fields:
        lookup[name.lower()] = name
        lookup[column_label(config.model, name).lower()] = name
    mapping = {}
    for i, h in enumerate(headers):
        key = (h or "").strip().lstrip("*").strip().lower()
        if key in lookup:
            mapping[i] = lookup[key]
    return mapping


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _fk_lookup(f, raw, user, cache):
    rel = f.related_model
    key = (rel, str(raw).strip())
    if key in cache:
        return cache[key]
    text = str(raw).strip()
    qs = scope_queryset(rel._default_manager.all(), user)
    found = None
    for attr in ("code", "username", "name", "short_name"):
        if get_field(rel, attr) is None:
            continue
        hits = list(qs.filter(**{attr: text})[:2])
        if len(hits) == 1:
            found = hits[0]
            break
        if len(hits) > 1:
            raise ValidationError(_g("“%(v)s”匹配到多条%(m)s，请改填编码。") % {"v": text, "m": rel._meta.verbose_name})
    if found is None and text.isdigit():
        found = qs.filter(pk=int(text)).first()
    if found is None:
        raise ValidationError(_g("找不到%(m)s“%(v)s”（或不在您的数据范围内）。") % {"m": rel._meta.verbose_name, "v": text})
    cache[key] = found
    return found


def _convert(f, raw, user, cache):
    """Raw cell -> python value for model field ``f``; ValidationError with a Chinese message."""
    if _blank(raw):
        if f.many_to_one:
            return None
        if isinstance(f, models.BooleanField):
            return f.get_default()
        return None if f.null else ""
    if f.many_to_one:
        return _fk_lookup(f, raw, user, cache)
    if f.choices:
        text = str(raw).strip()
        for value, label in f.flatchoices:
            if text == str(value) or text == str(label):
                return value
        raise ValidationError(_g("“%(v)s”不是有效选项，可选：%(c)s") % {
            "v": text, "c": "、".join(str(lbl) for _v, lbl in f.flatchoices)})
    if isinstance(f, models.BooleanField):
        text = str(raw).strip().lower()
        if text in ("是", "true", "1", "y", "yes", "启用", "√"):
            return True
        if text in ("否", "false", "0", "n", "no", "停用", "×"):
            return False
        raise ValidationError(_g("“%(v)s”不是有效的是/否值。") % {"v": raw})
    if isinstance(f, models.DateTimeField) and isinstance(raw, dt.datetime):
        return raw
    if isinstance(f, models.DateField) and isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, float) and raw.is_integer() and not isinstance(f, (models.FloatField, models.DecimalField)):
        raw = int(raw)
    formfield = f.formfield()
    if formfield is None:
        return f.to_python(raw)
    formfield.required = False
    try:
        return formfield.clean(str(raw).strip() if not isinstance(raw, (dt.date, dt.datetime)) else raw)
    except ValidationError as exc:
        raise ValidationError(_g("“%(v)s”格式不正确：%(e)s") % {"v": raw, "e": "；".join(exc.messages)}) from None


def _sensitive(f) -> bool:
    """Encrypted fields (ID numbers ...) are never echoed in clear in the import result or its row errors."""
    from ..fields import EncryptedTextField

    return isinstance(f, EncryptedTextField)


def _mask(value) -> str:
    text = str(value)
    return text[:6] + "*" * (len(text) - 10) + text[-4:] if len(text) >= 14 else "*" * len(text)


def _shown(f, value):
    if value is None:
        return ""
    return _mask(value) if _sensitive(f) and str(value).strip() else value


def _mask_in(message: str, fields: dict, values: dict) -> str:
    for name, raw in values.items():
        if raw not in (None, "") and _sensitive(fields[name]) and str(raw) in message:
            message = message.replace(str(raw), _mask(raw))
    return message


def run_import(*, config, user, upload, dry_run: bool = True, valid_only: bool = False) -> ImportResult:
    headers, body = read_table(upload)
    mapping = map_headers(config, headers)
    if not mapping:
        raise ImportFileError(_g("表头无法识别，请使用下载的导入模板。"))
    model = config.model
    key = config.import_key
    fields = {name: model._meta.get_field(name) for name in set(mapping.values())}
    required = [n for n in import_fields(config)
                if (f := get_field(model, n)) is not None and not f.blank and not f.has_default()]
    missing_cols = [column_label(model, n) for n in required if n not in mapping.values()
                    and not (key and n == key)]
    if missing_cols:
        raise ImportFileError(_g("缺少必填列：%(c)s") % {"c": "、".join(missing_cols)})
    unique_fields = [n for n, f in fields.items() if f.unique and not f.primary_key]
    seen: dict[str, dict] = {n: {} for n in unique_fields}
    result = ImportResult(rows=[], columns=[column_label(model, n) for n in mapping.values()])
    cache: dict = {}
    scoped = scope_queryset(model._default_manager.all(), user)

    class _Rollback(Exception):
        pass

    ctx = acting_as(user, source="web") if get_current_user() is None else None
    if ctx:
        ctx.__enter__()
    try:
        with transaction.atomic():
            for idx, row in enumerate(body, start=2):
                values = {mapping[i]: (row[i] if i < len(row) else None) for i in mapping}
                rr = RowResult(line=idx, values={column_label(model, k): _shown(fields[k], v)
                                                  for k, v in values.items()})
                result.rows.append(rr)
                data = {}
                for name, raw in values.items():
                    try:
                        data[name] = _convert(fields[name], raw, user, cache)
                    except ValidationError as exc:
                        rr.errors.append(f"{column_label(model, name)}：{'；'.join(exc.messages)}")
                for name in required:
                    if name in values and _blank(values[name]):
                        msg = f"{column_label(model, name)}：{_g('必填')}"
                        if msg not in rr.errors and not any(e.startswith(column_label(model, name)) for e in rr.errors):
                            rr.errors.append(msg)
                for name in unique_fields:
                    v = data.get(name)
                    if v in (None, ""):
                        continue
                    if v in seen[name]:
                        rr.errors.append(_g("%(f)s“%(v)s”与第 %(l)s 行重复") % {
                            "f": column_label(model, name), "v": v, "l": seen[name][v]})
                    else:
                        seen[name][v] = idx
                if rr.errors:
                    rr.errors = [_mask_in(e, fields, values) for e in rr.errors]
                    rr.action = "error"
                    continue
                instance = None
                if key and data.get(key) not in (None, ""):
                    instance = scoped.filter(**{key: data[key]}).first()
                    if instance is None and model._default_manager.filter(**{key: data[key]}).exists():
                        rr.errors.append(_g("%(f)s“%(v)s”已存在，但不在您的数据范围内") % {
                            "f": column_label(model, key), "v": data[key]})
                        rr.action = "error"
                        continue
                if instance is not None and not user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}"):
                    rr.errors.append(_g("无权修改已存在的记录"))
                    rr.action = "error"
                    continue
                rr.action = "update" if instance is not None else "create"
                obj = instance or model()
                for name, v in data.items():
                    if name in values and _blank(values[name]) and instance is not None:
                        continue  # empty cells do not clear existing values on update
                    setattr(obj, name, v)
                try:
                    with transaction.atomic():
                        exclude = [f.name for f in model._meta.fields if f.name not in data]
                        obj.full_clean(exclude=exclude, validate_unique=True)
                        obj.save()
                        if not object_in_scope(user, obj):
                            raise ValidationError(_g("所属单位超出您的数据范围"))
                except ValidationError as exc:
                    rr.errors.extend(_mask_in(e, fields, values) for e in _format_errors(model, exc))
                    rr.action = "error"
                except IntegrityError:
                    rr.errors.append(_g("与已有数据冲突（唯一性约束）"))
                    rr.action = "error"
                else:
                    rr.obj_pk = obj.pk
            errors = result.error_count
            if dry_run or (errors and not valid_only) or result.valid_count == 0:
                raise _Rollback
            result.applied = True
            result.created = sum(1 for r in result.rows if r.ok and r.action == "create")
            result.updated = sum(1 for r in result.rows if r.ok and r.action == "update")
    except _Rollback:
        pass
    finally:
        if ctx:
            ctx.__exit__(None, None, None)
    if result.applied:
        record_event(action="import", obj=None, model=model, message=str(model._meta.verbose_name),
                     data={"created": result.created, "updated": result.updated, "errors": result.error_count,
                           "file": getattr(upload, "name", "")})
    return result


def _format_errors(model, exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        out = []
        for name, errs in exc.message_dict.items():
            label = column_label(model, name) if name != "__all__" else ""
            for e in errs:
                out.append(f"{label}：{e}" if label else e)
        return out
    return list(exc.messages)
