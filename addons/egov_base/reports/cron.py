"""A small crontab matcher (``minute hour day_of_month month day_of_week``; ``*``, ``*/n``, ``a-b``,
``a,b``; day of week 0-6 with 0 = Sunday, 7 also Sunday) for report schedules."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def _field(expr: str, lo: int, hi: int) -> set[int]:
    values: set[int] = set()
    for part in expr.split(","):
        step = 1
        if "/" in part:
            part, step_s = part.split("/", 1)
            step = int(step_s)
            if step < 1:
                raise ValueError
        if part in ("*", ""):
            a, b = lo, hi
        elif "-" in part:
            a, b = (int(x) for x in part.split("-", 1))
        else:
            a = b = int(part)
        if a < lo or b > hi or a > b:
            raise ValueError
        values.update(range(a, b + 1, step))
    return values


def parse(expr: str) -> list[set[int]]:
    parts = (expr or "").split()
    if len(parts) != 5:
        raise ValidationError(_("crontab 表达式应为 5 段：分 时 日 月 周，例如“0 8 * * 1”。"), code="cron")
    try:
        fields = [_field(p, lo, hi) for p, (lo, hi) in zip(parts, _RANGES)]
    except ValueError:
        raise ValidationError(_("crontab 表达式无效：%(expr)s") % {"expr": expr}, code="cron") from None
    if 7 in fields[4]:
        fields[4].add(0)
    return fields


def matches(fields, moment: dt.datetime) -> bool:
    minute, hour, dom, month, dow = fields
    return (moment.minute in minute and moment.hour in hour and moment.day in dom and moment.month in month
            and (moment.isoweekday() % 7) in dow)


def last_due(expr: str, *, after: dt.datetime, until: dt.datetime, max_minutes: int = 60 * 24 * 8) -> dt.datetime | None:
    """The latest minute in (after, until] matching ``expr`` (local times), or None."""
    fields = parse(expr)
    moment = until.replace(second=0, microsecond=0)
    floor = max(after, until - dt.timedelta(minutes=max_minutes))
    while moment > floor:
        if matches(fields, moment):
            return moment
        moment -= dt.timedelta(minutes=1)
    return None
