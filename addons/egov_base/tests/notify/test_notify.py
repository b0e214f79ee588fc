import datetime as dt
from urllib.parse import unquote_plus

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from egov_base.integration.breaker import CircuitBreaker
from egov_base.notify import selectors, services
from egov_base.notify.channels import robot_sign, sms_signature
from egov_base.notify.models import Delivery, Message, NotificationPreference
from egov_base.notify.services import notify, register_event
from egov_base.notify.tasks import MAX_RETRIES, send_delivery

pytestmark = [pytest.mark.django_db, pytest.mark.peers]

register_event(
    "test.ticket_assigned", "工单分派（测试）",
    subject="新工单：{{ ticket.title }}",
    body="{{ recipient.name }}您好，工单 {{ ticket.no }} 已分派给您：{{ ticket.title }}",
    sms="【工单】{{ ticket.no }} {{ ticket.title }}",
    channels=("inapp", "email", "sms"),
    sample_context={"ticket": {"no": "SR-2026-000001", "title": "锦江区政务云主机扩容"}},
)
CTX = {"ticket": {"no": "SR-2026-000123", "title": "青羊区视频会议系统故障"}}
S = Delivery.Status


@pytest.fixture(autouse=True)
def _reset_breakers():
    for code in ("sms", "dingtalk", "dingtalk_robot"):
        CircuitBreaker(code).reset()
    yield
    for code in ("sms", "dingtalk", "dingtalk_robot"):
        CircuitBreaker(code).reset()


@pytest.fixture(autouse=True)
def _commit(django_capture_on_commit_callbacks, monkeypatch):
    """Tests run inside a transaction that never commits; run the on-commit callbacks of each notify() /
    retry as the real commit would (Django's documented captureOnCommitCallbacks)."""

    def committed(fn):
        def call(*a, **kw):
            with django_capture_on_commit_callbacks(execute=True):
                return fn(*a, **kw)
        return call

    monkeypatch.setitem(globals(), "notify", committed(services.notify))
    monkeypatch.setattr(services, "delivery_retry", committed(services.delivery_retry))


@pytest.fixture
def sms(http_peer, settings):
    settings.SMS_API_URL = http_peer.url("/sms/send")
    settings.SMS_API_KEY = "cdsjzx-key"
    settings.SMS_API_SECRET = "s3cret"
    settings.SMS_SIGN = "成都市大数据中心"
    http_peer.route("/sms/send", json={"code": 0, "msgId": "M-1001"})
    return http_peer


@pytest.fixture
def person(make_user):
    return make_user("zhangwei", "dept_user", "jinjiang", name="张伟", email="zhangwei@jj.gov.cn", phone="+8613880001234")


def _one(**kw):
    return Delivery.objects.get(**kw)


def test_inapp_message_immediate_and_unread_count(person):
    rows = notify([person], "test.ticket_assigned", CTX, channels=["inapp"], url="/helpdesk/1/")
    assert len(rows) == 1 and rows[0].status == S.SENT
    msg = Message.objects.get(recipient=person)
    assert msg.title == "新工单：青羊区视频会议系统故障"
    assert "张伟您好，工单 SR-2026-000123" in msg.body and msg.url == "/helpdesk/1/"
    assert selectors.unread_count(person) == 1
    services.message_mark_all_read(user=person)
    assert selectors.unread_count(person) == 0


def test_email_delivered_to_real_smtp_server(person, smtp_server):
    notify([person], "test.ticket_assigned", CTX, channels=["email"])
    assert smtp_server.wait_for(1)
    mail = smtp_server.messages[0]
    assert mail["To"] == "zhangwei@jj.gov.cn"
    assert str(mail["Subject"]).strip() == "新工单：青羊区视频会议系统故障"
    assert "工单 SR-2026-000123 已分派给您" in mail.get_content()
    d = _one(channel="email")
    assert d.status == S.SENT and d.attempts == 1 and d.provider_message_id == mail["Message-ID"]
    assert d.address_display == "zh***@jj.gov.cn"


def test_email_rejected_recipient_fails_permanently(person, smtp_server):
    smtp_server.reject_recipients.add("zhangwei@jj.gov.cn")
    notify([person], "test.ticket_assigned", CTX, channels=["email"])
    d = _one(channel="email")
    assert d.status == S.FAILED and d.attempts == 1 and "550" in d.last_error


def test_email_temporary_failure_retried(person, smtp_server):
    smtp_server.tempfail = 1
    notify([person], "test.ticket_assigned", CTX, channels=["email"])
    d = _one(channel="email")
    assert d.status == S.SENT and d.attempts == 2
    assert len(smtp_server.messages) == 1


def test_sms_request_signed(person, sms):
    notify([person], "test.ticket_assigned", CTX, channels=["sms"])
    [req] = sms.requests
    body = req.json
    assert body["phone"] == "13880001234" and body["sign"] == "成都市大数据中心"
    assert body["content"] == "【工单】SR-2026-000123 青羊区视频会议系统故障"
    h = req.headers
    assert h["X-Api-Key"] == "cdsjzx-key"
    assert h["X-Signature"] == sms_signature("s3cret", h["X-Timestamp"], h["X-Nonce"], req.body)
    d = _one(channel="sms")
    assert d.status == S.SENT and d.provider_message_id == "M-1001" and d.address_display == "138****1234"


def test_sms_transient_failures_retried_until_sent(person, sms):
    sms.fail_first(2, status=503)
    notify([person], "test.ticket_assigned", CTX, channels=["sms"])
    d = _one(channel="sms")
    assert d.status == S.SENT and d.attempts == 3
    assert len(sms.requests) == 3


def test_sms_permanent_error_fails_without_retry(person, sms):
    sms.route("/sms/send", status=400, json={"code": 4001, "message": "号码格式错误"})
    notify([person], "test.ticket_assigned", CTX, channels=["sms"])
    d = _one(channel="sms")
    assert d.status == S.FAILED and d.attempts == 1 and "400" in d.last_error
    assert len(sms.requests) == 1


def test_sms_rejected_by_platform_code(person, sms):
    sms.route("/sms/send", json={"code": 1002, "message": "签名未报备"})
    notify([person], "test.ticket_assigned", CTX, channels=["sms"])
    d = _one(channel="sms")
    assert d.status == S.FAILED and "1002" in d.last_error and len(sms.requests) == 1


def test_sms_always_down_stops_after_max_retries(person, sms):
    sms.route("/sms/send", status=503)
    notify([person], "test.ticket_assigned", CTX, channels=["sms"])
    d = _one(channel="sms")
    assert d.status == S.FAILED and d.attempts == MAX_RETRIES + 1
    assert len(sms.requests) <= MAX_RETRIES + 1  # the breaker may refuse the last tries


def test_task_run_twice_sends_once(person, sms):
    notify([person], "test.ticket_assigned", CTX, channels=["sms"])
    d = _one(channel="sms")
    assert send_delivery.apply(args=[d.pk]).get() == S.SENT
    send_delivery.apply(args=[d.pk])
    assert len(sms.requests) == 1
    d.refresh_from_db()
    assert d.attempts == 1


def test_same_key_is_idempotent(person, sms):
    first = notify([person], "test.ticket_assigned", CTX, channels=["inapp", "sms"], key="ticket:123:assigned")
    again = notify([person], "test.ticket_assigned", CTX, channels=["inapp", "sms"], key="ticket:123:assigned")
    assert len(first) == 2 and again == []
    assert Message.objects.filter(recipient=person).count() == 1 and len(sms.requests) == 1


def _quiet_around_now(user, hours=1):
    local = timezone.localtime()
    start = (local - dt.timedelta(hours=hours)).time().replace(second=0, microsecond=0)
    end = (local + dt.timedelta(hours=hours)).time().replace(second=0, microsecond=0)
    return services.preference_update(user=user, quiet_start=start, quiet_end=end)


def test_quiet_hours_defer_non_urgent_until_end(person, sms, smtp_server):
    _quiet_around_now(person)
    notify([person], "test.ticket_assigned", CTX)
    assert Message.objects.filter(recipient=person).count() == 1  # in-app is never deferred
    for ch in ("sms", "email"):
        d = _one(channel=ch)
        assert d.status == S.DEFERRED and d.scheduled_for > timezone.now() + dt.timedelta(minutes=55)
    assert sms.requests == [] and smtp_server.messages == []
    # the sweeper sends them once quiet hours ended
    d = _one(channel="sms")
    assert services.dispatch_due(now=d.scheduled_for + dt.timedelta(seconds=1)) == 2
    assert _one(channel="sms").status == S.SENT and len(sms.requests) == 1
    assert _one(channel="email").status == S.SENT and smtp_server.wait_for(1)


def test_urgent_ignores_quiet_hours(person, sms):
    _quiet_around_now(person)
    notify([person], "test.ticket_assigned", CTX, channels=["sms"], urgent=True)
    assert _one(channel="sms").status == S.SENT and len(sms.requests) == 1


def test_quiet_until_wraps_midnight():
    pref = NotificationPreference(quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 0))
    tz = services.SHANGHAI
    at_23 = dt.datetime(2026, 11, 25, 23, 30, tzinfo=tz)
    assert services.quiet_until(pref, at_23) == dt.datetime(2026, 11, 26, 7, 0, tzinfo=tz)
    at_6 = dt.datetime(2026, 11, 26, 6, 0, tzinfo=tz)
    assert services.quiet_until(pref, at_6) == dt.datetime(2026, 11, 26, 7, 0, tzinfo=tz)
    assert services.quiet_until(pref, dt.datetime(2026, 11, 26, 12, 0, tzinfo=tz)) is None


def test_preferences_switch_channels_off(person, sms, smtp_server):
    services.preference_update(user=person, disabled_channels=["email", "sms"])
    notify([person], "test.ticket_assigned", CTX)
    assert _one(channel="email").status == S.SKIPPED and _one(channel="sms").status == S.SKIPPED
    assert _one(channel="inapp").status == S.SENT
    assert sms.requests == [] and smtp_server.messages == []


def test_muted_event_skipped_unless_urgent(person, sms):
    services.preference_update(user=person, muted_events=["test.ticket_assigned"])
    notify([person], "test.ticket_assigned", CTX, channels=["sms"])
    assert _one(channel="sms").status == S.SKIPPED
    notify([person], "test.ticket_assigned", CTX, channels=["sms"], urgent=True)
    assert len(sms.requests) == 1


def test_preferences_validation(person):
    with pytest.raises(ValidationError):
        services.preference_update(user=person, disabled_channels=["inapp"])
    with pytest.raises(ValidationError):
        services.preference_update(user=person, quiet_start=dt.time(22))
    assert not NotificationPreference.objects.filter(user=person, quiet_start__isnull=False).exists()


def test_template_edit_changes_text(person):
    services.template_save(event="test.ticket_assigned", channel="inapp", subject="【请处理】{{ ticket.no }}",
                           body="{{ ticket.title }}，请尽快处理。")
    notify([person], "test.ticket_assigned", CTX, channels=["inapp"])
    msg = Message.objects.get(recipient=person)
    assert msg.title == "【请处理】SR-2026-000123" and msg.body == "青羊区视频会议系统故障，请尽快处理。"


def test_template_syntax_error_rejected_and_sandbox():
    with pytest.raises(ValidationError):
        services.template_save(event="test.ticket_assigned", channel="inapp", subject="x", body="{% if %}")
    with pytest.raises(ValidationError):
        services.template_save(event="test.ticket_assigned", channel="inapp", subject="x", body="{% load static %}")
    out = services.template_preview(event="test.ticket_assigned", channel="inapp", subject="",
                                    body="{% include 'egov_base/layouts/backend.html' %}")
    assert out["error"]


def test_disabled_template_turns_channel_off(person, sms):
    services.template_save(event="test.ticket_assigned", channel="sms", subject="", body="x", enabled=False)
    notify([person], "test.ticket_assigned", CTX)
    assert not Delivery.objects.filter(channel="sms").exists()


def test_external_recipients(sms, smtp_server, db):
    notify(["expert.li@scu.edu.cn", "138-8000-5678", "not a phone"], "test.ticket_assigned", CTX)
    assert Delivery.objects.filter(channel="email", address="expert.li@scu.edu.cn", status=S.SENT).exists()
    assert Delivery.objects.filter(channel="sms", address="+8613880005678", status=S.SENT).exists()
    assert Delivery.objects.count() == 2 and not Message.objects.exists()
    assert smtp_server.wait_for(1) and len(sms.requests) == 1


def test_missing_address_skipped(make_user, sms):
    u = make_user("nophone", "dept_user", "jinjiang", phone=None)
    notify([u], "test.ticket_assigned", CTX, channels=["sms"])
    d = _one(channel="sms")
    assert d.status == S.SKIPPED and "地址" in d.last_error and sms.requests == []


def test_enqueued_only_after_commit(person, sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify([person], "test.ticket_assigned", CTX, channels=["sms"])
    assert sms.requests == [] and _one(channel="sms").status == S.QUEUED
    for cb in callbacks:
        cb()
    assert len(sms.requests) == 1


def test_dingtalk_work_notification(person, http_peer, settings):
    settings.DINGTALK_API_URL = http_peer.url("")
    settings.DINGTALK_APP_KEY, settings.DINGTALK_APP_SECRET, settings.DINGTALK_AGENT_ID = "dingkey", "dingsecret", "2890001"
    http_peer.route("/gettoken", json={"errcode": 0, "access_token": "TOKEN-A", "expires_in": 7200})
    http_peer.route("/topapi/message/corpconversation/asyncsend_v2", json={"errcode": 0, "task_id": 777})
    from django.core.cache import cache

    cache.delete_pattern("*")  # only this run's prefixed keys; clear() would flush every worker's sessions
    services.preference_update(user=person, dingtalk_userid="manager4521")
    notify([person], "test.ticket_assigned", CTX, channels=["dingtalk"])
    notify([person], "test.ticket_assigned", CTX, channels=["dingtalk"])
    token_reqs = http_peer.requests_to("/gettoken")
    assert len(token_reqs) == 1 and token_reqs[0].query == {"appkey": ["dingkey"], "appsecret": ["dingsecret"]}
    sends = http_peer.requests_to("/topapi")
    assert len(sends) == 2 and sends[0].query["access_token"] == ["TOKEN-A"]
    body = sends[0].json
    assert body["userid_list"] == "manager4521" and body["agent_id"] == "2890001"
    assert "青羊区视频会议系统故障" in body["msg"]["text"]["content"]
    assert Delivery.objects.filter(channel="dingtalk", status=S.SENT, provider_message_id="777").count() == 2
    from egov_base.integration.models import IntegrationCall

    assert not IntegrationCall.objects.filter(url__contains="dingsecret").exists()
    assert not IntegrationCall.objects.filter(url__contains="TOKEN-A").exists()


def test_dingtalk_robot_signed(person, http_peer, settings):
    settings.DINGTALK_ROBOT_WEBHOOK = http_peer.url("/robot/send?access_token=abc")
    settings.DINGTALK_ROBOT_SECRET = "SECrobot"
    http_peer.route("/robot/send", json={"errcode": 0, "errmsg": "ok"})
    notify([person], "test.ticket_assigned", CTX, channels=["dingtalk_robot"])
    [req] = http_peer.requests
    ts = req.query["timestamp"][0]
    assert req.query["access_token"] == ["abc"]
    assert req.query["sign"][0] == unquote_plus(robot_sign("SECrobot", ts))
    assert abs(int(ts) / 1000 - timezone.now().timestamp()) < 60
    assert req.json["msgtype"] == "text"
    assert _one(channel="dingtalk_robot").status == S.SENT


def test_retry_action_requeues_failed(person, sms):
    sms.route("/sms/send", status=400, json={"code": 4001})
    notify([person], "test.ticket_assigned", CTX, channels=["sms"])
    d = _one(channel="sms")
    assert d.status == S.FAILED
    sms.route("/sms/send", json={"code": 0, "msgId": "M-2"})
    services.delivery_retry(delivery=d)
    d.refresh_from_db()
    assert d.status == S.SENT and d.attempts == 2 and d.provider_message_id == "M-2"
    with pytest.raises(ValidationError):
        services.delivery_retry(delivery=d)


def test_unknown_event_is_an_error(person):
    with pytest.raises(LookupError):
        notify([person], "no.such.event", {})


def test_delivery_stats(person, sms):
    sms.route("/sms/send", status=400, json={"code": 1})
    notify([person], "test.ticket_assigned", CTX, channels=["inapp", "sms"])
    stats = {r["channel"]: r for r in selectors.delivery_stats(user=person)}
    assert stats["inapp"]["sent"] == 1 and stats["sms"]["failed"] == 1 and stats["sms"]["success_rate"] == 0.0
