"""Reads of the unified inbox, always limited to the current user's own and claimable tasks."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from .models import Task

BOXES = ("todo", "done", "toread", "read")


def _claimable_q(user) -> Q:
    codes = list(user.role_codes) if hasattr(user, "role_codes") else []
    if not codes:
        return Q(pk__in=[])
    q = Q(assignee__isnull=True, candidate_roles__overlap=codes)
    org = user.organization if getattr(user, "organization_id", None) else None
    if org is None:
        return q & Q(candidate_org__isnull=True, candidate_district__isnull=True)
    org_ok = Q(candidate_org__isnull=True) | Q(candidate_org__pk__in=[int(p) for p in (org.path or "").split(".") if p.isdigit()] or [org.pk])
    district_ok = Q(candidate_district__isnull=True) | Q(candidate_district_id=org.district_id)
    return q & org_ok & district_ok


def visible_tasks(user):
    """Every task of ``user``: assigned to them, claimable by them, or completed by them."""
    if user is None or not user.is_authenticated:
        return Task.objects.none()
    return Task.objects.filter(Q(assignee=user) | _claimable_q(user) | Q(completed_by=user))


def _box_q(user, box) -> Q:
    if box == "todo":
        return Q(kind=Task.Kind.TODO, status=Task.Status.OPEN) & (Q(assignee=user) | _claimable_q(user))
    if box == "done":
        return Q(kind=Task.Kind.TODO, status=Task.Status.DONE, completed_by=user)
    if box == "toread":
        return Q(kind=Task.Kind.TOREAD, status=Task.Status.OPEN, assignee=user)
    if box == "read":
        return Q(kind=Task.Kind.TOREAD, status=Task.Status.READ, assignee=user)
    raise ValueError(box)


def inbox_counts(user) -> dict:
    """{"todo": n, "done": n, "toread": n, "read": n, "overdue": n} in one query."""
    if user is None or not user.is_authenticated:
        return {b: 0 for b in (*BOXES, "overdue")}
    now = timezone.now()
    agg = Task.objects.aggregate(
        todo=Count("pk", filter=_box_q(user, "todo")),
        done=Count("pk", filter=_box_q(user, "done")),
        toread=Count("pk", filter=_box_q(user, "toread")),
        read=Count("pk", filter=_box_q(user, "read")),
        overdue=Count("pk", filter=_box_q(user, "todo") & Q(due_at__lt=now)),
    )
    return agg


def inbox_list(user, box="todo", *, source=None, overdue=None, q=None):
    """Tasks of one box, newest first (open todos: most urgent first)."""
    if box not in BOXES:
        box = "todo"
    if user is None or not user.is_authenticated:
        return Task.objects.none()
    qs = Task.objects.filter(_box_q(user, box)).select_related("assignee", "completed_by", "content_type")
    if source:
        qs = qs.filter(source=source)
    if overdue:
        if box == "todo":
            qs = qs.filter(due_at__lt=timezone.now())
        else:
            qs = qs.filter(due_at__isnull=False, completed_at__gt=models_F("due_at"))
    if q:
        qs = qs.filter(title__icontains=q)
    if box == "todo":
        from django.db.models import F

        return qs.order_by(F("due_at").asc(nulls_last=True), "-created_at")
    if box in ("done", "read"):
        return qs.order_by("-completed_at")
    return qs.order_by("-created_at")


def models_F(name):
    from django.db.models import F

    return F(name)


def inbox_sources(user) -> list[str]:
    return sorted(set(visible_tasks(user).exclude(source="").values_list("source", flat=True).distinct()))


def task_for_user(user, pk):
    """A task the user may open (404 otherwise, through the caller)."""
    return visible_tasks(user).filter(pk=pk).first()
