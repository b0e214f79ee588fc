from __future__ import annotations

from ..scope import scope_queryset
from .models import ReportRun, ReportSchedule


def run_list(*, user, code: str | None = None):
    qs = scope_queryset(ReportRun.objects.select_related("requested_by", "schedule"), user)
    if code:
        qs = qs.filter(code=code)
    return qs.order_by("-created_at")


def run_get(*, user, pk: int) -> ReportRun | None:
    return run_list(user=user).filter(pk=pk).first()


def schedule_list(*, user):
    return scope_queryset(ReportSchedule.objects.prefetch_related("recipients"), user).order_by("code", "name")
