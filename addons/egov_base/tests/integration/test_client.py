import time
import uuid

import pytest

from egov_base.integration.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker
from egov_base.integration.client import IntegrationClient, mask_url
from egov_base.integration.exceptions import CircuitOpen, IntegrationError, IntegrationTimeout
from egov_base.integration.models import ExternalSystem, IntegrationCall
from egov_base.integration.selectors import call_stats

pytestmark = [pytest.mark.django_db, pytest.mark.peers]


@pytest.fixture
def code():
    c = "t" + uuid.uuid4().hex[:10]
    yield c
    CircuitBreaker(c).reset()


def test_success_is_logged_with_latency_and_masked_secrets(http_peer, code):
    http_peer.route("/api", json={"ok": True}, delay=0.05)
    client = IntegrationClient(code, base_url=http_peer.url("/"))
    resp = client.get("/api/items", params={"access_token": "SECRET1", "page": 2})
    assert resp.json() == {"ok": True}
    call = IntegrationCall.objects.get(system=code)
    assert call.ok and call.status_code == 200 and call.attempt == 1 and call.method == "GET"
    assert call.latency_ms >= 50
    assert "SECRET1" not in call.url and "access_token=%2A%2A%2A" in call.url and "page=2" in call.url
    assert call.request_id and http_peer.requests[0].headers["X-Request-Id"] == call.request_id


def test_mask_url_drops_userinfo():
    assert mask_url("https://u:p@h.example:8443/x?sign=abc&a=1") == "https://h.example:8443/x?sign=%2A%2A%2A&a=1"


def test_idempotent_call_retried_with_exponential_backoff(http_peer, code):
    http_peer.fail_first(2, status=503)
    client = IntegrationClient(code, base_url=http_peer.url(), max_retries=3, backoff_base=0.01)
    resp = client.get("/status")
    assert resp.status_code == 200
    assert len(http_peer.requests) == 3
    calls = list(IntegrationCall.objects.filter(system=code).order_by("id"))
    assert [c.attempt for c in calls] == [1, 2, 3]
    assert [c.status_code for c in calls] == [503, 503, 200]
    assert len({c.request_id for c in calls}) == 1
    assert len(client.last_delays) == 2
    assert 0.005 <= client.last_delays[0] <= 0.01 and 0.01 <= client.last_delays[1] <= 0.02


def test_retries_exhausted_raise_transient_error(http_peer, code):
    http_peer.route("/", status=502, body="bad gateway")
    client = IntegrationClient(code, base_url=http_peer.url(), max_retries=2, backoff_base=0.001, failure_threshold=10)
    with pytest.raises(IntegrationError) as ei:
        client.get("/x")
    assert ei.value.transient and ei.value.status_code == 502
    assert "502" in str(ei.value)
    assert len(http_peer.requests) == 3


def test_post_is_not_retried_unless_idempotent(http_peer, code):
    http_peer.fail_first(1, status=503)
    client = IntegrationClient(code, base_url=http_peer.url(), max_retries=3, backoff_base=0.001)
    with pytest.raises(IntegrationError):
        client.post("/orders", json={"a": 1})
    assert len(http_peer.requests) == 1
    http_peer.fail_first(1, status=503)
    resp = client.post("/orders", json={"a": 1}, idempotent=True, headers={"Idempotency-Key": "k1"})
    assert resp.status_code == 200 and len(http_peer.requests) == 3
    assert http_peer.requests[-1].headers["Idempotency-Key"] == "k1"


def test_client_error_not_retried(http_peer, code):
    http_peer.route("/", status=404, json={"error": "not found"})
    client = IntegrationClient(code, base_url=http_peer.url(), max_retries=3, backoff_base=0.001)
    with pytest.raises(IntegrationError) as ei:
        client.get("/missing")
    assert ei.value.status_code == 404 and not ei.value.transient
    assert len(http_peer.requests) == 1
    resp = client.get("/missing", raise_for_status=False)
    assert resp.status_code == 404


def test_read_timeout(http_peer, code):
    http_peer.delay = 0.5
    client = IntegrationClient(code, base_url=http_peer.url(), read_timeout=0.1, max_retries=1, backoff_base=0.001)
    started = time.monotonic()
    with pytest.raises(IntegrationTimeout) as ei:
        client.get("/slow")
    assert time.monotonic() - started < 1.0
    assert "超时" in str(ei.value) and ei.value.transient
    calls = list(IntegrationCall.objects.filter(system=code).order_by("id"))
    assert len(calls) == 2 and all(not c.ok and "timeout" in c.error for c in calls)


def test_connection_refused(code):
    from tests.peers.smtp_peer import free_port

    client = IntegrationClient(code, base_url=f"http://127.0.0.1:{free_port()}", max_retries=0)
    with pytest.raises(IntegrationError) as ei:
        client.get("/")
    assert "无法连接" in str(ei.value) and ei.value.transient


def test_breaker_opens_after_threshold_and_half_opens_after_cooldown(http_peer, code):
    http_peer.route("/", status=503)
    client = IntegrationClient(code, base_url=http_peer.url(), max_retries=0, failure_threshold=3, cooldown_seconds=1)
    for _ in range(3):
        with pytest.raises(IntegrationError):
            client.get("/x")
    assert client.breaker.state() == OPEN
    # another process (another client instance) sees the same state through Redis
    other = IntegrationClient(code, base_url=http_peer.url(), failure_threshold=3, cooldown_seconds=1)
    with pytest.raises(CircuitOpen) as ei:
        other.get("/x")
    assert "熔断" in str(ei.value)
    assert len(http_peer.requests) == 3  # refused without calling
    assert IntegrationCall.objects.filter(system=code, error="circuit open").count() == 1

    time.sleep(1.1)
    assert client.breaker.state() == HALF_OPEN
    # failing trial: open again
    with pytest.raises(IntegrationError):
        client.get("/x")
    assert client.breaker.state() == OPEN
    time.sleep(1.1)
    http_peer.route("/", status=200, json={"ok": 1})
    assert client.get("/x").status_code == 200
    assert client.breaker.state() == CLOSED


def test_half_open_allows_a_single_trial(http_peer, code):
    br = CircuitBreaker(code, failure_threshold=1, cooldown=1)
    br.record_failure()
    assert br.before_call() == (False, pytest.approx(1, abs=0.2))
    time.sleep(1.05)
    assert br.before_call()[0] is True
    assert br.before_call()[0] is False  # second caller waits for the trial's result
    br.record_success()
    assert br.state() == CLOSED


def test_config_from_external_system_row(http_peer, code):
    ExternalSystem.objects.create(code=code, name="政务短信平台", base_url=http_peer.url("/v1/"), read_timeout=0.2,
                                  max_retries=0)
    http_peer.delay = 0.5
    client = IntegrationClient(code)
    assert client.config.name == "政务短信平台"
    with pytest.raises(IntegrationTimeout):
        client.get("ping")
    assert http_peer.requests[0].url_path == "/v1/ping"
    ExternalSystem.objects.filter(code=code).update(enabled=False)
    with pytest.raises(IntegrationError) as ei:
        IntegrationClient(code).get("ping")
    assert "停用" in str(ei.value)


def test_logging_never_breaks_the_caller(http_peer, code, monkeypatch):
    def boom(**kw):
        raise RuntimeError("db down")

    monkeypatch.setattr(IntegrationCall.objects, "create", boom)
    resp = IntegrationClient(code, base_url=http_peer.url()).get("/")
    assert resp.status_code == 200


def test_stats_per_system(db, code):
    for lat, ok in [(10, True), (20, True), (30, True), (40, False), (1000, False)]:
        IntegrationCall.objects.create(system=code, method="GET", url="http://x/", ok=ok, latency_ms=lat, status_code=200 if ok else 500)
    row = next(r for r in call_stats(system=code))
    assert row["count"] == 5 and row["failed"] == 2 and row["error_rate"] == 40.0
    assert row["p50"] == 30 and 800 <= row["p95"] <= 1000 and row["max"] == 1000


def test_call_log_screen_permissions(client, users, http_peer, code):
    ExternalSystem.objects.create(code=code, name="钉钉开放平台", base_url=http_peer.url())
    IntegrationClient(code).get("/")
    client.force_login(users["sysadmin"])
    resp = client.get("/integration/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "钉钉开放平台" in html and "P95" in html
    resp = client.get("/integration/", {"system": code, "ok": "1", "period": "1h"})
    assert resp.status_code == 200
    client.force_login(users["dept_user"])
    assert client.get("/integration/").status_code == 403


def test_breaker_reset_action(client, users, code):
    system = ExternalSystem.objects.create(code=code, name="云管平台", failure_threshold=1)
    br = CircuitBreaker(code, failure_threshold=1)
    br.record_failure()
    assert br.state() == OPEN
    client.force_login(users["sysadmin"])
    resp = client.post(f"/integration/systems/{system.pk}/reset-breaker/")
    assert resp.status_code == 302
    assert br.state() == CLOSED
    client.force_login(users["dept_user"])
    assert client.post(f"/integration/systems/{system.pk}/reset-breaker/").status_code == 403
