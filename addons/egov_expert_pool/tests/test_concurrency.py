"""Half-day exclusivity under two concurrent draws (two real threads, two database connections)."""

import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction

from egov_expert_pool import services
from egov_expert_pool.models import Activity, Booking

pytestmark = pytest.mark.django_db(transaction=True)


def _in_thread(fn, results, key, barrier):
    def run():
        close_old_connections()
        try:
            barrier.wait(timeout=10)
            results[key] = fn()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[key] = exc
        finally:
            connection.close()

    t = threading.Thread(target=run)
    t.start()
    return t


def test_two_concurrent_draws_never_book_an_expert_twice(make_expert, make_activity, reviewer, future_date):
    experts = [make_expert() for _ in range(5)]
    a1 = make_activity(demands=[{"specialty": "security", "count": 3}])
    a2 = make_activity(demands=[{"specialty": "security", "count": 3}], title="并发评审")
    for a in (a1, a2):
        services.activity_commit(user=reviewer, activity=a)  # both pools contain all five experts
    results: dict = {}
    barrier = threading.Barrier(2)
    threads = [_in_thread(lambda a=a: services.activity_execute(user=reviewer, activity=Activity.objects.get(pk=a.pk)),
                          results, a.pk, barrier) for a in (a1, a2)]
    for t in threads:
        t.join(30)
    assert not any(isinstance(v, Exception) for v in results.values()), results
    booked = list(Booking.objects.filter(date=future_date, half_day="am", status__in=Booking.ACTIVE)
                  .values_list("expert_id", flat=True))
    assert len(booked) == len(set(booked)) == 5, "five experts, each booked once across both activities"
    assert set(booked) == {e.pk for e in experts}
    counts = sorted(Booking.objects.filter(activity__in=[a1, a2]).values_list("activity_id", flat=True))
    assert len(counts) == 5


def test_unique_index_refuses_a_concurrent_second_insert(make_expert, make_activity, future_date):
    e = make_expert()
    a1 = make_activity()
    a2 = make_activity(title="第二场")
    results: dict = {}
    barrier = threading.Barrier(2)
    gate = threading.Event()

    def insert(activity, hold):
        with transaction.atomic():
            Booking.objects.create(activity=activity, expert=e, specialty="security", date=future_date, half_day="am")
            if hold:
                gate.wait(2)  # keep the first transaction open while the second inserts
        return "ok"

    t1 = _in_thread(lambda: insert(a1, True), results, "first", barrier)
    t2 = _in_thread(lambda: insert(a2, False), results, "second", barrier)
    import time

    time.sleep(0.5)
    gate.set()
    t1.join(10)
    t2.join(10)
    outcomes = sorted(type(v).__name__ if isinstance(v, Exception) else v for v in results.values())
    assert outcomes == ["IntegrityError", "ok"], results
    assert Booking.objects.filter(expert=e, status__in=Booking.ACTIVE).count() == 1
    assert isinstance([v for v in results.values() if isinstance(v, Exception)][0], IntegrityError)
