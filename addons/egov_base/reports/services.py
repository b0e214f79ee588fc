"""Report runs: request, execute (Celery), scheduled runs delivered to the recipients' inbox as 待阅."""

from __future__ import annotations

import logging
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..context import acting_as
from . import cron
from .models import ReportRun, ReportSchedule
from .registry import get_report

log = logging.getLogger(__name__)


def _spec_or_error(code: str, fmt: str):
    spec = get_report(code)
    if spec is None:
        raise ValidationError(_("报表不存在：%(code)s") % {"code": code}, code="unknown_report")
    if fmt not in spec.classes:
        raise ValidationError(_("该报表不支持 %(fmt)s 格式。") % {"fmt": fmt}, code="bad_format")
    return spec


def report_request(*, code: str, user, params: dict | None = None, fmt: str = "pdf", request_key: str | None = None,
                   run_now: bool = False) -> ReportRun:
    """Queue a report run (executed by Celery after commit, or inline with ``run_now``). ``request_key``
    (the form's one-time token) makes double submits return the first run."""
    spec = _spec_or_error(code, fmt)
    if not spec.can_run(user):
        raise PermissionDenied(_("您没有运行该报表的权限。"))
    if request_key:
        existing = ReportRun.objects.filter(request_key=request_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(
                code=code, name=str(spec.name), params=params or {}, format=fmt, requested_by=user,
                organization=getattr(user, "organization", None), request_key=request_key or None,
            )
            if not run_now:
                transaction.on_commit(lambda: _enqueue(run.pk))
    except IntegrityError:
        return ReportRun.objects.get(request_key=request_key)
    if run_now:
        report_execute(run_id=run.pk)
        run.refresh_from_db()
    return run


def _enqueue(run_id: int) -> None:
    from .tasks import execute_report_run

    try:
        execute_report_run.delay(run_id)
    except Exception:  # broker down: the run stays pending and the sweeper retries it
        log.exception("could not enqueue report run %s", run_id)


def report_execute(*, run_id: int) -> ReportRun | None:
    """Render a pending run (idempotent: a run already done or running is left alone)."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update(skip_locked=True).filter(pk=run_id).first()
        if run is None or run.status not in (ReportRun.Status.PENDING, ReportRun.Status.FAILED):
            return run
        run.status = ReportRun.Status.RUNNING
        run.started_at = timezone.now()
        run.error = ""
        run.save(update_fields=["status", "started_at", "error"])
    spec = get_report(run.code)
    try:
        if spec is None or run.format not in spec.classes:
            raise ValidationError(_("报表不存在或格式不支持。"))
        user = run.requested_by
        with acting_as(user, source="task"):
            report = spec.classes[run.format](user=user)
            data = report.render(run.params or {})
            name = report.file_name(run.params)
    except Exception as exc:
        log.exception("report run %s failed", run.pk)
        ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.FAILED, finished_at=timezone.now(),
                                                   error=str(exc)[:2000])
        run.refresh_from_db()
        return run
    with transaction.atomic():
        run.file.save("report", ContentFile(data), save=False)
        run.file_name = name[:255]
        run.size = len(data)
        run.status = ReportRun.Status.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["file", "file_name", "size", "status", "finished_at"])
        if run.schedule_id:
            transaction.on_commit(lambda: deliver_to_inbox(run_id=run.pk))
    _audit(run)
    return run


def _audit(run):
    from ..audit.services import record_event

    record_event(action="export", model=ReportRun, user=run.requested_by, message=f"生成报表：{run.name}",
                 data={"run": run.pk, "code": run.code, "format": run.format})


def deliver_to_inbox(*, run_id: int) -> int:
    """Give each recipient of the run's schedule a 待阅 task pointing at the download (idempotent by key)."""
    run = ReportRun.objects.select_related("schedule").filter(pk=run_id, status=ReportRun.Status.DONE).first()
    if run is None or run.schedule is None:
        return 0
    from ..inbox.services import task_open

    recipients = list(run.schedule.recipients.filter(is_active=True))
    if not recipients:
        return 0
    when = timezone.localtime(run.scheduled_for or run.finished_at)
    tasks = task_open(
        obj=run, assignees=recipients, kind="toread",
        title=f"{run.name}（{when:%Y-%m-%d %H:%M}）", url=reverse("egov_base:report_download", args=[run.pk]),
        key=f"report_run:{run.pk}", source="egov_base.reports",
    )
    return len(tasks)


def schedule_run_due(*, now=None) -> list[ReportRun]:
    """Create (once) and execute the runs of every active schedule whose crontab fell due since its last
    run. Safe to call every minute and from several workers (unique schedule + scheduled_for)."""
    now = timezone.localtime(now or timezone.now())
    runs = []
    for schedule in ReportSchedule.objects.filter(is_active=True).select_related("run_as", "created_by"):
        after = timezone.localtime(schedule.last_run_at or schedule.created_at)
        try:
            due = cron.last_due(schedule.crontab, after=after, until=now)
        except ValidationError:
            log.warning("report schedule %s has an invalid crontab %r", schedule.pk, schedule.crontab)
            continue
        if due is None:
            continue
        spec = get_report(schedule.code)
        if spec is None or schedule.format not in spec.classes:
            continue
        user = schedule.run_as or schedule.created_by
        try:
            with transaction.atomic():
                run = ReportRun.objects.create(
                    code=schedule.code, name=str(spec.name), params=schedule.params or {}, format=schedule.format,
                    requested_by=user, organization=getattr(user, "organization", None), schedule=schedule,
                    scheduled_for=due,
                )
                ReportSchedule.objects.filter(pk=schedule.pk).update(last_run_at=due)
        except IntegrityError:
            continue  # another worker created this run
        runs.append(report_execute(run_id=run.pk))
    return runs


def schedule_save(*, schedule: ReportSchedule, recipients=None) -> ReportSchedule:
    cron.parse(schedule.crontab)
    _spec_or_error(schedule.code, schedule.format)
    with transaction.atomic():
        schedule.save()
        if recipients is not None:
            schedule.recipients.set(recipients)
    return schedule


def new_request_key() -> str:
    return uuid.uuid4().hex
