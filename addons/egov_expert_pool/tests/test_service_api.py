"""The service API used by project review (service_api.py), evaluations, cleanup and fees."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from egov_expert_pool import selectors, service_api, services
from egov_expert_pool.models import Booking, Expert

pytestmark = pytest.mark.django_db


def _create(user, future_date, orgs, key="egov_project_review.proposal:42:review", **kw):
    return service_api.activity_create_for_review(
        user=user, source_key=key, title="成都市智慧医疗平台建设方案专家评审",
        items=[service_api.ReviewItem(title="智慧医疗平台建设方案", ref="egov_project_review.proposal:42",
                                      applicant_org_id=orgs["city"].pk, bidders=("成都天府软件有限公司",))],
        date=future_date, half_day="pm", place="成都市大数据中心 3 楼会议室",
        demands=[service_api.Demand(specialty="security", count=2)], rules={"tags_exclude": ["供应商背景"]}, **kw)


def test_full_cycle_through_service_api(reviewer, make_expert, future_date, orgs, run_commit):
    for _ in range(4):
        make_expert()
    conflicted = make_expert(employer=orgs["city"].name)
    info = _create(reviewer, future_date, orgs)
    again = _create(reviewer, future_date, orgs)
    assert info.activity_id == again.activity_id and info.number.startswith("ZJCQ-")
    assert info.state == "draft" and info.url.endswith(f"/activity/{info.activity_id}/")
    drawn = run_commit(service_api.activity_draw, user=reviewer, activity_id=info.activity_id)
    assert drawn.state == "confirming" and len(drawn.commitment) == 64 and drawn.confirmed == []
    bookings = Booking.objects.filter(activity_id=info.activity_id)
    assert conflicted.pk not in set(bookings.values_list("expert_id", flat=True))
    for b in bookings:
        run_commit(services.booking_manual_confirm, user=reviewer, booking=b, accept=True)
    got = service_api.activity_get(user=reviewer, activity_id=info.activity_id)
    assert got.state == "ready" and len(got.confirmed) == 2
    confirmed = service_api.activity_confirmed(user=reviewer, activity_id=info.activity_id)
    assert {c.status for c in confirmed} == {"confirmed"} and "****" in confirmed[0].phone_masked
    assert confirmed[0].specialty_names[0] == "网络安全"
    done = service_api.activity_record_result(user=reviewer, activity_id=info.activity_id, passed=True,
                                              opinion="方案可行，建议完善等保三级测评安排。")
    assert done.state == "finished"
    assert all(b.fee > 0 for b in Booking.objects.filter(activity_id=info.activity_id))
    fees = service_api.activity_fees(user=reviewer, activity_id=info.activity_id)
    assert fees["total"] == sum(f for _n, f in fees["experts"]) and len(fees["experts"]) == 2


def test_service_api_refusals(users, reviewer, future_date, orgs, dicts):
    with pytest.raises(service_api.ExpertPoolError):
        _create(users["dept_user"], future_date, orgs, key="k1")
    info = _create(reviewer, future_date, orgs, key="k2")
    with pytest.raises(service_api.ExpertPoolError) as exc:
        service_api.activity_draw(user=reviewer, activity_id=info.activity_id)  # empty library
    assert "没有可抽取的专家" in str(exc.value)
    with pytest.raises(service_api.ExpertPoolError):
        service_api.activity_get(user=users["jj_admin"], activity_id=info.activity_id)  # out of scope
    with pytest.raises(service_api.ExpertPoolError):
        service_api.activity_confirmed(user=users["leader"], activity_id=info.activity_id)
    with pytest.raises(service_api.ExpertPoolError) as exc:
        _create(reviewer, future_date, orgs, key="k3", region_id=orgs["qingyang"].region_id)
    assert "授权" in str(exc.value)


def test_district_authorised(regions, expert_admin):
    region = regions["青羊区"]
    now = timezone.now()
    assert not service_api.district_authorised(region_id=region.pk)
    services.district_grant_open(user=expert_admin, region=region, start=now, end=now + dt.timedelta(days=10))
    assert service_api.district_authorised(region_id=region.pk)
    assert not service_api.district_authorised(region_id=region.pk, at=now + dt.timedelta(days=11))
    with pytest.raises(ValidationError):  # overlapping grant
        services.district_grant_open(user=expert_admin, region=region, start=now, end=now + dt.timedelta(days=3))


def test_evaluation_feeds_score_and_cleanup(reviewer, make_expert, make_activity, run_commit):
    e1, e2 = make_expert(), make_expert()
    activity = make_activity()
    run_commit(services.activity_commit, user=reviewer, activity=activity)
    run_commit(services.activity_execute, user=reviewer, activity=activity)
    b1, b2 = activity.bookings.order_by("pk")
    with pytest.raises(ValidationError):
        services.evaluation_save(user=reviewer, booking=b1, scores={"punctuality": 5, "professionalism": 5,
                                                                   "opinion_quality": 5, "discipline": 5})
    for b in (b1, b2):
        run_commit(services.booking_manual_confirm, user=reviewer, booking=b, accept=True)
    services.activity_record_result(user=reviewer, activity=activity, passed=True, opinion="通过")
    with pytest.raises(ValidationError):
        services.evaluation_save(user=reviewer, booking=b1, scores={"punctuality": 9, "professionalism": 5,
                                                                   "opinion_quality": 5, "discipline": 5})
    services.evaluation_save(user=reviewer, booking=b1, scores={"punctuality": 2, "professionalism": 2,
                                                               "opinion_quality": 3, "discipline": 1})
    services.evaluation_save(user=reviewer, booking=b1, scores={"punctuality": 2, "professionalism": 2,
                                                               "opinion_quality": 2, "discipline": 2})  # re-save
    low = Expert.objects.get(pk=b1.expert_id)
    assert low.score == Decimal("2.00") and low.eval_count == 1
    Expert.objects.filter(pk=low.pk).update(eval_count=2)
    assert low.pk in [e.pk for e in selectors.cleanup_candidates(threshold=3)]
    # min score rule now excludes the low-scored expert
    a2 = make_activity(rules={"min_score": 3}, title="下一场", half_day="pm")
    pool, ex = selectors.eligible_pool(activity=a2, needs={"security": 1})
    assert low.pk not in pool["security"] and ex.get("score") == 1
    assert {e1.pk, e2.pk} >= {b1.expert_id, b2.expert_id}


def test_cancel_releases_bookings(reviewer, make_expert, make_activity, run_commit):
    make_expert()
    make_expert()
    activity = make_activity()
    run_commit(services.activity_commit, user=reviewer, activity=activity)
    run_commit(services.activity_execute, user=reviewer, activity=activity)
    with pytest.raises(ValidationError):
        services.activity_cancel(user=reviewer, activity=activity, reason="")
    services.activity_cancel(user=reviewer, activity=activity, reason="项目撤回")
    assert not activity.bookings.filter(status__in=Booking.ACTIVE).exists()
