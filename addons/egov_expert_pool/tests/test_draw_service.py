"""Draw service: rules, conflict avoidance, half-day exclusivity, replacement, invitation, district grants."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from egov_expert_pool import drawing, selectors, services
from egov_expert_pool.models import Activity, Booking, DistrictGrantUse, Draw, ExpertLeave

pytestmark = pytest.mark.django_db


def _draw(activity, user, run_commit):
    run_commit(services.activity_commit, user=user, activity=activity)
    return run_commit(services.activity_execute, user=user, activity=activity)


def test_commit_then_execute_books_and_verifies(make_expert, make_activity, reviewer, run_commit):
    experts = [make_expert() for _ in range(6)]
    activity = make_activity()
    draw = run_commit(services.activity_commit, user=reviewer, activity=activity)
    activity.refresh_from_db()
    assert activity.state == Activity.State.COMMITTED
    assert draw.pool_size == 6 and draw.seed == "" and draw.seed_secret
    assert draw.commitment == drawing.commitment(seed_hash_hex=draw.seed_hash, rules=draw.rules, needs=draw.needs,
                                                 pool=draw.pool)
    run_commit(services.activity_execute, user=reviewer, activity=activity)
    draw.refresh_from_db()
    activity.refresh_from_db()
    assert draw.seed and draw.seed_secret == "" and drawing.seed_hash(draw.seed) == draw.seed_hash
    assert activity.state == Activity.State.CONFIRMING
    booked = list(activity.bookings.values_list("expert_id", flat=True))
    assert len(booked) == 2 and set(booked) <= {e.pk for e in experts}
    assert sorted(booked) == sorted(draw.result["security"])
    res = drawing.verify(seed=draw.seed, seed_hash_hex=draw.seed_hash, commitment_hex=draw.commitment,
                         rules=draw.rules, needs=draw.needs, pool=draw.pool, result=draw.result)
    assert res.ok


def test_double_click_draws_once(make_expert, make_activity, reviewer, run_commit):
    for _ in range(5):
        make_expert()
    activity = make_activity()
    d1 = run_commit(services.activity_commit, user=reviewer, activity=activity)
    d2 = run_commit(services.activity_commit, user=reviewer, activity=activity)
    assert d1.pk == d2.pk
    run_commit(services.activity_execute, user=reviewer, activity=activity)
    run_commit(services.activity_execute, user=reviewer, activity=activity)
    assert activity.bookings.count() == 2 and Draw.objects.filter(activity=activity).count() == 1


def test_conflict_of_interest_excluded(make_expert, make_activity, reviewer, run_commit, orgs):
    applicant_staff = make_expert(employer=orgs["city"].name)
    bidder_staff = make_expert(employer="四川长虹电子", past=["成都天府软件有限公司"])
    bidder_branch = make_expert(employer="成都天府软件有限公司高新分公司")
    clean = [make_expert(employer="电子科技大学") for _ in range(3)]
    activity = make_activity(demands=[{"specialty": "security", "count": 3}])
    draw = run_commit(services.activity_commit, user=reviewer, activity=activity)
    pool = set(draw.pool["security"])
    assert pool == {e.pk for e in clean}
    assert applicant_staff.pk not in pool and bidder_staff.pk not in pool and bidder_branch.pk not in pool
    assert draw.excluded["conflict"] == 3


def test_conflict_rule_can_be_switched_off(make_expert, make_activity, reviewer, orgs):
    e = make_expert(employer=orgs["city"].name)
    activity = make_activity(rules={"avoid_conflict": False})
    pool, _ex = selectors.eligible_pool(activity=activity, needs={"security": 1})
    assert e.pk in pool["security"]


def test_type_tag_score_leave_rules(make_expert, make_activity, future_date):
    ok = make_expert(tags=["网络安全"], score=4.5)
    manager = make_expert(expert_type="manage", tags=["网络安全"])
    vendor = make_expert(tags=["网络安全", "供应商背景"])
    low = make_expert(tags=["网络安全"], score=2.1)
    untagged = make_expert()
    on_leave = make_expert(tags=["网络安全"])
    ExpertLeave.objects.create(expert=on_leave, start=future_date - dt.timedelta(days=1), end=future_date)
    suspended = make_expert(tags=["网络安全"], status="suspended")
    activity = make_activity(rules={"expert_types": ["tech"], "tags_include": ["网络安全"],
                                    "tags_exclude": ["供应商背景"], "min_score": 3})
    pool, excluded = selectors.eligible_pool(activity=activity, needs={"security": 2})
    assert pool["security"] == [ok.pk]
    assert excluded == {"type": 1, "tag": 2, "score": 1, "leave": 1}
    assert suspended.pk not in pool["security"] and untagged.pk not in pool["security"] and manager.pk != ok.pk
    assert vendor.pk not in pool["security"] and low.pk not in pool["security"]


def test_half_day_exclusivity_across_activities(make_expert, make_activity, reviewer, run_commit, future_date):
    experts = [make_expert() for _ in range(3)]
    a1 = make_activity(demands=[{"specialty": "security", "count": 2}])
    a2 = make_activity(demands=[{"specialty": "security", "count": 2}], title="另一场评审")
    a3 = make_activity(demands=[{"specialty": "security", "count": 2}], half_day="pm", title="下午评审")
    _draw(a1, reviewer, run_commit)
    _draw(a2, reviewer, run_commit)
    _draw(a3, reviewer, run_commit)
    am = list(Booking.objects.filter(date=future_date, half_day="am").values_list("expert_id", flat=True))
    assert len(am) == len(set(am)) == 3, "the morning's three experts are each booked once"
    assert a2.bookings.count() == 1, "only one expert was left for the second morning activity"
    assert a3.bookings.count() == 2, "the afternoon is a different half-day"
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(activity=a2, expert=Booking.objects.filter(activity=a1).first().expert,
                               specialty="security", date=future_date, half_day="am")
    assert {e.pk for e in experts} == set(am)


def test_decline_releases_and_replacement_excludes_decliner(make_expert, make_activity, reviewer, run_commit):
    for _ in range(4):
        make_expert()
    activity = make_activity(demands=[{"specialty": "security", "count": 2}])
    _draw(activity, reviewer, run_commit)
    first = activity.bookings.order_by("pk").first()
    run_commit(services.booking_manual_confirm, user=reviewer, booking=first, accept=False, note="出差")
    first.refresh_from_db()
    assert first.status == Booking.Status.DECLINED
    assert activity.draws.count() == 2 and activity.draws.last().is_replacement
    replacement = activity.draws.get(round_no=2)
    assert first.expert_id not in replacement.pool["security"]
    assert activity.bookings.filter(status__in=Booking.ACTIVE).count() == 2
    # the declined expert may be drawn by another activity in the same half-day
    other = make_activity(title="同时段其他评审", demands=[{"specialty": "security", "count": 1}])
    pool, _ex = selectors.eligible_pool(activity=other, needs={"security": 1})
    assert first.expert_id in pool["security"]
    # a second decline by the same expert changes nothing
    with pytest.raises(ValidationError):
        services.booking_manual_confirm(user=reviewer, booking=first, accept=True)


def test_all_confirmed_makes_activity_ready_and_sends_notice(make_expert, make_activity, reviewer, run_commit):
    from egov_base.notify.models import Delivery

    for _ in range(3):
        make_expert()
    activity = make_activity()
    _draw(activity, reviewer, run_commit)
    for b in activity.bookings.all():
        run_commit(services.booking_manual_confirm, user=reviewer, booking=b, accept=True)
    activity.refresh_from_db()
    assert activity.state == Activity.State.READY
    assert Delivery.objects.filter(event="expert_pool.meeting_notice").count() == 2


def test_same_applicant_and_max_draw_rules(make_expert, make_activity, reviewer, run_commit, future_date, orgs):
    busy = make_expert()
    fresh = make_expert()
    past = Activity.objects.create(number="ZJCQ-T-1", title="历史评审", date=future_date - dt.timedelta(days=30),
                                   half_day="am", place="x", organization=orgs["centre"])
    past.items.create(title="旧项目", applicant_org=orgs["city"])
    Booking.objects.create(activity=past, expert=busy, specialty="security", date=past.date, half_day="am",
                           status=Booking.Status.CONFIRMED)
    activity = make_activity(rules={"avoid_same_applicant_months": 6})
    pool, ex = selectors.eligible_pool(activity=activity, needs={"security": 1})
    assert pool["security"] == [fresh.pk] and ex == {"same_applicant": 1}
    activity2 = make_activity(rules={"max_draws": 1, "period_days": 90}, items=[{"title": "别的项目"}], title="其他")
    pool, ex = selectors.eligible_pool(activity=activity2, needs={"security": 1})
    assert pool["security"] == [fresh.pk] and ex == {"max_draws": 1}


def test_invite_and_direct_registration(make_expert, make_activity, reviewer, run_commit):
    named = make_expert(name="李明")
    other = make_expert()
    activity = make_activity()
    b = run_commit(services.booking_invite, user=reviewer, activity=activity, expert=named, specialty="security",
                   reason="熟悉该系统历史")
    assert b.mode == Booking.Mode.INVITE and b.status == Booking.Status.PENDING
    with pytest.raises(ValidationError):
        services.booking_register(user=reviewer, activity=activity, expert=other, specialty="security", reason="")
    d = run_commit(services.booking_register, user=reviewer, activity=activity, expert=other, specialty="security",
                   reason="紧急评审，经领导同意")
    assert d.status == Booking.Status.CONFIRMED and d.confirmed_via == "direct"
    # the invited expert cannot be invited by another activity in the same half-day
    a2 = make_activity(title="冲突", demands=[{"specialty": "security", "count": 1}])
    with pytest.raises(ValidationError) as exc:
        services.booking_invite(user=reviewer, activity=a2, expert=named, specialty="security")
    assert "同一时段" in str(exc.value)


def test_create_validates_input(reviewer, orgs, dicts):
    with pytest.raises(ValidationError) as exc:
        services.activity_create(user=reviewer, data={"title": "x", "date": timezone.localdate() - dt.timedelta(days=1),
                                                      "half_day": "noon", "place": "", "organization": orgs["centre"]},
                                 items=[], demands=[])
    assert set(exc.value.message_dict) >= {"items", "demands", "date", "half_day"}
    assert Activity.objects.count() == 0


def test_source_key_is_idempotent(make_activity):
    a = make_activity(source_key="egov_project_review.proposal:1:review")
    b = make_activity(source_key="egov_project_review.proposal:1:review")
    assert a.pk == b.pk and Activity.objects.count() == 1


def test_no_permission_refused(make_activity, users, make_expert, run_commit):
    make_expert()
    activity = make_activity()
    with pytest.raises(Exception) as exc:
        services.activity_commit(user=users["dept_user"], activity=activity)
    assert exc.type.__name__ == "PermissionDenied"


def test_district_needs_grant(make_expert, make_activity, make_user, regions, run_commit, expert_admin):
    make_expert()
    district_user = make_user("jj_reviewer", "district_admin", "jinjiang")
    region = regions["锦江区"]
    with pytest.raises(ValidationError):
        make_activity(user=district_user, region=region, organization=district_user.organization)
    with pytest.raises(ValidationError):  # leaving the district out does not bypass the authorisation
        make_activity(user=district_user, organization=district_user.organization)
    now = timezone.now()
    grant = services.district_grant_open(user=expert_admin, region=region, start=now - dt.timedelta(days=1),
                                         end=now + dt.timedelta(days=30), letter_no="锦政审函〔2026〕12号")
    activity = make_activity(user=district_user, region=region, organization=district_user.organization,
                             demands=[{"specialty": "security", "count": 1}])
    _draw(activity, district_user, run_commit)
    assert set(DistrictGrantUse.objects.filter(grant=grant).values_list("action", flat=True)) == {
        "open", "create", "commit", "draw"}
    services.district_grant_close(user=expert_admin, grant=grant)
    from egov_expert_pool.service_api import district_authorised

    assert not district_authorised(region_id=region.pk)
    with pytest.raises(ValidationError):
        make_activity(user=district_user, region=region, organization=district_user.organization, title="再次")
