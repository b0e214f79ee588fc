"""Every write of the expert pool: experts and their review, activities, draws, bookings, confirmation by voice
call / SMS / operator, replacement draws, results, evaluations, district authorisation.

Rules: keyword-only arguments; one ``transaction.atomic()`` per write; rows locked (``select_for_update``) where a
double click or a retry could race; external calls (voice API, SMS) only after commit through Celery."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov_base.audit.services import record_event
from egov_base.context import get_current_user
from egov_base.scope import can_see

from . import drawing, telephony
from .models import (
    Activity,
    ActivityDemand,
    ActivityItem,
    Booking,
    CallAttempt,
    DistrictGrant,
    DistrictGrantUse,
    Draw,
    Evaluation,
    Expert,
    ExpertChange,
    ExpertTitle,
)
from .selectors import DEFAULT_RULES, district_grant_current, eligible_pool, specialty_label

log = logging.getLogger("egov_expert_pool")

FEE_STANDARD = {ExpertTitle.SENIOR: Decimal("1000"), ExpertTitle.VICE: Decimal("800"),
                ExpertTitle.MIDDLE: Decimal("600"), ExpertTitle.OTHER: Decimal("500")}

CHANGE_FIELDS = ["name", "gender", "specialties", "expert_type", "qualification", "title", "employer",
                 "past_employers", "phone", "certificate_no", "notes"]


def _require(user, perm: str):
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


# --- experts ------------------------------------------------------------------------------------------------
def expert_update(*, user, obj: Expert, form) -> Expert:
    """Generic edit: a pending record is changed directly; a change to an approved expert becomes an
    ``ExpertChange`` that a reviewer must approve (the expert itself stays unchanged until then)."""
    _require(user, "egov_expert_pool.change_expert")
    if obj.status == Expert.Status.PENDING:
        with transaction.atomic():
            obj = form.save()
        return obj
    original = Expert.objects.get(pk=obj.pk)
    data = {}
    for name in CHANGE_FIELDS:
        if name not in form.cleaned_data:
            continue
        new = getattr(form.instance, name)
        old = getattr(original, name)
        if new != old:
            data[name] = [old, new]
    new_id = form.instance.id_card if form.instance.id_card != original.id_card else ""
    if not data and not new_id:
        return original
    with transaction.atomic():
        if ExpertChange.objects.select_for_update().filter(expert=original, status=ExpertChange.Status.PENDING).exists():
            raise ValidationError(_("该专家已有待审核的变更，请等待审核后再修改。"))
        change = ExpertChange.objects.create(expert=original, data=data, id_card_enc=new_id)
        record_event(action="update", obj=original, message=_("提交专家信息变更，待审核"),
                     data={"change": change.pk, "fields": sorted(data) + (["id_card"] if new_id else [])})
    return original


def expert_change_review(*, user, change: ExpertChange, approve: bool, comment: str = "") -> ExpertChange:
    _require(user, "egov_expert_pool.review_expert")
    with transaction.atomic():
        change = ExpertChange.objects.select_for_update().select_related("expert").get(pk=change.pk)
        if change.status != ExpertChange.Status.PENDING:
            raise ValidationError(_("该变更已审核，请勿重复提交。"))
        if change.created_by_id and change.created_by_id == user.pk and not user.is_superuser:
            raise ValidationError(_("不能审核自己提交的变更。"))
        if not approve and not comment.strip():
            raise ValidationError(_("驳回时请填写审核意见。"))
        if approve:
            expert = Expert.objects.select_for_update().get(pk=change.expert_id)
            for name, (_old, new) in change.data.items():
                setattr(expert, name, new)
            if change.id_card_enc:
                expert.id_card = change.id_card_enc
            expert.full_clean(exclude=["status"])
            expert.save()
        change.status = ExpertChange.Status.APPROVED if approve else ExpertChange.Status.REJECTED
        change.reviewed_by = user
        change.reviewed_at = timezone.now()
        change.comment = comment.strip()[:200]
        change.id_card_enc = ""
        change.save()
    return change


def expert_tags_set(*, user, expert: Expert, tags: list[str]) -> Expert:
    """有权限的管理员维护已审核专家的标签."""
    _require(user, "egov_expert_pool.edit_expert_tags")
    clean = []
    for t in tags:
        t = str(t).strip()[:32]
        if t and t not in clean:
            clean.append(t)
    with transaction.atomic():
        expert = Expert.objects.select_for_update().get(pk=expert.pk)
        if expert.status == Expert.Status.REMOVED:
            raise ValidationError(_("已清退的专家不能修改标签。"))
        if expert.tags != clean:
            expert.tags = clean
            expert.save(update_fields=["tags", "updated_at"])
    return expert


# --- activities ---------------------------------------------------------------------------------------------
def _clean_rules(rules: dict | None) -> dict:
    r = dict(DEFAULT_RULES)
    for k, v in (rules or {}).items():
        if k in r:
            r[k] = v
    for k in ("expert_types", "exclude_types", "tags_include", "tags_exclude"):
        r[k] = sorted({str(x) for x in (r[k] or []) if str(x).strip()})
    for k in ("avoid_same_applicant_months", "max_draws", "period_days"):
        try:
            r[k] = max(0, int(r[k] or 0))
        except (TypeError, ValueError):
            raise ValidationError({k: _("请输入非负整数。")}) from None
    if r["min_score"] not in (None, ""):
        try:
            r["min_score"] = float(r["min_score"])
        except (TypeError, ValueError):
            raise ValidationError({"min_score": _("最低评分应为 1–5 之间的数字。")}) from None
        if not 0 <= r["min_score"] <= 5:
            raise ValidationError({"min_score": _("最低评分应为 1–5 之间的数字。")})
    else:
        r["min_score"] = None
    r["avoid_conflict"] = bool(r["avoid_conflict"])
    r["require_score"] = bool(r["require_score"])
    r["qualification"] = str(r["qualification"] or "").strip()[:60]
    return r


def district_check(*, user, region_id: int | None, activity: Activity | None = None, action: str = "create"):
    """A district may use the city library only inside an open authorisation period; every use is logged."""
    if not region_id:
        return None
    grant = district_grant_current(region_id=region_id)
    if grant is None:
        raise ValidationError(_("该区(市)县未获得市级专家库授权或授权已过期，不能抽取市级专家。"))
    DistrictGrantUse.objects.create(grant=grant, activity=activity, action=action, user=user)
    return grant


def activity_create(*, user, data: dict, items: list[dict], demands: list[dict], source_key: str = "") -> Activity:
    """``data``: title, date, half_day, place, organization, region (optional), rules.
    ``items``: [{title, ref, applicant_org, applicant_name, bidders}]; ``demands``: [{specialty, count}]."""
    _require(user, "egov_expert_pool.add_activity")
    from egov_base.numbers import next_number
    from egov_base.scope import org_in_scope

    if source_key:
        existing = Activity.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    errors = {}
    if not items or not any((i.get("title") or "").strip() for i in items):
        errors["items"] = _("请至少填写一项评审内容。")
    demand_map: dict[str, int] = {}
    for d in demands or []:
        spec, count = (d.get("specialty") or "").strip(), int(d.get("count") or 0)
        if not spec or count <= 0:
            continue
        demand_map[spec] = demand_map.get(spec, 0) + count
    if not demand_map:
        errors["demands"] = _("请至少设置一个专业的抽取人数。")
    if data.get("date") and data["date"] < timezone.localdate():
        errors["date"] = _("评审日期不能早于今天。")
    if data.get("half_day") not in ("am", "pm"):
        errors["half_day"] = _("请选择上午或下午。")
    org = data.get("organization") or getattr(user, "organization", None)
    if org is None:
        errors["organization"] = _("请选择组织单位。")
    elif not org_in_scope(user, org):
        errors["organization"] = _("组织单位超出您的数据范围。")
    if errors:
        raise ValidationError(errors)
    rules = _clean_rules(data.get("rules"))
    region = data.get("region")
    if region is None and getattr(org, "district_id", None):
        # a district unit always draws on behalf of its district: the city library needs the district's grant
        region = org.district
    with transaction.atomic():
        activity = Activity(
            number=next_number("ZJCQ"), title=data["title"].strip()[:200], date=data["date"],
            half_day=data["half_day"], place=(data.get("place") or "").strip()[:200], organization=org,
            region=region, rules=rules, source_key=source_key,
        )
        activity.full_clean(exclude=["number"])
        try:
            with transaction.atomic():
                activity.save()
        except IntegrityError:
            if source_key:
                return Activity.objects.get(source_key=source_key)
            raise
        for i in items:
            if not (i.get("title") or "").strip():
                continue
            ActivityItem.objects.create(
                activity=activity, title=i["title"].strip()[:200], ref=(i.get("ref") or "")[:120],
                applicant_org=i.get("applicant_org"), applicant_name=(i.get("applicant_name") or "").strip()[:120],
                bidders=[b.strip()[:120] for b in (i.get("bidders") or []) if b and b.strip()],
            )
        for spec, count in demand_map.items():
            ActivityDemand.objects.create(activity=activity, specialty=spec, count=count)
        district_check(user=user, region_id=region.pk if region else None, activity=activity, action="create")
    return activity


def _lock_activity(activity_id: int) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity_id)


def _slot_lock(date: dt.date, half_day: str) -> None:
    """Serialise draws of one half-day (the partial unique index is the hard guarantee; the lock makes the
    second draw see the first one's bookings instead of failing)."""
    key = int.from_bytes(hashlib.sha256(f"egov_expert_pool:{date.isoformat()}:{half_day}".encode()).digest()[:8],
                         "big", signed=True)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _needs(activity: Activity) -> dict[str, int]:
    cached = getattr(activity, "_ep_needs", None)
    if cached is None:
        cached = activity._ep_needs = {d.specialty: d.count for d in activity.demands.all()}
    return dict(cached)


def _booking_counts(activity: Activity) -> tuple[dict[str, int], dict[str, int]]:
    """({specialty: active bookings}, {specialty: confirmed bookings}) in one query."""
    active: dict[str, int] = {}
    confirmed: dict[str, int] = {}
    for spec, status in (Booking.objects.filter(activity=activity, status__in=Booking.ACTIVE).order_by()
                         .values_list("specialty", "status")):
        active[spec] = active.get(spec, 0) + 1
        if status == Booking.Status.CONFIRMED:
            confirmed[spec] = confirmed.get(spec, 0) + 1
    return active, confirmed


def _shortfall(activity: Activity) -> dict[str, int]:
    needs = _needs(activity)
    have, _confirmed = _booking_counts(activity)
    return {s: n - have.get(s, 0) for s, n in needs.items() if n - have.get(s, 0) > 0}


def _commit_round(*, activity: Activity, needs: dict, user, replacement: bool) -> Draw:
    pool, excluded = eligible_pool(activity=activity, needs=needs)
    seed = drawing.new_seed()
    sh = drawing.seed_hash(seed)
    rules = {**activity.rules, "date": activity.date.isoformat(), "half_day": activity.half_day,
             "conflict_names": getattr(activity, "_ep_conflicts", None) or _conflict_names(activity)}
    round_no = (activity.draws.order_by("-round_no").values_list("round_no", flat=True).first() or 0) + 1
    draw = Draw.objects.create(
        activity=activity, round_no=round_no, is_replacement=replacement, rules=rules, needs=needs,
        pool=drawing.normalise_pool(pool), pool_size=len({i for v in pool.values() for i in v}), excluded=excluded,
        seed_hash=sh, seed_secret=seed,
        commitment=drawing.commitment(seed_hash_hex=sh, rules=rules, needs=needs, pool=pool), created_by=user,
    )
    record_event(action="other", obj=activity, message=_("固定抽取池并公示承诺值（第 %(n)s 轮）") % {"n": round_no},
                 data={"draw": draw.pk, "pool_size": draw.pool_size, "commitment": draw.commitment})
    return draw


def _conflict_names(activity: Activity) -> list[str]:
    from .selectors import conflict_names

    return conflict_names(activity)


def _reveal_round(*, draw: Draw, activity: Activity) -> list[Booking]:
    """Reveal the seed, run the deterministic selection and book the chosen experts. An expert booked elsewhere
    meanwhile (between commitment and reveal) is recorded as unavailable and left to the next replacement.
    Bookings are inserted in one statement (the partial unique index still guards the half-day) and audited by
    the one event below, which lists the result."""
    seed = draw.seed_secret
    result = drawing.select(seed=seed, needs=draw.needs, pool=draw.pool)
    now = timezone.now()
    Draw.objects.filter(pk=draw.pk).update(seed=seed, seed_secret="", revealed_at=now, result=result)
    draw.seed, draw.seed_secret, draw.revealed_at, draw.result = seed, "", now, result
    busy = set(Booking.objects.filter(date=activity.date, half_day=activity.half_day, status__in=Booking.ACTIVE)
               .order_by().values_list("expert_id", flat=True))
    rows = []
    unavailable = []
    user = get_current_user()
    for spec, ids in result.items():
        for expert_id in ids:
            if expert_id in busy:
                unavailable.append(expert_id)
                continue
            rows.append(Booking(activity=activity, expert_id=expert_id, draw=draw, specialty=spec,
                                mode=Booking.Mode.RANDOM, date=activity.date, half_day=activity.half_day,
                                created_by=user, updated_by=user))
            busy.add(expert_id)
    created = Booking.objects.bulk_create(rows)
    record_event(action="other", obj=activity, message=_("揭示随机种子并完成抽取（第 %(n)s 轮）") % {"n": draw.round_no},
                 data={"draw": draw.pk, "seed": seed, "result": result, "unavailable": unavailable})
    return created


def _start_calls(bookings: list[Booking]) -> None:
    from . import tasks

    ids = [b.pk for b in bookings if b.status == Booking.Status.PENDING]
    if ids:
        transaction.on_commit(lambda: [tasks.call_expert.delay(i) for i in ids])


def activity_commit(*, user, activity: Activity) -> Draw:
    """Step 1: fix the eligible pool and publish the commitment (hash of seed hash + rules + pool)."""
    _require(user, "egov_expert_pool.draw_activity")
    if not can_see(user, activity):
        raise PermissionDenied
    with transaction.atomic():
        activity = _lock_activity(activity.pk)
        if activity.state != Activity.State.DRAFT:
            draw = activity.draws.order_by("round_no").first()
            if draw is not None:
                return draw
            raise ValidationError(_("活动当前状态不能抽取。"))
        if activity.region_id:
            district_check(user=user, region_id=activity.region_id, activity=activity, action="commit")
        _slot_lock(activity.date, activity.half_day)
        draw = _commit_round(activity=activity, needs=_needs(activity), user=user, replacement=False)
        if draw.pool_size == 0:
            raise ValidationError(_("按当前规则没有可抽取的专家，请调整抽取条件。"))
        _set_state(activity, Activity.State.COMMITTED, audit=False)
    return draw


def activity_execute(*, user, activity: Activity) -> Draw:
    """Step 2: reveal the seed, draw, book, start the confirmation calls; fill what the pool could not."""
    _require(user, "egov_expert_pool.draw_activity")
    if not can_see(user, activity):
        raise PermissionDenied
    with transaction.atomic():
        activity = _lock_activity(activity.pk)
        draw = activity.draws.order_by("round_no").first()
        if activity.state != Activity.State.COMMITTED or draw is None:
            if draw is not None and draw.seed:
                return draw  # double click: already drawn
            raise ValidationError(_("请先固定抽取池并公示承诺值。"))
        if activity.region_id:
            district_check(user=user, region_id=activity.region_id, activity=activity, action="draw")
        _slot_lock(activity.date, activity.half_day)
        created = _reveal_round(draw=draw, activity=activity)
        _set_state(activity, Activity.State.CONFIRMING, audit=False)
        if _shortfall(activity):  # experts booked elsewhere between commitment and reveal, or a short pool
            created += _replacement_round(activity=activity, user=user)
        _start_calls(created)
        _update_state(activity)
    return draw


def activity_draw(*, user, activity: Activity) -> Draw:
    """Both steps at once (service API, replacement-free first draw)."""
    draw = activity_commit(user=user, activity=activity)
    if not draw.seed:
        draw = activity_execute(user=user, activity=activity)
    return draw


def _replacement_round(*, activity: Activity, user) -> list[Booking]:
    need = _shortfall(activity)
    if not need:
        return []
    pool, _excluded = eligible_pool(activity=activity, needs=need)
    if not any(pool.values()):
        return []
    draw = _commit_round(activity=activity, needs=need, user=user, replacement=True)
    return _reveal_round(draw=draw, activity=activity)


def replacement_draw(*, activity_id: int, user=None) -> list[Booking]:
    """补抽: fill the shortfall left by declines / no answers with the same rules; decliners of this activity are
    excluded (they keep a booking row in the activity). Idempotent: nothing happens without a shortfall."""
    with transaction.atomic():
        activity = _lock_activity(activity_id)
        if activity.state not in (Activity.State.CONFIRMING, Activity.State.READY):
            return []
        _slot_lock(activity.date, activity.half_day)
        created = _replacement_round(activity=activity, user=user)
        _start_calls(created)
        _update_state(activity)
    return created


def _update_state(activity: Activity) -> None:
    if activity.state not in (Activity.State.CONFIRMING, Activity.State.READY):
        return
    needs = _needs(activity)
    _active, confirmed = _booking_counts(activity)
    ready = all(confirmed.get(s, 0) >= n for s, n in needs.items())
    state = Activity.State.READY if ready else Activity.State.CONFIRMING
    if state != activity.state:
        _set_state(activity, state)


def _set_state(activity: Activity, state: str, *, audit: bool = True) -> None:
    """State changes of an activity are written with one UPDATE and audited as a transition (``audit=False`` when
    the caller's own event already says it: the commitment and the reveal)."""
    old = activity.state
    activity.state = state
    Activity.objects.filter(pk=activity.pk).update(state=state, updated_at=timezone.now())
    if audit:
            record_event(action="transition", obj=activity,
                     message=f"{Activity.State(old).label} → {Activity.State(state).label}", data={"from": old, "to": state})


def _add_booking(*, user, activity: Activity, expert: Expert, specialty: str, mode: str, reason: str) -> Booking:
    _require(user, "egov_expert_pool.draw_activity")
    if mode == Booking.Mode.DIRECT and not reason.strip():
        raise ValidationError({"reason": _("直接登记必须填写理由。")})
    with transaction.atomic():
        activity = _lock_activity(activity.pk)
        if activity.state in (Activity.State.FINISHED, Activity.State.CANCELLED):
            raise ValidationError(_("活动已结束或已取消。"))
        if specialty not in _needs(activity):
            raise ValidationError({"specialty": _("请选择本活动需要的专业。")})
        if expert.status != Expert.Status.ACTIVE:
            raise ValidationError({"expert": _("只能邀请在库（已审核）的专家。")})
        if Booking.objects.filter(activity=activity, expert=expert).exists():
            raise ValidationError({"expert": _("该专家已在本活动名单中（含已拒绝）。")})
        _slot_lock(activity.date, activity.half_day)
        direct = mode == Booking.Mode.DIRECT
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    activity=activity, expert=expert, specialty=specialty, mode=mode, reason=reason.strip()[:200],
                    date=activity.date, half_day=activity.half_day,
                    status=Booking.Status.CONFIRMED if direct else Booking.Status.PENDING,
                    confirmed_via="direct" if direct else "", responded_at=timezone.now() if direct else None,
                )
        except IntegrityError:
            raise ValidationError({"expert": _("该专家在 %(slot)s 已被其他活动抽中，同一时段只能参加一次。")
                                   % {"slot": activity.slot_label}}) from None
        if activity.state in (Activity.State.DRAFT, Activity.State.COMMITTED) and not activity.draws.exists():
            activity.state = Activity.State.CONFIRMING
            activity.save(update_fields=["state", "updated_at"])
        record_event(action="other", obj=activity, message=_("%(m)s专家：%(e)s") % {
            "m": booking.get_mode_display(), "e": expert.name}, data={"booking": booking.pk, "reason": reason})
        if direct:
            _meeting_notice(booking)
        else:
            _start_calls([booking])
        _update_state(activity)
    return booking


def booking_invite(*, user, activity: Activity, expert: Expert, specialty: str, reason: str = "") -> Booking:
    return _add_booking(user=user, activity=activity, expert=expert, specialty=specialty, mode=Booking.Mode.INVITE,
                        reason=reason)


def booking_register(*, user, activity: Activity, expert: Expert, specialty: str, reason: str) -> Booking:
    return _add_booking(user=user, activity=activity, expert=expert, specialty=specialty, mode=Booking.Mode.DIRECT,
                        reason=reason)


def _meeting_notice(booking: Booking) -> None:
    from egov_base.notify.services import notify

    a = booking.activity
    notify([booking.expert.phone], "expert_pool.meeting_notice",
           {"expert": booking.expert.name, "title": a.title, "slot": a.slot_label, "place": a.place,
            "number": a.number}, key=f"ep:booking:{booking.pk}:notice")


def booking_respond(*, booking: Booking, accept: bool, via: str, user=None, note: str = "") -> tuple[Booking, bool]:
    """The expert's answer. Only a pending booking changes: (booking, changed). A decline releases the half-day
    and triggers a replacement draw after commit; a confirmation sends the meeting notice by SMS."""
    with transaction.atomic():
        b = Booking.objects.select_for_update().select_related("activity", "expert").get(pk=booking.pk)
        if b.status != Booking.Status.PENDING or not b.activity.is_open:
            return b, False
        b.status = Booking.Status.CONFIRMED if accept else Booking.Status.DECLINED
        b.confirmed_via = via
        b.responded_at = timezone.now()
        b.response_note = note.strip()[:200]
        b.save(update_fields=["status", "confirmed_via", "responded_at", "response_note", "updated_at"])
        record_event(action="update", obj=b.activity, message=_("专家%(e)s%(r)s（%(v)s）") % {
            "e": b.expert.name, "r": _("确认参加") if accept else _("明确不参加"), "v": b.get_confirmed_via_display()},
            data={"booking": b.pk, "status": b.status, "via": via})
        if accept:
            _meeting_notice(b)
        else:
            _schedule_replacement(b.activity_id)
        _update_state(b.activity)
    return b, True


def _schedule_replacement(activity_id: int) -> None:
    from . import tasks

    transaction.on_commit(lambda: tasks.replacement_draw.delay(activity_id))


def booking_manual_confirm(*, user, booking: Booking, accept: bool, note: str = "") -> Booking:
    """人工电话确认: the operator records the answer the expert gave on the phone."""
    _require(user, "egov_expert_pool.draw_activity")
    if not can_see(user, booking.activity):
        raise PermissionDenied
    b, changed = booking_respond(booking=booking, accept=accept, via="manual", user=user, note=note)
    if not changed:
        raise ValidationError(_("该专家的答复已记录（当前：%(s)s），无需重复操作。") % {"s": b.get_status_display()})
    return b


def booking_no_answer(*, booking_id: int) -> bool:
    """After the last unanswered attempt: release the booking and replace the expert."""
    with transaction.atomic():
        b = Booking.objects.select_for_update().select_related("activity", "expert").get(pk=booking_id)
        if b.status != Booking.Status.PENDING:
            return False
        b.status = Booking.Status.NO_ANSWER
        b.responded_at = timezone.now()
        b.save(update_fields=["status", "responded_at", "updated_at"])
        record_event(action="update", obj=b.activity, message=_("专家%(e)s %(n)s 次呼叫未接通，启动补抽") % {
            "e": b.expert.name, "n": b.attempts}, data={"booking": b.pk})
        _schedule_replacement(b.activity_id)
        _update_state(b.activity)
    return True


# --- automatic calls ----------------------------------------------------------------------------------------
def call_text(booking: Booking) -> str:
    a = booking.activity
    return _("%(name)s专家您好，成都市大数据中心邀请您于%(slot)s在%(place)s参加“%(title)s”专家评审。"
              "确认参加请按1，不参加请按2。") % {"name": booking.expert.name, "slot": a.slot_label, "place": a.place,
                                            "title": a.title}


def call_place(*, booking_id: int, adapter: telephony.TelephonyAdapter | None = None) -> CallAttempt | None:
    """One automatic call (Celery task body). Reserves the attempt number in one transaction, calls the API
    outside any transaction, stores the carrier's call id."""
    adapter = adapter or telephony.get_adapter()
    with transaction.atomic():
        b = Booking.objects.select_for_update().select_related("activity", "expert").get(pk=booking_id)
        if b.status != Booking.Status.PENDING or b.attempts >= telephony.max_attempts():
            return None
        b.attempts += 1
        b.save(update_fields=["attempts", "updated_at"])
        attempt_no = b.attempts
    result = adapter.place_call(phone=b.expert.phone, text=call_text(b), reference=f"ep-{b.pk}-{attempt_no}")
    status = CallAttempt.Status.REQUESTED
    if adapter.code == "log":
        status = CallAttempt.Status.LOGGED
    elif not result.accepted:
        status = CallAttempt.Status.FAILED
    attempt = CallAttempt.objects.create(booking=b, attempt_no=attempt_no, provider=result.provider,
                                         call_id=result.call_id, status=status, error=result.error)
    if status == CallAttempt.Status.FAILED:
        _after_unanswered(b.pk, attempt_no)
    return attempt


def _after_unanswered(booking_id: int, attempt_no: int) -> None:
    """No answer / no key / failure of attempt ``attempt_no``: SMS fallback once, retry later, or give up."""
    from egov_base.notify.services import notify

    from . import tasks

    b = Booking.objects.select_related("activity", "expert").get(pk=booking_id)
    if b.status != Booking.Status.PENDING:
        return
    a = b.activity
    with transaction.atomic():
        notify([b.expert.phone], "expert_pool.call_fallback",
               {"expert": b.expert.name, "title": a.title, "slot": a.slot_label, "place": a.place,
                "number": a.number}, key=f"ep:booking:{b.pk}:fallback")
    if attempt_no >= telephony.max_attempts():
        booking_no_answer(booking_id=b.pk)
    else:
        tasks.call_expert.apply_async(args=[b.pk], countdown=telephony.retry_minutes() * 60)


def voice_callback(*, event: telephony.CallbackEvent) -> str:
    """Apply a parsed, signature-checked callback. Idempotent by call id: returns what happened —
    ``unknown`` (no such call), ``duplicate``, ``late`` (booking already answered/replaced/closed),
    ``superseded`` (an older attempt's no-answer after a newer call), ``applied``, ``retry``."""
    with transaction.atomic():
        attempt = CallAttempt.objects.select_for_update().filter(call_id=event.call_id).first()
        if attempt is None:
            return "unknown"
        if attempt.callback_at is not None:
            return "duplicate"
        attempt.callback_at = timezone.now()
        attempt.callback = event.raw
        attempt.key_pressed = event.key[:4]
        attempt.status = {"accepted": CallAttempt.Status.ACCEPTED, "declined": CallAttempt.Status.DECLINED,
                          "no_key": CallAttempt.Status.NO_KEY, "no_answer": CallAttempt.Status.NO_ANSWER,
                          }.get(event.outcome, CallAttempt.Status.FAILED)
        b = Booking.objects.select_for_update().get(pk=attempt.booking_id)
        if b.status != Booking.Status.PENDING:
            attempt.effect = "late"
        elif event.outcome in ("accepted", "declined"):
            attempt.effect = "applied"
        elif attempt.attempt_no < b.attempts:
            attempt.effect = "superseded"
        else:
            attempt.effect = "retry"
        attempt.save()
    if attempt.effect == "applied":
        booking_respond(booking=b, accept=event.outcome == "accepted", via="voice",
                        note=_("语音按键 %(k)s") % {"k": event.key})
    elif attempt.effect == "retry":
        _after_unanswered(b.pk, attempt.attempt_no)
    return attempt.effect


def calls_sweep(*, now: dt.datetime | None = None) -> int:
    """Calls without a callback after the timeout count as not answered (lost callbacks never block)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=telephony.timeout_minutes())
    n = 0
    for call_id in CallAttempt.objects.filter(status=CallAttempt.Status.REQUESTED, callback_at__isnull=True,
                                              requested_at__lt=cutoff).values_list("call_id", flat=True)[:500]:
        ev = telephony.CallbackEvent(call_id=call_id, outcome="no_answer", key="", raw={"timeout": True})
        if voice_callback(event=ev) in ("retry", "superseded", "late"):
            n += 1
    return n


# --- meeting end, results, evaluation, fees -----------------------------------------------------------------
def activity_record_result(*, user, activity: Activity, passed: bool, opinion: str, minutes=None) -> Activity:
    _require(user, "egov_expert_pool.change_activity")
    if not can_see(user, activity):
        raise PermissionDenied
    if not (opinion or "").strip():
        raise ValidationError({"opinion": _("请填写评审意见。")})
    with transaction.atomic():
        activity = _lock_activity(activity.pk)
        if activity.state == Activity.State.FINISHED:
            return activity
        if activity.state not in (Activity.State.READY, Activity.State.CONFIRMING):
            raise ValidationError(_("专家尚未抽取，不能录入评审结果。"))
        activity.result_passed = bool(passed)
        activity.result_opinion = opinion.strip()
        activity.state = Activity.State.FINISHED
        activity.finished_at = timezone.now()
        activity.save()
        for b in activity.bookings.filter(status=Booking.Status.CONFIRMED).select_related("expert"):
            b.attended = True if b.attended is None else b.attended
            b.fee = FEE_STANDARD.get(b.expert.title, Decimal("500")) if b.attended else Decimal("0")
            b.save(update_fields=["attended", "fee", "updated_at"])
        activity.bookings.filter(status=Booking.Status.PENDING).update(status=Booking.Status.CANCELLED)
        if minutes is not None:
            from egov_base.files.services import attach

            attach(obj=activity, file=minutes, user=user, purpose="document", comment=_("评审过程记录"))
        record_event(action="other", obj=activity, message=_("录入评审结果：%(r)s") % {
            "r": _("通过") if passed else _("不通过")}, data={"passed": bool(passed)})
    return activity


def activity_cancel(*, user, activity: Activity, reason: str) -> Activity:
    _require(user, "egov_expert_pool.change_activity")
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因。")})
    with transaction.atomic():
        activity = _lock_activity(activity.pk)
        if activity.state in (Activity.State.FINISHED, Activity.State.CANCELLED):
            return activity
        activity.state = Activity.State.CANCELLED
        activity.save(update_fields=["state", "updated_at"])
        activity.bookings.filter(status__in=Booking.ACTIVE).update(status=Booking.Status.CANCELLED)
        record_event(action="other", obj=activity, message=_("取消抽取活动：%(r)s") % {"r": reason.strip()})
    return activity


def booking_set_attendance(*, user, booking: Booking, attended: bool, fee: Decimal | None = None) -> Booking:
    _require(user, "egov_expert_pool.change_activity")
    with transaction.atomic():
        b = Booking.objects.select_for_update().select_related("expert").get(pk=booking.pk)
        if b.status != Booking.Status.CONFIRMED:
            raise ValidationError(_("只有已确认参加的专家可登记到会和专家费。"))
        b.attended = attended
        if fee is not None:
            if fee < 0:
                raise ValidationError({"fee": _("专家费不能为负数。")})
            b.fee = fee
        elif not attended:
            b.fee = Decimal("0")
        b.save(update_fields=["attended", "fee", "updated_at"])
    return b


def evaluation_save(*, user, booking: Booking, scores: dict, comment: str = "") -> Evaluation:
    """专家评估: scores 1–5 for punctuality, professionalism, opinion_quality, discipline. One per booking
    (re-saving updates it); the expert's score is the average of their last 20 evaluations."""
    _require(user, "egov_expert_pool.evaluate_expert")
    keys = ("punctuality", "professionalism", "opinion_quality", "discipline")
    vals = {}
    for k in keys:
        try:
            v = int(scores.get(k))
        except (TypeError, ValueError):
            raise ValidationError({k: _("请打 1–5 分。")}) from None
        if not 1 <= v <= 5:
            raise ValidationError({k: _("请打 1–5 分。")})
        vals[k] = v
    total = (Decimal(sum(vals.values())) / Decimal(len(keys))).quantize(Decimal("0.01"))
    with transaction.atomic():
        b = Booking.objects.select_for_update().select_related("activity", "expert").get(pk=booking.pk)
        if not can_see(user, b.activity):
            raise PermissionDenied
        if b.activity.state != Activity.State.FINISHED or b.status != Booking.Status.CONFIRMED:
            raise ValidationError(_("评审结束后才能对参会专家打分。"))
        ev, _created = Evaluation.objects.update_or_create(
            booking=b, defaults={"expert": b.expert, **vals, "total": total, "comment": comment.strip()[:300]})
        expert = Expert.objects.select_for_update().get(pk=b.expert_id)
        last = list(Evaluation.objects.filter(expert=expert).order_by("-created_at").values_list("total", flat=True)[:20])
        expert.score = (sum(last) / len(last)).quantize(Decimal("0.01")) if last else None
        expert.eval_count = Evaluation.objects.filter(expert=expert).count()
        expert.save(update_fields=["score", "eval_count", "updated_at"])
    return ev


# --- district authorisation ---------------------------------------------------------------------------------
def district_grant_open(*, user, region, start: dt.datetime, end: dt.datetime, letter_no: str = "",
                        reason: str = "") -> DistrictGrant:
    _require(user, "egov_expert_pool.manage_district_grant")
    if region is None or region.level != "district":
        raise ValidationError({"region": _("请选择区(市)县。")})
    if end <= start:
        raise ValidationError({"end": _("授权结束时间应晚于开始时间。")})
    with transaction.atomic():
        overlapping = DistrictGrant.objects.select_for_update().filter(region=region, is_open=True, start__lt=end,
                                                                       end__gt=start)
        if overlapping.exists():
            raise ValidationError(_("该区(市)县在此期间已有开通的授权。"))
        grant = DistrictGrant.objects.create(region=region, start=start, end=end, letter_no=letter_no.strip()[:64],
                                             reason=reason.strip()[:200])
        DistrictGrantUse.objects.create(grant=grant, action="open", user=user)
    return grant


def district_grant_close(*, user, grant: DistrictGrant) -> DistrictGrant:
    _require(user, "egov_expert_pool.manage_district_grant")
    with transaction.atomic():
        grant = DistrictGrant.objects.select_for_update().get(pk=grant.pk)
        if not grant.is_open:
            return grant
        grant.is_open = False
        grant.closed_at = timezone.now()
        grant.closed_by = user
        grant.save()
        DistrictGrantUse.objects.create(grant=grant, action="close", user=user)
    return grant


def specialty_name(code: str) -> str:
    return specialty_label(code)
