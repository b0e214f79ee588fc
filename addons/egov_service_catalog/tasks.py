"""Celery tasks of the service catalog's operations side: thin wrappers around services."""

from celery import shared_task


@shared_task(name="egov_service_catalog.sync_resource_pools", ignore_result=True)
def sync_resource_pools():
    from egov_base.context import acting_as

    from .services.resources import pools_sync_all

    with acting_as(None, source="task"):
        results = pools_sync_all()
    return {"ok": sum(r.ok for r in results), "failed": sum(not r.ok for r in results)}


@shared_task(name="egov_service_catalog.generate_service_reports", ignore_result=True)
def generate_service_reports():
    from .services.reports import reports_generate_due

    return reports_generate_due()


@shared_task(name="egov_service_catalog.expire_contracts", ignore_result=True)
def expire_contracts():
    from egov_base.context import acting_as

    from .services.outsourcing import contracts_expire

    with acting_as(None, source="task"):
        return contracts_expire()
