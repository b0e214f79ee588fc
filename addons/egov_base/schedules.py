"""Periodic jobs as data: areas declare them here; ``manage.py egov_sync_schedules`` (run by the start
command and after deploys) creates or updates the django-celery-beat rows, which administrators can then
retime or disable in the backend without code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str
    every_seconds: int | None = None
    crontab: str | None = None  # "minute hour day_of_month month_of_year day_of_week"
    description: str = ""


_REGISTRY: dict[str, Periodic] = {}


def periodic(name: str, task: str, *, every_seconds: int | None = None, crontab: str | None = None, description: str = ""):
    _REGISTRY[name] = Periodic(name, task, every_seconds, crontab, description)


def registered() -> list[Periodic]:
    return list(_REGISTRY.values())


def sync_schedules() -> int:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    count = 0
    for p in registered():
        defaults = {"task": p.task, "description": p.description}
        if p.every_seconds:
            interval, _ = IntervalSchedule.objects.get_or_create(every=p.every_seconds, period=IntervalSchedule.SECONDS)
            defaults.update(interval=interval, crontab=None)
        else:
            minute, hour, dom, moy, dow = (p.crontab or "0 2 * * *").split()
            cron, _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_month=dom, month_of_year=moy, day_of_week=dow, timezone="Asia/Shanghai"
            )
            defaults.update(crontab=cron, interval=None)
        # Only create; administrators' later edits (enabled, timing) are kept.
        _obj, created = PeriodicTask.objects.get_or_create(name=p.name, defaults=defaults)
        count += int(created)
    return count
