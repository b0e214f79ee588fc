"""Notification channels: one adapter interface, one adapter per channel.

    class Adapter:
        code: str
        def address_for(self, user) -> str       # "" = the user cannot be reached on this channel
        def send(self, delivery) -> str          # provider message id; raises TransientError / PermanentError

SMS and DingTalk go through IntegrationClient (timeouts, breaker, call log); e-mail through Django's SMTP
backend. Register another adapter with ``register_adapter(adapter)``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import time
import uuid
from urllib.parse import quote_plus

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.utils.translation import gettext as _

from ..integration.client import IntegrationClient
from ..integration.exceptions import IntegrationError


class TransientError(Exception):
    """Retrying later may succeed (timeouts, 5xx, SMTP 4xx, breaker open)."""


class PermanentError(Exception):
    """Retrying will not help (bad address, 4xx, rejected content, channel not configured)."""


def _from_integration(exc: IntegrationError) -> Exception:
    msg = str(exc)
    if exc.response is not None:
        msg = f"{msg} {exc.response.text[:300]}"
    return TransientError(msg) if exc.transient else PermanentError(msg)


class InAppAdapter:
    code = "inapp"

    def address_for(self, user) -> str:
        return str(user.pk) if user is not None else ""

    def send(self, delivery) -> str:
        from .models import Message

        msg = Message.objects.create(recipient_id=delivery.recipient_id, event=delivery.event, title=delivery.subject[:200],
                                     body=delivery.body, url=delivery.url, urgent=delivery.urgent)
        return str(msg.pk)


class EmailAdapter:
    code = "email"

    def address_for(self, user) -> str:
        return (user.email or "").strip()

    def send(self, delivery) -> str:
        msgid = make_msgid(domain="egov-ops")
        body = delivery.body
        if delivery.url:
            body = f"{body}\n\n{_('查看详情')}: {settings.SITE_URL.rstrip('/')}{delivery.url if delivery.url.startswith('/') else '/' + delivery.url}"
        mail = EmailMessage(subject=delivery.subject or delivery.event, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                            to=[delivery.address], headers={"Message-ID": msgid, "X-Egov-Delivery": delivery.key})
        try:
            mail.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [c for c, _m in exc.recipients.values()]
            if codes and all(400 <= c < 500 for c in codes):
                raise TransientError(f"SMTP recipient temporarily refused: {exc.recipients}") from exc
            raise PermanentError(f"SMTP recipient refused: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise TransientError(f"SMTP {exc.smtp_code} {exc.smtp_error!r}") from exc
            raise PermanentError(f"SMTP {exc.smtp_code} {exc.smtp_error!r}") from exc
        except (TimeoutError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, OSError) as exc:
            raise TransientError(f"SMTP connection: {exc}") from exc
        return msgid


def sms_signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """Hex HMAC-SHA256 over timestamp + nonce + raw body, keyed with the API secret."""
    return hmac.new(secret.encode("utf-8"), timestamp.encode() + nonce.encode() + body, hashlib.sha256).hexdigest()


class SmsAdapter:
    """Government SMS platform (政务短信平台): POST JSON {phone, sign, content, template_code, params} with
    headers X-Api-Key, X-Timestamp (ms), X-Nonce, X-Signature = HMAC-SHA256(secret, ts + nonce + body).
    Answer JSON {"code": 0, "msgId": "..."}; a non-zero code is a permanent rejection."""

    code = "sms"

    def address_for(self, user) -> str:
        return str(user.phone or "")

    def send(self, delivery) -> str:
        if not settings.SMS_API_URL:
            raise PermanentError(_("未配置短信平台地址 SMS_API_URL。"))
        phone = delivery.address[3:] if delivery.address.startswith("+86") else delivery.address
        payload = {
            "phone": phone, "sign": settings.SMS_SIGN, "content": delivery.body,
            "template_code": delivery.params.get("template_code", ""), "params": delivery.params.get("params", {}),
            "out_id": delivery.key[:64],
        }
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        ts, nonce = str(int(time.time() * 1000)), uuid.uuid4().hex
        headers = {
            "Content-Type": "application/json; charset=utf-8", "X-Api-Key": settings.SMS_API_KEY,
            "X-Timestamp": ts, "X-Nonce": nonce, "X-Signature": sms_signature(settings.SMS_API_SECRET, ts, nonce, body),
        }
        try:
            resp = IntegrationClient("sms", base_url=settings.SMS_API_URL).post("", data=body, headers=headers)
        except IntegrationError as exc:
            raise _from_integration(exc) from exc
        try:
            data = resp.json()
        except ValueError:
            raise TransientError(f"SMS platform answered non-JSON: {resp.text[:200]}") from None
        if str(data.get("code", "0")) not in ("0", "200"):
            raise PermanentError(f"SMS rejected: {data.get('code')} {data.get('message') or data.get('msg') or ''}")
        return str(data.get("msgId") or data.get("msg_id") or data.get("id") or "")


class DingTalkAdapter:
    """DingTalk work notification (工作通知): gettoken with app key/secret (cached), then
    topapi/message/corpconversation/asyncsend_v2 to the user's DingTalk userid."""

    code = "dingtalk"
    TOKEN_ERRORS = {40014, 42001, 40001}

    def address_for(self, user) -> str:
        pref = getattr(user, "notify_preference", None) if user is not None else None
        try:
            return (pref.dingtalk_userid if pref else "") or ""
        except Exception:  # noqa: BLE001
            return ""

    def _cache_key(self) -> str:
        return "egov:notify:dingtalk:token:" + hashlib.sha1(settings.DINGTALK_APP_KEY.encode()).hexdigest()[:12]

    def access_token(self, client: IntegrationClient) -> str:
        token = cache.get(self._cache_key())
        if token:
            return token
        try:
            resp = client.get("/gettoken", params={"appkey": settings.DINGTALK_APP_KEY, "appsecret": settings.DINGTALK_APP_SECRET})
        except IntegrationError as exc:
            raise _from_integration(exc) from exc
        data = resp.json()
        if data.get("errcode", 0) != 0 or not data.get("access_token"):
            raise PermanentError(f"DingTalk gettoken: {data.get('errcode')} {data.get('errmsg', '')}")
        cache.set(self._cache_key(), data["access_token"], max(60, int(data.get("expires_in", 7200)) - 300))
        return data["access_token"]

    def send(self, delivery) -> str:
        if not settings.DINGTALK_API_URL:
            raise PermanentError(_("未配置钉钉接口地址 DINGTALK_API_URL。"))
        client = IntegrationClient("dingtalk", base_url=settings.DINGTALK_API_URL)
        token = self.access_token(client)
        text = f"{delivery.subject}\n{delivery.body}".strip()
        payload = {"agent_id": settings.DINGTALK_AGENT_ID, "userid_list": delivery.address,
                   "msg": {"msgtype": "text", "text": {"content": text}}}
        try:
            resp = client.post("/topapi/message/corpconversation/asyncsend_v2", params={"access_token": token}, json=payload)
        except IntegrationError as exc:
            raise _from_integration(exc) from exc
        data = resp.json()
        code = data.get("errcode", 0)
        if code in self.TOKEN_ERRORS:
            cache.delete(self._cache_key())
            raise TransientError(f"DingTalk token expired: {code}")
        if code != 0:
            raise PermanentError(f"DingTalk: {code} {data.get('errmsg', '')}")
        return str(data.get("task_id", ""))


def robot_sign(secret: str, timestamp: str) -> str:
    """DingTalk robot signature: urlencoded base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}"))."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


class DingTalkRobotAdapter:
    """DingTalk group robot webhook (群机器人), one message per notify() call (not per recipient)."""

    code = "dingtalk_robot"

    def address_for(self, user) -> str:
        return "robot"

    def send(self, delivery) -> str:
        if not settings.DINGTALK_ROBOT_WEBHOOK:
            raise PermanentError(_("未配置钉钉群机器人 DINGTALK_ROBOT_WEBHOOK。"))
        url = settings.DINGTALK_ROBOT_WEBHOOK
        if settings.DINGTALK_ROBOT_SECRET:
            ts = str(int(time.time() * 1000))
            url = f"{url}{'&' if '?' in url else '?'}timestamp={ts}&sign={robot_sign(settings.DINGTALK_ROBOT_SECRET, ts)}"
        text = f"{delivery.subject}\n{delivery.body}".strip()
        try:
            resp = IntegrationClient("dingtalk_robot").post(url, json={"msgtype": "text", "text": {"content": text}})
        except IntegrationError as exc:
            raise _from_integration(exc) from exc
        data = resp.json()
        if data.get("errcode", 0) != 0:
            raise PermanentError(f"DingTalk robot: {data.get('errcode')} {data.get('errmsg', '')}")
        return ""


_ADAPTERS: dict[str, object] = {}


def register_adapter(adapter) -> None:
    _ADAPTERS[adapter.code] = adapter


def get_adapter(code: str):
    return _ADAPTERS[code]


for _a in (InAppAdapter(), EmailAdapter(), SmsAdapter(), DingTalkAdapter(), DingTalkRobotAdapter()):
    register_adapter(_a)
