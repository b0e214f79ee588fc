"""Reads of the workflow area: process trace, approval instances and steps."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from .models import ApprovalInstance, ApprovalStep, ProcessLog


def process_logs(obj):
    ct = ContentType.objects.get_for_model(type(obj))
    return ProcessLog.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor").order_by(
        "created_at", "pk")


def has_process_logs(obj) -> bool:
    return process_logs(obj).exists()


def process_trace(obj) -> list[dict]:
    """Timeline rows: each log with ``duration`` = time spent in the step before it (since the previous
    row)."""
    rows, prev = [], None
    for log in process_logs(obj):
        rows.append({"log": log, "duration": (log.created_at - prev) if prev else None})
        prev = log.created_at
    return rows


def approval_instances(obj):
    ct = ContentType.objects.get_for_model(type(obj))
    return ApprovalInstance.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("chain")


def approval_current(obj):
    """The running instance, else the latest one, or None."""
    qs = approval_instances(obj)
    return qs.filter(status=ApprovalInstance.Status.RUNNING).first() or qs.order_by("-started_at").first()


def my_pending_steps(instance, user):
    if user is None or not user.is_authenticated:
        return ApprovalStep.objects.none()
    return instance.steps.filter(status=ApprovalStep.Status.PENDING, assignee=user)


def format_duration(delta) -> str:
    if delta is None:
        return ""
    secs = int(delta.total_seconds())
    days, rem = divmod(secs, 86400)
    hours, rem = divmod(rem, 3600)
    minutes = rem // 60
    parts = []
    if days:
        parts.append(f"{days}天")
    if hours:
        parts.append(f"{hours}小时")
    if minutes and not days:
        parts.append(f"{minutes}分钟")
    return "".join(parts) or "不足1分钟"
