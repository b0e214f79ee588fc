"""Service API of the expert pool, used by other apps (project review's 专家评审 step).

This module is the stable contract: other apps import only from here (never the models), so the pool's inside can
change. Every function is data-scope and permission checked for ``user`` and audited; writes are idempotent where
the docstring says so. ``ExpertPoolError`` carries a Chinese message fit to show the user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class ExpertPoolError(Exception):
    """A refused request (rule, permission, authorisation): ``str(exc)`` is a message for the user."""


@dataclass(frozen=True)
class ReviewItem:
    """One thing under review (评审内容): a proposal of project review or a manually entered item."""
    title: str
    ref: str = ""                       # e.g. "egov_project_review.proposal:42"; "" for manual items
    applicant_org_id: int | None = None  # the applicant unit (conflict of interest)
    bidders: tuple[str, ...] = ()        # companies named in the content (conflict of interest)


@dataclass(frozen=True)
class Demand:
    specialty: str   # dictionary code of the specialty (专业)
    count: int


@dataclass(frozen=True)
class ExpertInfo:
    expert_id: int
    name: str
    specialty_names: tuple[str, ...]
    title: str          # 职称
    employer: str       # 工作单位
    phone_masked: str
    status: str         # confirmed / declined / pending ...


@dataclass
class ActivityInfo:
    activity_id: int
    number: str
    title: str
    state: str
    url: str
    confirmed: list[ExpertInfo] = field(default_factory=list)
    commitment: str = ""


def _info_from(user, activity) -> ActivityInfo:
    from .selectors import can_see_drawn

    draw = activity.draws.order_by("round_no").first()
    return ActivityInfo(
        activity_id=activity.pk, number=activity.number, title=activity.title, state=activity.state,
        url=activity.get_absolute_url(),
        confirmed=_confirmed(activity) if can_see_drawn(user, activity) else [],
        commitment=draw.commitment if draw else "",
    )


def _confirmed(activity) -> list[ExpertInfo]:
    from .models import Booking

    out = []
    for b in activity.bookings.filter(status=Booking.Status.CONFIRMED).select_related("expert").order_by("pk"):
        e = b.expert
        out.append(ExpertInfo(expert_id=e.pk, name=e.name, specialty_names=tuple(e.specialty_names),
                              title=e.get_title_display(), employer=e.employer, phone_masked=e.phone_masked,
                              status=b.status))
    return out


def _activity(user, activity_id: int):
    from .models import Activity
    from .selectors import activity_queryset

    if not user.has_perm("egov_expert_pool.view_activity"):
        raise ExpertPoolError(_("您没有查看专家抽取活动的权限。"))
    try:
        return activity_queryset(user).get(pk=activity_id)
    except Activity.DoesNotExist:
        raise ExpertPoolError(_("抽取活动不存在或不在您的数据范围内。")) from None


def _wrap(func):
    """Turn refusals of the services into ExpertPoolError with the Chinese message."""
    from django.core.exceptions import PermissionDenied, ValidationError

    try:
        return func()
    except ValidationError as exc:
        raise ExpertPoolError("；".join(str(m) for m in exc.messages)) from exc
    except PermissionDenied as exc:
        raise ExpertPoolError(str(exc) or _("您没有执行此操作的权限。")) from exc


def activity_create_for_review(*, user, source_key: str, title: str, items: list[ReviewItem], date: dt.date,
                               half_day: str, place: str, demands: list[Demand], rules: dict | None = None,
                               region_id: int | None = None) -> ActivityInfo:
    """Create (or return the existing one for the same ``source_key``, idempotent) an extraction activity.
    ``half_day`` is "am" or "pm". ``region_id``: the district on whose behalf the draw happens (None = city);
    a district may use the city library only while authorised, else ExpertPoolError."""
    from egov_base.org.models import Organization, Region

    from . import services
    from .models import Activity

    if not source_key:
        raise ExpertPoolError(_("缺少来源标识（source_key）。"))
    existing = Activity.objects.filter(source_key=source_key).first()
    if existing is not None:
        return _info_from(user, existing)
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=[i.applicant_org_id for i in items if i.applicant_org_id])}
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    if region_id and region is None:
        raise ExpertPoolError(_("区(市)县不存在。"))
    data = {"title": title, "date": date, "half_day": half_day, "place": place,
            "organization": getattr(user, "organization", None), "region": region, "rules": rules or {}}
    item_rows = [{"title": i.title, "ref": i.ref, "applicant_org": orgs.get(i.applicant_org_id),
                  "applicant_name": orgs[i.applicant_org_id].name if i.applicant_org_id in orgs else "",
                  "bidders": list(i.bidders)} for i in items]
    activity = _wrap(lambda: services.activity_create(
        user=user, data=data, items=item_rows, demands=[{"specialty": d.specialty, "count": d.count} for d in demands],
        source_key=source_key))
    return _info_from(user, activity)


def activity_draw(*, user, activity_id: int) -> ActivityInfo:
    """Fix the pool, publish the commitment, draw by the rules and start confirmation (calls/SMS)."""
    from . import services

    activity = _activity(user, activity_id)
    _wrap(lambda: services.activity_draw(user=user, activity=activity))
    activity.refresh_from_db()
    return _info_from(user, activity)


def activity_get(*, user, activity_id: int) -> ActivityInfo:
    """State of the activity with the confirmed experts (hidden fields per the caller's rights)."""
    return _info_from(user, _activity(user, activity_id))


def activity_confirmed(*, user, activity_id: int) -> list[ExpertInfo]:
    from .selectors import can_see_drawn

    activity = _activity(user, activity_id)
    if not can_see_drawn(user, activity):
        raise ExpertPoolError(_("抽取名单在评审会议结束前保密。"))
    return _confirmed(activity)


def activity_record_result(*, user, activity_id: int, passed: bool, opinion: str, minutes=None) -> ActivityInfo:
    """Record the offline review result (and minutes file, an UploadedFile or None); closes the meeting so the drawn
    list becomes visible to those allowed to see it after the meeting."""
    from . import services

    activity = _activity(user, activity_id)
    activity = _wrap(lambda: services.activity_record_result(user=user, activity=activity, passed=passed,
                                                             opinion=opinion, minutes=minutes))
    return _info_from(user, activity)


def district_authorised(*, region_id: int, at: dt.datetime | None = None) -> bool:
    """Whether the district (Region id) may draw from the city expert library at ``at`` (default now)."""
    from .selectors import district_grant_current

    return district_grant_current(region_id=region_id, at=at) is not None


def activity_fees(*, user, activity_id: int) -> dict:
    """专家费 of a finished activity for the project ledger: {"total": Decimal, "experts": [(name, fee), ...]}.
    Empty before the meeting is over (fees are set when the result is recorded)."""
    from decimal import Decimal

    from .models import Activity, Booking

    activity = _activity(user, activity_id)
    if activity.state != Activity.State.FINISHED:
        return {"total": Decimal("0"), "experts": []}
    rows = [(b.expert.name, b.fee) for b in activity.bookings.filter(status=Booking.Status.CONFIRMED)
            .select_related("expert").order_by("pk")]
    return {"total": sum((f for _n, f in rows), Decimal("0")), "experts": rows}
