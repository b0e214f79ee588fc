"""Reads of the notify area."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from ..scope import scope_queryset
from .models import Channel, Delivery, Message
from .registry import events


def unread_count(user) -> int:
    """Unread in-app messages of ``user`` (the bell badge). 0 for anonymous users."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()


def message_list(*, user, unread_only: bool = False):
    qs = Message.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    # unread first, then newest
    return qs.order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")


def message_get(*, user, pk: int) -> Message:
    return Message.objects.get(recipient=user, pk=pk)


def delivery_list(*, user, channel: str = "", status: str = "", event: str = "", q: str = "", since=None, until=None):
    qs = scope_queryset(Delivery.objects.select_related("recipient"), user)
    if channel:
        qs = qs.filter(channel=channel)
    if status:
        qs = qs.filter(status=status)
    if event:
        qs = qs.filter(event=event)
    if q:
        qs = qs.filter(Q(recipient__name__icontains=q) | Q(recipient__username__icontains=q) | Q(subject__icontains=q)
                       | Q(address__icontains=q) | Q(object_ref=q))
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lt=until)
    return qs.order_by("-created_at", "-id")


def delivery_stats(*, user, since=None) -> list[dict]:
    """Per channel: total and counts per status, success rate (%) over ``since`` (default 7 days)."""
    since = since or timezone.now() - timedelta(days=7)
    qs = scope_queryset(Delivery.objects.filter(created_at__gte=since), user)
    statuses = [s for s, _l in Delivery.Status.choices]
    agg = qs.values("channel").annotate(total=Count("id"), **{s: Count("id", filter=Q(status=s)) for s in statuses})
    out = []
    for row in sorted(agg, key=lambda r: r["channel"]):
        done = row["sent"] + row["failed"]
        row["success_rate"] = round(100.0 * row["sent"] / done, 1) if done else None
        row["label"] = dict(Channel.choices).get(row["channel"], row["channel"])
        out.append(row)
    return out


def event_choices() -> list[tuple[str, str]]:
    return [(e.code, f"{e.name} ({e.code})") for e in events()]
