"""Reads of the expert pool: specialties, the eligible pool of a draw, visibility, statistics."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov_base.dictionary.selectors import dict_choices, dict_items, dict_label
from egov_base.scope import scope_queryset

from .models import (
    SPECIALTY_DICT,
    TAG_DICT,
    Activity,
    Booking,
    DistrictGrant,
    Expert,
    ExpertLeave,
    normalize_org_name,
)

DEFAULT_RULES = {
    "expert_types": [],          # include (empty = all types)
    "exclude_types": [],
    "tags_include": [],          # at least one of these tags (empty = no condition)
    "tags_exclude": [],          # none of these tags (基于标签屏蔽某类专家)
    "min_score": None,           # minimum evaluation score (1–5); unscored experts allowed unless require_score
    "require_score": False,
    "qualification": "",         # 行业资质 contains
    "avoid_conflict": True,      # employer / past employers related to the applicant or a bidder
    "avoid_same_applicant_months": 0,
    "max_draws": 0,              # at most this many bookings per expert within period_days (0 = no limit)
    "period_days": 90,
}

EXCLUSION_LABELS = {
    "leave": gettext_lazy("请假"),
    "booked": gettext_lazy("同一时段已被抽中"),
    "in_activity": gettext_lazy("本活动已抽中或已拒绝"),
    "type": gettext_lazy("专家类型不符"),
    "tag": gettext_lazy("标签屏蔽/不含所需标签"),
    "score": gettext_lazy("评分低于下限"),
    "qualification": gettext_lazy("行业资质不符"),
    "conflict": gettext_lazy("利益冲突回避"),
    "same_applicant": gettext_lazy("近期服务过同一申报单位"),
    "max_draws": gettext_lazy("超过期间抽取次数上限"),
}


# --- dictionaries -------------------------------------------------------------------------------------------
def specialty_choices():
    return dict_choices(SPECIALTY_DICT)


def tag_choices():
    return dict_choices(TAG_DICT)


def specialty_label(code: str) -> str:
    return dict_label(SPECIALTY_DICT, code, default=code)


def specialty_codes_from_text(values) -> list[str]:
    """Codes from codes or labels (an import cell may hold "信息化规划、网络安全"); unknown names raise."""
    rows = dict_items(SPECIALTY_DICT, include_inactive=True)
    by_code = {r["code"]: r["code"] for r in rows}
    by_label = {r["label"]: r["code"] for r in rows}
    by_label.update({(r.get("label_en") or "").lower(): r["code"] for r in rows if r.get("label_en")})
    out: list[str] = []
    unknown: list[str] = []
    for v in values or []:
        for part in re.split(r"[、，,；;\s]+", str(v)):
            part = part.strip()
            if not part:
                continue
            code = by_code.get(part) or by_label.get(part) or by_label.get(part.lower())
            if code is None:
                unknown.append(part)
            elif code not in out:
                out.append(code)
    if unknown:
        raise ValidationError(_("未知的专业：%(v)s（请使用业务字典“专家专业”中的名称）") % {"v": "、".join(unknown)})
    return out


# --- experts ------------------------------------------------------------------------------------------------
def expert_list(*, user, filters: dict | None = None):
    qs = scope_queryset(Expert.objects.all(), user)
    f = filters or {}
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("specialty"):
        qs = qs.filter(specialties__contains=[f["specialty"]])
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(employer__icontains=f["q"]) | Q(certificate_no=f["q"]))
    return qs


def expert_by_id_card(*, user, id_card: str):
    """Exact-match search on the encrypted ID number through its keyed hash."""
    from egov_base import crypto
    from egov_base.validators import normalize_id_card

    value = normalize_id_card(id_card)
    if not value:
        return Expert.objects.none()
    return scope_queryset(Expert.objects.all(), user).filter(id_card_hash=crypto.keyed_hash(value))


def can_see_drawn(user, activity: Activity) -> bool:
    """The drawn list is hidden until the review meeting is over, except for users with view_drawn_experts."""
    if user.has_perm("egov_expert_pool.view_drawn_experts"):
        return True
    return activity.state == Activity.State.FINISHED and user.has_perm("egov_expert_pool.view_activity")


def activity_queryset(user):
    return scope_queryset(Activity.objects.select_related("organization", "region"), user)


def activity_get(*, user, pk: int) -> Activity:
    return activity_queryset(user).get(pk=pk)


# --- the eligible pool --------------------------------------------------------------------------------------
def _months_before(d: dt.date, months: int) -> dt.date:
    y, m = d.year, d.month - months
    while m <= 0:
        m += 12
        y -= 1
    day = min(d.day, [31, 29 if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31,
                      30, 31, 30, 31][m - 1])
    return dt.date(y, m, day)


def _related(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 4 and short in long_


def _conflict_matcher(names: list[str]):
    """A fast equivalent of ``any(_related(aff, n) for n in names)``: one substring search of the affiliation in the
    joined names (the affiliation is part of a name) and one regex search of the names in the affiliation."""
    import re as _re

    names = [n for n in names if n]
    if not names:
        return None
    exact = set(names)
    joined = "\x00".join(names)
    long_names = [n for n in names if len(n) >= 4]
    pattern = _re.compile("|".join(_re.escape(n) for n in long_names)) if long_names else None

    def hit(aff: str) -> bool:
        if not aff:
            return False
        if aff in exact:
            return True
        if len(aff) >= 4 and aff in joined:
            return True
        return bool(pattern and pattern.search(aff))

    return hit


def conflict_names(activity: Activity, items=None) -> list[str]:
    names = set()
    for item in items if items is not None else activity.items.select_related("applicant_org"):
        if item.applicant_org_id:
            names.add(normalize_org_name(item.applicant_org.name))
        if item.applicant_name:
            names.add(normalize_org_name(item.applicant_name))
        for b in item.bidders or []:
            names.add(normalize_org_name(b))
    return sorted(n for n in names if n)


def eligible_pool(*, activity: Activity, needs: dict[str, int], rules: dict | None = None
                  ) -> tuple[dict[str, list[int]], dict[str, int]]:
    """The experts who may be drawn for ``needs`` ({specialty: count}) of ``activity`` under ``rules``:
    ({specialty: sorted ids}, {exclusion reason: count}). A handful of indexed queries, independent of the
    number of past activities per expert."""
    r = {**DEFAULT_RULES, **(rules if rules is not None else activity.rules or {})}
    specs = sorted(needs)
    rows = list(
        Expert.objects.filter(status=Expert.Status.ACTIVE, specialties__overlap=specs)
        .values_list("pk", "specialties", "expert_type", "tags", "score", "qualification", "affiliations")
    )
    date, half = activity.date, activity.half_day
    on_leave = set(ExpertLeave.objects.filter(start__lte=date, end__gte=date).order_by()
                   .values_list("expert_id", flat=True))
    booked = set(Booking.objects.filter(date=date, half_day=half, status__in=Booking.ACTIVE).order_by()
                 .values_list("expert_id", flat=True))
    in_activity = set(Booking.objects.filter(activity=activity).order_by().values_list("expert_id", flat=True))
    same_applicant: set[int] = set()
    months = int(r.get("avoid_same_applicant_months") or 0)
    items = list(activity.items.select_related("applicant_org"))
    if months > 0:
        org_ids = [i.applicant_org_id for i in items if i.applicant_org_id]
        names = [i.applicant_name for i in items if i.applicant_name and not i.applicant_org_id]
        cond = Q()
        if org_ids:
            cond |= Q(activity__items__applicant_org_id__in=org_ids)
        if names:
            cond |= Q(activity__items__applicant_name__in=names)
        if cond:
            same_applicant = set(
                Booking.objects.filter(cond, status__in=Booking.ACTIVE, date__gte=_months_before(date, months),
                                       date__lte=date).exclude(activity=activity).order_by()
                .values_list("expert_id", flat=True).distinct()
            )
    too_many: set[int] = set()
    max_draws = int(r.get("max_draws") or 0)
    if max_draws > 0:
        start = date - dt.timedelta(days=int(r.get("period_days") or 90))
        too_many = set(
            Booking.objects.filter(status__in=Booking.ACTIVE, date__gte=start, date__lte=date)
            .exclude(activity=activity).order_by().values("expert_id").annotate(n=Count("pk")).filter(n__gte=max_draws)
            .values_list("expert_id", flat=True)
        )
    conflicts = conflict_names(activity, items) if r.get("avoid_conflict", True) else []
    conflict_hit = _conflict_matcher(conflicts)
    activity._ep_conflicts = conflict_names(activity, items)  # reused by the draw's rules snapshot
    types_in = set(r.get("expert_types") or [])
    types_out = set(r.get("exclude_types") or [])
    tags_in = set(r.get("tags_include") or [])
    tags_out = set(r.get("tags_exclude") or [])
    min_score = r.get("min_score")
    min_score = float(min_score) if min_score not in (None, "") else None
    qual = (r.get("qualification") or "").strip()

    excluded: Counter = Counter()
    pool: dict[str, list[int]] = {s: [] for s in specs}
    for pk, specialties, etype, tags, score, qualification, affiliations in rows:
        reason = None
        if pk in in_activity:
            reason = "in_activity"
        elif pk in booked:
            reason = "booked"
        elif pk in on_leave:
            reason = "leave"
        elif (types_in and etype not in types_in) or etype in types_out:
            reason = "type"
        elif (tags_in and not tags_in.intersection(tags or [])) or tags_out.intersection(tags or []):
            reason = "tag"
        elif min_score is not None and (
                (score is None and r.get("require_score")) or (score is not None and float(score) < min_score)):
            reason = "score"
        elif qual and qual not in (qualification or ""):
            reason = "qualification"
        elif conflict_hit is not None and any(conflict_hit(a) for a in affiliations or []):
            reason = "conflict"
        elif pk in same_applicant:
            reason = "same_applicant"
        elif pk in too_many:
            reason = "max_draws"
        if reason:
            excluded[reason] += 1
            continue
        for s in specialties:
            if s in pool:
                pool[s].append(pk)
    return {s: sorted(v) for s, v in pool.items()}, dict(excluded)


# --- district authorisation ---------------------------------------------------------------------------------
def district_grant_current(*, region_id: int, at: dt.datetime | None = None) -> DistrictGrant | None:
    at = at or timezone.now()
    return (DistrictGrant.objects.filter(region_id=region_id, is_open=True, start__lte=at, end__gte=at)
            .order_by("-end").first())


# --- statistics ---------------------------------------------------------------------------------------------
def expert_statistics(*, since: dt.date | None = None, until: dt.date | None = None):
    """Per expert: bookings, confirmed, declined, no answer, decline rate — of finished activities only, so the
    statistics never reveal who is drawn for a meeting that has not taken place."""
    qs = Booking.objects.filter(activity__state=Activity.State.FINISHED)
    if since:
        qs = qs.filter(date__gte=since)
    if until:
        qs = qs.filter(date__lte=until)
    rows = (qs.values("expert_id", "expert__name", "expert__employer")
            .annotate(total=Count("pk"),
                      confirmed=Count("pk", filter=Q(status=Booking.Status.CONFIRMED)),
                      declined=Count("pk", filter=Q(status=Booking.Status.DECLINED)),
                      no_answer=Count("pk", filter=Q(status=Booking.Status.NO_ANSWER)))
            .order_by("-total", "expert__name"))
    out = []
    for r in rows:
        r["decline_rate"] = (r["declined"] + r["no_answer"]) / r["total"] if r["total"] else 0
        out.append(r)
    return out


def specialty_statistics(*, since: dt.date | None = None):
    """Per specialty: active experts, bookings demanded, shortfall (specialties short of experts)."""
    from .models import ActivityDemand

    active = Counter()
    for specs in Expert.objects.filter(status=Expert.Status.ACTIVE).values_list("specialties", flat=True):
        for s in specs:
            active[s] += 1
    demand_qs = ActivityDemand.objects.all()
    if since:
        demand_qs = demand_qs.filter(activity__date__gte=since)
    demanded = dict(demand_qs.values_list("specialty").annotate(n=Count("pk")).values_list("specialty", "n"))
    rows = []
    for code, label in specialty_choices():
        n_active = active.get(code, 0)
        n_demand = demanded.get(code, 0)
        rows.append({"code": code, "label": label, "active": n_active, "activities": n_demand,
                     "short": n_active < 10})
    return rows


def cleanup_candidates(*, threshold: float, min_evaluations: int = 2):
    """清理不合格专家: active or suspended experts whose average score is below ``threshold``."""
    return (Expert.objects.filter(status__in=[Expert.Status.ACTIVE, Expert.Status.SUSPENDED],
                                  score__lt=threshold, eval_count__gte=min_evaluations)
            .order_by("score", "name"))
