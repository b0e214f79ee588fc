"""Writes of the integration area."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .breaker import CircuitBreaker
from .models import ExternalSystem, IntegrationCall


def system_breaker_reset(*, system: ExternalSystem) -> None:
    CircuitBreaker(system.code, failure_threshold=system.failure_threshold, cooldown=system.cooldown_seconds).reset()
    from ..audit.services import record_event

    record_event(action="update", obj=system, message=f"重置熔断器：{system.code}", data={})


def call_log_purge(*, days: int = 90) -> int:
    """Delete call-log rows older than ``days`` (periodic job)."""
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        deleted, _ = IntegrationCall.objects.filter(created_at__lt=cutoff).delete()
    return deleted
