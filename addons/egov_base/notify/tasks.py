"""Celery tasks of the notify area (thin wrappers around services)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils.dateparse import parse_datetime

from .channels import TransientError

MAX_RETRIES = getattr(settings, "NOTIFY_MAX_RETRIES", 5)


@shared_task(bind=True, name="egov_base.notify.send_delivery", autoretry_for=(TransientError,),
             retry_backoff=getattr(settings, "NOTIFY_RETRY_BACKOFF", 30), retry_backoff_max=3600, retry_jitter=True,
             max_retries=MAX_RETRIES, acks_late=True)
def send_delivery(self, delivery_id: int, now: str | None = None) -> str:
    from .services import delivery_send

    final = self.request.retries >= (self.max_retries if self.max_retries is not None else MAX_RETRIES)
    return delivery_send(delivery_id=delivery_id, final_attempt=final, now=parse_datetime(now) if now else None)


@shared_task(name="egov_base.notify.dispatch_due")
def dispatch_due() -> int:
    from .services import dispatch_due as _dispatch

    return _dispatch()
