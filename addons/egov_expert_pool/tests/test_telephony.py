"""Automatic calls against a local HTTP server playing the carrier; callbacks duplicated, late, out of order,
malformed or badly signed change nothing wrongly."""

import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse

from egov_expert_pool import services
from egov_expert_pool.models import Booking, CallAttempt

pytestmark = pytest.mark.django_db

SECRET = "carrier-callback-secret"


def _reset_breaker():
    from egov_base.integration.breaker import CircuitBreaker

    CircuitBreaker("expert_voice").reset()


@pytest.fixture
def carrier(http_peer, monkeypatch):
    _reset_breaker()
    monkeypatch.setenv("EXPERT_VOICE_API_URL", http_peer.url(""))
    monkeypatch.setenv("EXPERT_VOICE_API_KEY", "voice-key")
    monkeypatch.setenv("EXPERT_VOICE_CALLBACK_SECRET", SECRET)
    monkeypatch.setenv("EXPERT_VOICE_MAX_ATTEMPTS", "2")
    counter = {"n": 0}

    def answer(n=1):
        for _ in range(n):
            counter["n"] += 1
            http_peer.enqueue(json={"code": 0, "call_id": f"CALL-{counter['n']:04d}"})

    http_peer.answer = answer
    yield http_peer
    _reset_breaker()


def _post(client, payload, *, secret=SECRET, ts=None, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    ts = str(int(time.time())) if ts is None else ts
    sig = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return client.post(reverse("egov_expert_pool:voice_callback"), data=body, content_type="application/json",
                       HTTP_X_VOICE_TIMESTAMP=ts, HTTP_X_VOICE_SIGNATURE=sig)


@pytest.fixture
def drawn(make_expert, make_activity, reviewer, run_commit, carrier):
    for _ in range(5):
        make_expert()
    activity = make_activity(demands=[{"specialty": "security", "count": 2}])
    carrier.answer(2)
    run_commit(services.activity_commit, user=reviewer, activity=activity)
    run_commit(services.activity_execute, user=reviewer, activity=activity)
    return activity


def _call_of(booking):
    return CallAttempt.objects.filter(booking=booking).order_by("-attempt_no").first()


def test_calls_placed_with_tts_text(drawn, carrier):
    reqs = carrier.requests_to("/calls")
    assert len(reqs) == 2
    body = reqs[0].json
    assert "确认参加请按1" in body["tts_text"] and body["to"].startswith("+86")
    assert reqs[0].headers.get("X-Api-Key") == "voice-key"
    assert CallAttempt.objects.filter(status="requested").count() == 2


def test_accept_duplicate_and_decline_with_replacement(client, drawn, carrier, django_capture_on_commit_callbacks):
    from egov_base.notify.models import Delivery

    b1, b2 = drawn.bookings.order_by("pk")
    c1, c2 = _call_of(b1), _call_of(b2)
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(client, {"call_id": c1.call_id, "status": "answered", "key": "1"})
    assert r.status_code == 200 and r.json()["effect"] == "applied"
    b1.refresh_from_db()
    assert b1.status == Booking.Status.CONFIRMED and b1.confirmed_via == "voice"
    assert Delivery.objects.filter(event="expert_pool.meeting_notice").count() == 1
    # the carrier repeats the same callback (and a forged variant with the same id): nothing changes
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(client, {"call_id": c1.call_id, "status": "answered", "key": "2"})
    assert r.json()["effect"] == "duplicate"
    b1.refresh_from_db()
    assert b1.status == Booking.Status.CONFIRMED
    assert Delivery.objects.filter(event="expert_pool.meeting_notice").count() == 1
    # the second expert declines: released and replaced by a new draw round (and a new call)
    carrier.answer(1)
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(client, {"call_id": c2.call_id, "status": "answered", "key": "2"})
    b2.refresh_from_db()
    assert b2.status == Booking.Status.DECLINED
    assert drawn.draws.filter(is_replacement=True).count() == 1
    new = drawn.bookings.exclude(pk__in=[b1.pk, b2.pk]).get()
    assert new.status == Booking.Status.PENDING and new.expert_id != b2.expert_id
    assert len(carrier.requests_to("/calls")) == 3


def test_late_callback_after_replacement_changes_nothing(client, drawn, carrier, reviewer,
                                                         django_capture_on_commit_callbacks):
    b1 = drawn.bookings.order_by("pk").first()
    carrier.answer(1)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_manual_confirm(user=reviewer, booking=b1, accept=False, note="电话中明确拒绝")
    replaced = drawn.bookings.filter(status__in=Booking.ACTIVE).count()
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(client, {"call_id": _call_of(b1).call_id, "status": "answered", "key": "1"})
    assert r.json()["effect"] == "late"
    b1.refresh_from_db()
    assert b1.status == Booking.Status.DECLINED
    assert drawn.bookings.filter(status__in=Booking.ACTIVE).count() == replaced == 2
    assert drawn.draws.count() == 2


def test_no_answer_retries_then_replaces_and_out_of_order_is_ignored(client, drawn, carrier,
                                                                     django_capture_on_commit_callbacks):
    from egov_base.notify.models import Delivery

    b1 = drawn.bookings.order_by("pk").first()
    first = _call_of(b1)
    carrier.answer(1)  # the retry call
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(client, {"call_id": first.call_id, "status": "no_answer"})
    assert r.json()["effect"] == "retry"
    b1.refresh_from_db()
    assert b1.attempts == 2 and b1.status == Booking.Status.PENDING
    assert Delivery.objects.filter(event="expert_pool.call_fallback").count() == 1, "SMS fallback once"
    second = _call_of(b1)
    assert second.attempt_no == 2
    # second attempt not answered either -> attempts used up -> no answer -> replacement draw
    carrier.answer(1)
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(client, {"call_id": second.call_id, "status": "busy"})
    b1.refresh_from_db()
    assert b1.status == Booking.Status.NO_ANSWER
    assert drawn.draws.filter(is_replacement=True).count() == 1
    assert drawn.bookings.filter(status__in=Booking.ACTIVE).count() == 2
    assert Delivery.objects.filter(event="expert_pool.call_fallback").count() == 1, "the fallback SMS is sent once"


def test_out_of_order_old_no_answer_after_newer_call(client, drawn, carrier, django_capture_on_commit_callbacks):
    b1 = drawn.bookings.order_by("pk").first()
    first = _call_of(b1)
    carrier.answer(1)
    services.call_place(booking_id=b1.pk)  # a second call is already out (e.g. placed by the sweeper)
    b1.refresh_from_db()
    second = _call_of(b1)
    assert second.attempt_no == 2
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(client, {"call_id": first.call_id, "status": "no_answer"})
    assert r.json()["effect"] == "superseded"
    b1.refresh_from_db()
    assert b1.status == Booking.Status.PENDING and b1.attempts == 2
    # the newer call's key press still decides
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(client, {"call_id": second.call_id, "status": "answered", "key": "1"})
    b1.refresh_from_db()
    assert b1.status == Booking.Status.CONFIRMED


def test_malformed_or_unsigned_callbacks_refused(client, drawn):
    b1 = drawn.bookings.order_by("pk").first()
    call_id = _call_of(b1).call_id
    good = {"call_id": call_id, "status": "answered", "key": "1"}
    cases = {
        "bad_signature": _post(client, good, secret="wrong"),
        "stale": _post(client, good, ts=str(int(time.time()) - 3600)),
        "not_json": _post(client, None, raw=b"{call_id: CALL"),
        "no_call_id": _post(client, {"status": "answered", "key": "1"}),
        "bad_status": _post(client, {**good, "status": "exploded"}),
        "bad_key": _post(client, {**good, "key": "<script>"}),
        "not_an_object": _post(client, [good]),
    }
    assert {k: r.status_code for k, r in cases.items()} == {k: 400 for k in cases}
    b1.refresh_from_db()
    assert b1.status == Booking.Status.PENDING
    assert CallAttempt.objects.filter(callback_at__isnull=False).count() == 0


def test_unknown_call_id_is_404(client, drawn):
    r = _post(client, {"call_id": "CALL-NOPE", "status": "answered", "key": "1"})
    assert r.status_code == 404


def test_callback_needs_post_and_no_csrf(client, drawn):
    assert client.get(reverse("egov_expert_pool:voice_callback")).status_code == 405


def test_carrier_down_counts_as_failed_attempt(make_expert, make_activity, reviewer, run_commit, carrier):
    for _ in range(3):
        make_expert()
    activity = make_activity(demands=[{"specialty": "security", "count": 1}])
    carrier.fail_first(20, status=500)
    run_commit(services.activity_commit, user=reviewer, activity=activity)
    run_commit(services.activity_execute, user=reviewer, activity=activity)
    first = activity.bookings.order_by("pk").first()
    assert first.calls.filter(status="failed").count() >= 1
    first.refresh_from_db()
    assert first.status == Booking.Status.NO_ANSWER  # both attempts failed -> replaced


def test_log_only_adapter_without_configuration(make_expert, make_activity, reviewer, run_commit, monkeypatch):
    monkeypatch.delenv("EXPERT_VOICE_API_URL", raising=False)
    make_expert()
    activity = make_activity(demands=[{"specialty": "security", "count": 1}])
    run_commit(services.activity_commit, user=reviewer, activity=activity)
    run_commit(services.activity_execute, user=reviewer, activity=activity)
    b = activity.bookings.get()
    assert b.status == Booking.Status.PENDING
    assert b.calls.get().status == CallAttempt.Status.LOGGED


def test_sweep_counts_silent_calls_as_unanswered(drawn, carrier, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    CallAttempt.objects.update(requested_at=timezone.now() - dt.timedelta(hours=1))
    carrier.answer(2)
    with django_capture_on_commit_callbacks(execute=True):
        n = services.calls_sweep()
    assert n == 2
    assert CallAttempt.objects.filter(attempt_no=2).count() == 2


