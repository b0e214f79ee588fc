"""Writes of the unified inbox. Other areas and apps call these (see docs/developer/inbox.md)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Task

EVENT_ASSIGNED = "inbox.task_assigned"
EVENT_DUE_SOON = "inbox.task_due_soon"
EVENT_OVERDUE = "inbox.task_overdue"


def _notify(recipients, event, context, obj=None, *, url="", key=None):
    """Send through the notify area. Callers run this after commit (``transaction.on_commit(..., robust=True)``)
    so a failing notification is logged and never undoes the business write. ``key`` makes a repeated send a
    no-op on the notify side too."""
    from egov_base.notify.services import notify

    notify(recipients, event, context, obj=obj, url=url or "", key=key)
    return True


def _obj_ref(obj):
    if obj is None:
        return None, ""
    return ContentType.objects.get_for_model(type(obj)), str(obj.pk)


def task_open(*, obj=None, assignees=None, roles=None, org=None, district=None, kind=Task.Kind.TODO, title,
              url=None, due_at=None, key, source="", notify=True) -> list[Task]:
    """Open inbox tasks. ``assignees``: users, each gets a task; ``roles``: role codes of a group task one
    candidate claims (limited to ``org``'s subtree or ``district`` when given). Idempotent by ``key``: a second
    call with the same key returns the open tasks already there instead of adding duplicates."""
    if not key:
        raise ValidationError(_("待办事项必须有幂等键。"))
    if not assignees and not roles:
        raise ValidationError(_("待办事项必须指定处理人或候选角色。"))
    if kind not in Task.Kind.values:
        raise ValidationError(_("未知的待办类型：%(kind)s") % {"kind": kind})
    ct, object_id = _obj_ref(obj)
    if url is None and obj is not None and hasattr(obj, "get_absolute_url"):
        try:
            url = obj.get_absolute_url()
        except NoReverseMatch:
            url = ""
    base = dict(
        kind=kind, title=str(title)[:255], url=url or "", source=source, key=key, content_type=ct,
        object_id=object_id, due_at=due_at,
    )
    result, created = [], []
    with transaction.atomic():
        if roles:
            targets = [None]
        else:
            seen, targets = set(), []
            for u in assignees:
                if u is not None and u.pk not in seen and u.is_active:
                    seen.add(u.pk)
                    targets.append(u)
        for user in targets:
            existing = Task.objects.filter(key=key, status=Task.Status.OPEN, assignee=user).first()
            if existing is not None:
                result.append(existing)
                continue
            extra = {"assignee": user}
            if user is None:
                extra.update(candidate_roles=list(roles), candidate_org=org, candidate_district=district)
            try:
                with transaction.atomic():
                    task = Task.objects.create(**base, **extra)
            except IntegrityError:  # a concurrent call opened it first
                task = Task.objects.get(key=key, status=Task.Status.OPEN, assignee=user)
                result.append(task)
                continue
            result.append(task)
            created.append(task)
        if notify and created:
            ids = [t.pk for t in created]
            transaction.on_commit(lambda: _notify_opened(ids), robust=True)
    return result


def task_candidates(task: Task):
    """Users who may claim a group task (or the assignee of a personal one)."""
    from egov_base.org.models import User

    if task.assignee_id:
        return User.objects.filter(pk=task.assignee_id)
    qs = User.objects.filter(is_active=True, groups__role__code__in=task.candidate_roles).distinct()
    if task.candidate_org_id:
        qs = qs.filter(organization__path__startswith=task.candidate_org.path)
    if task.candidate_district_id:
        qs = qs.filter(organization__district_id=task.candidate_district_id)
    return qs


def _notify_opened(ids):
    for task in Task.objects.filter(pk__in=ids, status=Task.Status.OPEN).select_related("assignee"):
        recipients = [task.assignee] if task.assignee_id else list(task_candidates(task)[:200])
        if recipients:
            _notify(recipients, EVENT_ASSIGNED, {"task": task, "title": task.title, "url": task.url}, obj=task,
                    url=task.url, key=f"inbox:{task.pk}:assigned")


def _close(tasks, *, status, user=None, result=""):
    now = timezone.now()
    n = 0
    for task in tasks:
        task.status = status
        task.completed_at = now
        task.completed_by = user
        task.result = str(result)[:200]
        task.save(update_fields=["status", "completed_at", "completed_by", "result"])
        n += 1
    return n


def task_complete(*, key=None, task=None, user, result="") -> int:
    """Complete the open task(s) of ``key`` (or one ``task``). The acting user's own task (or the group task)
    becomes 已办 for them; the other assignees' copies of the same step are cancelled. Completing what is
    already closed does nothing (returns 0)."""
    if key is None and task is None:
        raise ValidationError(_("必须指定待办事项或幂等键。"))
    with transaction.atomic():
        if task is not None:
            qs = Task.objects.select_for_update().filter(pk=task.pk, status=Task.Status.OPEN)
            return _close(list(qs), status=Task.Status.DONE, user=user, result=result)
        tasks = list(Task.objects.select_for_update().filter(key=key, status=Task.Status.OPEN).order_by("pk"))
        if not tasks:
            return 0
        mine = [t for t in tasks if user is not None and t.assignee_id == getattr(user, "pk", None)]
        group = [t for t in tasks if t.assignee_id is None]
        done = mine or group or tasks[:1]
        others = [t for t in tasks if t not in done]
        n = _close(done, status=Task.Status.DONE, user=user, result=result)
        _close(others, status=Task.Status.CANCELLED, user=user, result=result)
        return n


def task_cancel(*, key, user=None) -> int:
    """Cancel every open task of ``key`` (the step no longer needs doing)."""
    with transaction.atomic():
        tasks = list(Task.objects.select_for_update().filter(key=key, status=Task.Status.OPEN))
        return _close(tasks, status=Task.Status.CANCELLED, user=user)


def task_mark_read(*, task, user) -> Task:
    """Mark a 待阅 task as read (已阅). Idempotent."""
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.assignee_id != user.pk:
            raise PermissionDenied(_("只能标记本人的待阅事项。"))
        if task.kind != Task.Kind.TOREAD:
            raise ValidationError(_("只有待阅事项可以标记为已阅。"))
        if task.status == Task.Status.OPEN:
            task.status = Task.Status.READ
            task.completed_at = timezone.now()
            task.completed_by = user
            task.save(update_fields=["status", "completed_at", "completed_by"])
        return task


def task_claim(*, task, user) -> Task:
    """Take a group task: it becomes the user's own. Only candidates may claim; a task already claimed by
    someone else raises a clear error."""
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.status != Task.Status.OPEN:
            raise ValidationError(_("该待办已处理或已取消，无需认领。"))
        if task.assignee_id == user.pk:
            return task
        if task.assignee_id is not None:
            raise ValidationError(_("该待办已被 %(name)s 认领。") % {"name": task.assignee})
        if not task_candidates(task).filter(pk=user.pk).exists():
            raise PermissionDenied(_("您不是该待办的候选处理人，不能认领。"))
        task.assignee = user
        task.save(update_fields=["assignee"])
        return task


def send_due_reminders(*, now=None, soon_hours: int = 24) -> dict:
    """Remind assignees of open todos nearing (within ``soon_hours``) or past their due time. Each stage is
    sent once per task (``reminded_stage``)."""
    now = now or timezone.now()
    sent = {"due_soon": 0, "overdue": 0}
    base = Task.objects.filter(status=Task.Status.OPEN, kind=Task.Kind.TODO, due_at__isnull=False)
    stages = [
        ("overdue", 2, EVENT_OVERDUE, base.filter(due_at__lte=now, reminded_stage__lt=2)),
        ("due_soon", 1, EVENT_DUE_SOON,
         base.filter(due_at__gt=now, due_at__lte=now + timedelta(hours=soon_hours), reminded_stage__lt=1)),
    ]
    for name, stage, event, qs in stages:
        for pk in list(qs.values_list("pk", flat=True)[:5000]):
            with transaction.atomic():
                task = Task.objects.select_for_update(skip_locked=True).filter(
                    pk=pk, status=Task.Status.OPEN, reminded_stage__lt=stage).first()
                if task is None:
                    continue
                task.reminded_stage = stage
                task.save(update_fields=["reminded_stage"])
                recipients = [task.assignee] if task.assignee_id else list(task_candidates(task)[:200])
                ctx = {"task": task, "title": task.title, "url": task.url, "due_at": task.due_at}
                transaction.on_commit(lambda r=recipients, e=event, c=ctx, t=task, n=name: _notify(
                    r, e, c, obj=t, url=t.url, key=f"inbox:{t.pk}:{n}"), robust=True)
            sent[name] += 1
    return sent
