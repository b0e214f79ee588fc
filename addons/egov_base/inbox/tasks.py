from celery import shared_task

from ..context import acting_as


@shared_task(name="egov_base.inbox.send_due_reminders")
def send_due_reminders():
    from .services import send_due_reminders as run

    with acting_as(None, source="task"):
        return run()
