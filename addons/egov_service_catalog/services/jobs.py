"""Celery tasks of the core side (thin wrappers around the services). Imported from registrations so the
worker registers them; the schedule is declared there with ``egov_base.schedules.periodic``."""

from celery import shared_task

from egov_base.context import acting_as


@shared_task(name="egov_service_catalog.request_check_sla")
def request_check_sla():
    from .requests import request_check_sla as run

    with acting_as(None, source="task"):
        return run()
