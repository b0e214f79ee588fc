"""Import wizard services: upload → column mapping → dry run → commit. All or nothing: any row error rolls the
whole file back. Upsert by a key (内部标识 or an attribute such as 序列号), so importing the same file twice writes
nothing the second time."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import CI, CIClass, CIImportJob
from .ci import ci_upsert, class_attributes

FIXED_COLUMNS = [("code", "内部标识"), ("name", "名称"), ("organization", "管理部门"), ("owner", "负责人"),
                 ("status", "运行状态"), ("description", "备注")]


def import_columns(ci_class: CIClass) -> list[tuple[str, str]]:
    """Target fields of an import: fixed fields then the class's attributes (own + inherited)."""
    from django.utils.translation import gettext

    return [(k, gettext(v)) for k, v in FIXED_COLUMNS] + [(a.code, a.label) for a in ci_class.all_attributes()]


def key_choices(ci_class: CIClass) -> list[tuple[str, str]]:
    attrs = [a for a in ci_class.all_attributes() if a.unique and not a.multi]
    return [("code", _("内部标识"))] + [(a.code, a.label) for a in attrs] + [("name", _("名称"))]


def guess_mapping(ci_class: CIClass, headers: list[str]) -> dict[str, str]:
    lookup = {}
    for key, label in import_columns(ci_class):
        lookup[key.lower()] = key
        lookup[str(label).lower()] = key
    out = {}
    used = set()
    for i, h in enumerate(headers):
        k = lookup.get((h or "").strip().lstrip("*").strip().lower())
        if k and k not in used:
            out[str(i)] = k
            used.add(k)
    return out


def import_upload(*, user, ci_class: CIClass, upload, organization=None) -> CIImportJob:
    """Read the uploaded .xlsx/.csv (validated by egov_base's importer reader) and store it in a job."""
    from egov_base.generic.importer import ImportFileError, read_table

    if not user.has_perm("egov_cmdb.import_ci"):
        raise PermissionDenied(_("您没有导入配置项的权限。"))
    if ci_class.is_abstract:
        raise ValidationError(_("抽象类不能导入配置项，请选择它的子类。"))
    data = upload.read()
    name = getattr(upload, "name", "") or "import.xlsx"
    try:
        headers, rows = read_table(_Named(data, name))
    except ImportFileError as e:
        raise ValidationError(str(e)) from None
    return CIImportJob.objects.create(
        ci_class=ci_class, user=user, organization=organization, filename=name[:255], content=data,
        headers=headers, mapping=guess_mapping(ci_class, headers), total=len(rows))


class _Named(io.BytesIO):
    def __init__(self, data, name):
        super().__init__(data)
        self.name = name


def _rows(job: CIImportJob):
    from egov_base.generic.importer import read_table

    _headers, rows = read_table(_Named(bytes(job.content), job.filename))
    return rows


class _Rollback(Exception):
    pass


def import_run(*, user, job: CIImportJob, mapping: dict | None = None, key_field: str | None = None,
               dry_run: bool = True) -> CIImportJob:
    """Run the import. ``mapping``: ``{column index: field key}``; ``key_field``: the upsert key. Every row is
    checked (row errors collected with the row number as in Excel); with ``dry_run`` or any error nothing is
    written. Re-running a committed job changes nothing (status done)."""
    from egov_base.audit.services import record_event

    if job.user_id != user.pk and not user.is_superuser:
        raise PermissionDenied(_("只能操作自己的导入任务。"))
    if job.status == CIImportJob.Status.DONE:
        return job
    ci_class = job.ci_class
    if mapping is not None:
        job.mapping = {str(k): v for k, v in mapping.items() if v}
    if key_field:
        job.key_field = key_field
    valid_keys = {k for k, _label in import_columns(ci_class)}
    bad = [v for v in job.mapping.values() if v not in valid_keys]
    mapped = list(job.mapping.values())
    errors: list[dict] = []
    if bad:
        errors.append({"row": 0, "messages": [_("列映射的字段不存在：%(f)s") % {"f": "、".join(bad)}]})
    dupes = {v for v in mapped if mapped.count(v) > 1}
    if dupes:
        errors.append({"row": 0, "messages": [_("多个列映射到了同一字段：%(f)s") % {"f": "、".join(sorted(dupes))}]})
    if "name" not in mapped:
        errors.append({"row": 0, "messages": [_("必须映射“名称”列")]})
    if job.key_field not in mapped and job.key_field != "code":
        errors.append({"row": 0, "messages": [_("匹配键“%(k)s”没有对应的列") % {"k": job.key_field}]})
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    if not errors:
        attrs_def = class_attributes(ci_class)
        rows = _rows(job)
        default_org = job.organization_id
        org_cache: dict = {}
        try:
            with transaction.atomic():
                for n, row in enumerate(rows, start=2):
                    data = {}
                    for idx, field in job.mapping.items():
                        i = int(idx)
                        value = row[i] if i < len(row) else None
                        if value is not None and value != "":
                            data[field] = value
                    if "organization" not in data and default_org:
                        data["organization"] = default_org
                    elif "organization" in data:
                        data["organization"] = _org_pk(data["organization"], org_cache)
                    key_value = data.pop("code", None) if job.key_field == "code" else data.get(job.key_field)
                    if job.key_field != "code" and (key_value is None or str(key_value).strip() == ""):
                        errors.append({"row": n, "messages": [_("匹配键为空")]})
                        continue
                    if job.key_field == "code":
                        key = str(key_value).strip() if key_value not in (None, "") else None
                    else:
                        key = {job.key_field: key_value}
                    try:
                        with transaction.atomic():
                            if key is None:
                                from .ci import ci_create

                                ci_create(user=user, ci_class=ci_class, data=data, source="import")
                                action = "created"
                            else:
                                _ci, action = ci_upsert(source="import", ci_class=ci_class, key=key, data=data,
                                                        user=user, force=True, attrs_def=attrs_def)
                        counts[action] += 1
                    except ValidationError as e:
                        errors.append({"row": n, "messages": _messages(e, attrs_def)})
                    except PermissionDenied as e:
                        errors.append({"row": n, "messages": [str(e)]})
                if dry_run or errors:
                    raise _Rollback
                record_event(action="import", model=CI,
                             message=_("导入%(cls)s %(n)s 行（新增 %(c)s，更新 %(u)s）") % {
                                 "cls": ci_class.label, "n": len(rows), "c": counts["created"],
                                 "u": counts["updated"]},
                             data={"job": job.pk, "file": job.filename, **counts})
        except _Rollback:
            pass
    job.errors = errors[:500]
    job.created, job.updated, job.unchanged = counts["created"], counts["updated"], counts["unchanged"]
    if errors:
        job.status = CIImportJob.Status.FAILED if not dry_run else CIImportJob.Status.CHECKED
    else:
        job.status = CIImportJob.Status.CHECKED if dry_run else CIImportJob.Status.DONE
    job.save()
    return job


def _org_pk(raw, cache: dict):
    """Resolve an organisation cell once per distinct value (unresolvable values go through unchanged and get
    the services' message)."""
    from .values import lookup_organization

    key = str(raw).strip()
    if key not in cache:
        try:
            cache[key] = lookup_organization(key)
        except ValueError:
            cache[key] = raw
    return cache[key]


def _messages(exc: ValidationError, attrs_def) -> list[str]:
    if hasattr(exc, "error_dict"):
        out = []
        for _field, errs in exc.message_dict.items():
            for m in errs:
                out.append(m)
        return out
    return list(exc.messages)


def template_xlsx(ci_class: CIClass) -> bytes:
    """An import template: one header row with the Chinese column names (required ones marked *)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(str(ci_class.label)[:31])
    head = wb.add_format({"bold": True, "bg_color": "#E8F0FE", "border": 1})
    req = {"name", "organization"} | {a.code for a in ci_class.all_attributes() if a.required}
    for c, (key, label) in enumerate(import_columns(ci_class)):
        ws.write(0, c, ("*" if key in req else "") + str(label), head)
        ws.set_column(c, c, 16)
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


BACKGROUND_ROWS = 500  # files with more rows run in a Celery task (a request must not run for minutes)


def import_start_run(*, user, job: CIImportJob, mapping: dict, key_field: str, dry_run: bool) -> CIImportJob:
    """Run small files now; queue big ones (status 处理中, the page polls until the task has finished). A second
    click while a run is pending changes nothing."""
    from django.db import transaction as tx

    with tx.atomic():
        locked = CIImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status in (CIImportJob.Status.RUNNING, CIImportJob.Status.DONE):
            return locked
        if locked.total <= BACKGROUND_ROWS:
            return import_run(user=user, job=locked, mapping=mapping, key_field=key_field, dry_run=dry_run)
        locked.mapping = {str(k): v for k, v in mapping.items() if v}
        locked.key_field = key_field or locked.key_field
        locked.status = CIImportJob.Status.RUNNING
        locked.pending_mode = "dry_run" if dry_run else "apply"
        locked.save(update_fields=["mapping", "key_field", "status", "pending_mode", "updated_at"])
        pk = locked.pk
        tx.on_commit(lambda: _queue(pk))
    return locked


def _queue(pk: int) -> None:
    try:
        import_run_task.delay(pk)
    except Exception:  # noqa: BLE001  (no broker: run inline rather than leave the job hanging)
        import_run_task(pk)


def run_pending(job_id: int) -> CIImportJob | None:
    """The task body: run a queued job as its user."""
    from egov_base.context import acting_as

    job = CIImportJob.objects.select_related("user", "ci_class").filter(pk=job_id).first()
    if job is None or job.status != CIImportJob.Status.RUNNING:
        return job
    dry_run = job.pending_mode != "apply"
    job.status = CIImportJob.Status.UPLOADED
    job.pending_mode = ""
    with acting_as(job.user, source="task"):
        try:
            return import_run(user=job.user, job=job, dry_run=dry_run)
        except Exception as exc:  # noqa: BLE001  (report instead of leaving the job “running”)
            job.status = CIImportJob.Status.FAILED
            job.errors = [{"row": 0, "messages": [_("导入中断：%(e)s") % {"e": str(exc)[:200]}]}]
            job.save(update_fields=["status", "errors", "pending_mode", "updated_at"])
            return job


try:
    from celery import shared_task

    @shared_task(name="egov_cmdb.import_run")
    def import_run_task(job_id: int) -> str:
        job = run_pending(job_id)
        return job.status if job else "missing"
except ImportError:  # pragma: no cover
    def import_run_task(job_id):
        return run_pending(job_id)
