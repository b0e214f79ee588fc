"""Celery tasks of the expert pool: thin, idempotent wrappers around services."""

from __future__ import annotations

from celery import shared_task

from egov_base.context import acting_as


@shared_task(name="egov_expert_pool.call_expert")
def call_expert(booking_id: int):
    """Place one automatic call to a drawn expert (does nothing once the booking is answered or the attempts are
    used up, so a redelivered task calls nobody twice)."""
    from .services import call_place

    with acting_as(None, source="task"):
        attempt = call_place(booking_id=booking_id)
    return attempt.call_id if attempt else None


@shared_task(name="egov_expert_pool.replacement_draw")
def replacement_draw(activity_id: int):
    """补抽 after a decline / no answer; no-op without a shortfall."""
    from .services import replacement_draw as run

    with acting_as(None, source="task"):
        return [b.pk for b in run(activity_id=activity_id)]


@shared_task(name="egov_expert_pool.sweep_calls")
def sweep_calls():
    """Periodic: calls without a callback past the timeout count as not answered (retry or replace)."""
    from .services import calls_sweep

    with acting_as(None, source="task"):
        return calls_sweep()
