"""Celery tasks of the reports area (thin wrappers around services)."""

from celery import shared_task

from ..schedules import periodic


@shared_task(name="egov_base.reports.execute_report_run", acks_late=True)
def execute_report_run(run_id: int):
    from .services import report_execute

    run = report_execute(run_id=run_id)
    return run.status if run else None


@shared_task(name="egov_base.reports.run_due_schedules")
def run_due_schedules():
    from .services import schedule_run_due

    return len(schedule_run_due())


periodic("报表计划执行", "egov_base.reports.run_due_schedules", every_seconds=60,
         description="每分钟检查报表计划，生成到期报表并以待阅事项发送给接收人")
