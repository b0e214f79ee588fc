import pytest

from egov_base.notify.models import Delivery, Message, NotificationPreference, NotificationTemplate
from egov_base.notify.services import notify

from .test_notify import CTX  # noqa: F401 - registers test.ticket_assigned

pytestmark = pytest.mark.django_db


def test_message_centre_unread_first_and_mark_read(client, users):
    u = users["dept_user"]
    notify([u], "test.ticket_assigned", CTX, channels=["inapp"])
    notify([u], "notify.test", {"note": "第二条"}, channels=["inapp"])
    first = Message.objects.filter(recipient=u).order_by("id").first()
    first.read_at = first.created_at
    first.save()
    client.force_login(u)
    resp = client.get("/notify/")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert html.index("第二条") < html.index("青羊区视频会议系统故障")
    badge = client.get("/notify/badge/").content.decode()
    assert ">1<" in badge
    other = Message.objects.exclude(pk=first.pk).get()
    resp = client.post(f"/notify/{other.pk}/read/", HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and resp["HX-Trigger"] == "notify-changed"
    assert Message.objects.filter(recipient=u, read_at__isnull=True).count() == 0
    assert "badge" not in client.get("/notify/badge/").content.decode().split("hx-swap")[1]


def test_other_users_message_is_404(client, users):
    notify([users["jj_admin"]], "notify.test", {}, channels=["inapp"])
    msg = Message.objects.get()
    client.force_login(users["dept_user"])
    assert client.post(f"/notify/{msg.pk}/read/").status_code == 404
    assert client.get(f"/notify/{msg.pk}/open/").status_code == 404
    assert Message.objects.get().read_at is None


def test_read_all_and_open_redirects_to_url(client, users):
    u = users["dept_user"]
    notify([u], "notify.test", {}, channels=["inapp"], url="/inbox/")
    notify([u], "notify.test", {}, channels=["inapp"], url="https://evil.example/")
    client.force_login(u)
    m1, m2 = Message.objects.order_by("id")
    assert client.get(f"/notify/{m1.pk}/open/")["Location"] == "/inbox/"
    assert client.get(f"/notify/{m2.pk}/open/")["Location"] == "/notify/"
    notify([u], "notify.test", {}, channels=["inapp"])
    assert client.post("/notify/read-all/").status_code == 302
    assert not Message.objects.filter(read_at__isnull=True).exists()


def test_preferences_page(client, users):
    u = users["dept_user"]
    client.force_login(u)
    assert client.get("/notify/preferences/").status_code == 200
    resp = client.post("/notify/preferences/", {"disabled_channels": ["sms"], "quiet_start": "22:00", "quiet_end": "07:00",
                                                "muted_events": ["notify.test"], "dingtalk_userid": "u123"})
    assert resp.status_code == 302
    pref = NotificationPreference.objects.get(user=u)
    assert pref.disabled_channels == ["sms"] and pref.muted_events == ["notify.test"] and pref.dingtalk_userid == "u123"
    resp = client.post("/notify/preferences/", {"quiet_start": "22:00"})
    assert resp.status_code == 200 and "同时填写" in resp.content.decode()
    assert NotificationPreference.objects.get(user=u).quiet_end is not None


def test_template_screens(client, users):
    client.force_login(users["sysadmin"])
    assert "工单分派（测试）" in client.get("/notify/templates/").content.decode()
    url = "/notify/templates/test.ticket_assigned/sms/"
    resp = client.get(url)
    assert resp.status_code == 200 and "【工单】" in resp.content.decode()
    resp = client.post(url + "preview/", {"subject": "", "body": "预览：{{ ticket.no }}"})
    assert "预览：SR-2026-000001" in resp.content.decode()
    resp = client.post(url, {"subject": "", "body": "{% if %}", "enabled": "on"})
    assert resp.status_code == 200 and "模板语法错误" in resp.content.decode()
    assert not NotificationTemplate.objects.exists()
    assert client.post(url, {"subject": "", "body": "新短信 {{ ticket.no }}", "enabled": "on"}).status_code == 302
    assert NotificationTemplate.objects.get().body == "新短信 {{ ticket.no }}"
    client.post(url, {"reset": "1", "body": "x"})
    assert not NotificationTemplate.objects.exists()
    assert client.get("/notify/templates/no.such/sms/").status_code == 404
    client.force_login(users["dept_user"])
    assert client.get("/notify/templates/").status_code == 403
    assert client.post(url, {"body": "x"}).status_code == 403


def test_delivery_log_and_retry_permissions(client, users, settings, django_capture_on_commit_callbacks):
    settings.SMS_API_URL = ""  # not configured: fails permanently
    users["dept_user"].phone = "+8613980001111"
    users["dept_user"].save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([users["dept_user"]], "test.ticket_assigned", CTX, channels=["sms"])
    d = Delivery.objects.get(channel="sms")
    assert d.status == Delivery.Status.FAILED and "SMS_API_URL" in d.last_error
    client.force_login(users["sysadmin"])
    resp = client.get("/notify/deliveries/", {"channel": "sms", "status": "failed"})
    assert resp.status_code == 200 and "SMS_API_URL" in resp.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/notify/deliveries/{d.pk}/retry/").status_code == 302
    d.refresh_from_db()
    assert d.attempts == 2
    client.force_login(users["dept_user"])
    assert client.get("/notify/deliveries/").status_code == 403
    assert client.post(f"/notify/deliveries/{d.pk}/retry/").status_code == 403


def test_send_test_notification(client, users, smtp_server, django_capture_on_commit_callbacks):
    client.force_login(users["sysadmin"])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post("/notify/deliveries/send-test/", {"channel": "email", "address": "noc@cddc.chengdu.gov.cn"})
    assert resp.status_code == 302
    assert smtp_server.wait_for(1) and smtp_server.messages[0]["To"] == "noc@cddc.chengdu.gov.cn"
    resp = client.post("/notify/deliveries/send-test/", {"channel": "inapp"})
    assert Message.objects.filter(recipient=users["sysadmin"], event="notify.test").count() == 1
    client.force_login(users["dept_user"])
    assert client.post("/notify/deliveries/send-test/", {"channel": "inapp"}).status_code == 403
