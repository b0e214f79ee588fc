"""Warranty expiry reminders (质保到期提醒): a daily task notifies the CI's 负责人 and 管理人 90, 30 and 7 days
before ``attrs.warranty_until`` through egov_base.notify; ``WarrantyReminder`` makes each reminder go out once."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import CI, WarrantyReminder

REMIND_DAYS = (90, 30, 7)
EVENT = "cmdb.warranty_expiring"


def warranty_due(*, today: dt.date | None = None):
    """CIs (not retired) whose warranty ends within the longest reminder window."""
    today = today or timezone.localdate()
    until = today + dt.timedelta(days=max(REMIND_DAYS))
    return (CI.objects.exclude(lifecycle=CI.Lifecycle.RETIRED)
            .filter(attrs__warranty_until__gte=today.isoformat(), attrs__warranty_until__lte=until.isoformat())
            .select_related("ci_class", "owner", "organization"))


def send_warranty_reminders(*, today: dt.date | None = None) -> int:
    """Send due reminders; idempotent (a second run the same day sends nothing). Returns reminders sent."""
    from django.contrib.auth import get_user_model

    from egov_base.notify.services import notify

    today = today or timezone.localdate()
    sent = 0
    User = get_user_model()
    for ci in warranty_due(today=today).iterator(chunk_size=500):
        try:
            expires = dt.date.fromisoformat(str(ci.attrs.get("warranty_until")))
        except ValueError:
            continue
        left = (expires - today).days
        window = min((d for d in REMIND_DAYS if left <= d), default=None)
        if window is None:
            continue
        recipients = []
        if ci.owner_id:
            recipients.append(ci.owner)
        manager = ci.attrs.get("manager")
        if isinstance(manager, int) and manager != ci.owner_id:
            recipients.extend(User.objects.filter(pk=manager, is_active=True))
        if not recipients:
            continue
        try:
            with transaction.atomic():
                WarrantyReminder.objects.create(ci=ci, expires_on=expires, days_before=window)
                notify(recipients, EVENT, {"ci": ci, "days": left, "expires": expires.isoformat(),
                                           "ci_class": ci.ci_class.label},
                       obj=ci, key=f"cmdb:warranty:{ci.pk}:{expires.isoformat()}:{window}")
            sent += 1
        except IntegrityError:
            continue  # already sent for this window
    return sent


try:  # the Celery task (registered when the services are imported at start-up via registrations → api)
    from celery import shared_task

    @shared_task(name="egov_cmdb.send_warranty_reminders")
    def send_warranty_reminders_task() -> int:
        from egov_base.context import acting_as

        with acting_as(None, source="task"):
            return send_warranty_reminders()
except ImportError:  # pragma: no cover
    pass
