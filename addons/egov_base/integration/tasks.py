from celery import shared_task


@shared_task(name="egov_base.integration.purge_call_log")
def purge_call_log(days: int = 90) -> int:
    from .services import call_log_purge

    return call_log_purge(days=days)
