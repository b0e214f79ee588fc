from celery import shared_task

from ..context import acting_as


@shared_task(name="egov_base.workflow.approval_check_sla")
def approval_check_sla():
    from .approval import approval_check_sla as run

    with acting_as(None, source="task"):
        return run()
