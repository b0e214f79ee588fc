"""Celery tasks of the reports area (thin wrappers around services)."""

from celery import shared_task


@shared_task(name="egov_base.reports.execute_report_run", acks_late=True)
def execute_report_run(run_id: int):
    from .services import report_execute

    run = report_execute(run_id=run_id)
    return run.status if run else None


@shared_task(name="egov_base.reports.run_due_schedules")
def run_due_schedules():
    from .services import schedule_run_due

    return len(schedule_run_due())

