"""Telephony adapters for 电话自动拨号 (automatic calls with text-to-speech and key feedback).

There is no phone line in this deployment: the production adapter speaks to an HTTP voice-notification API
(a carrier or the government voice platform) that places the call, reads the TTS text and posts the pressed key
back to our callback URL. Configuration (egov.conf / environment, read through ``egov.config``):

    expert_voice_api_url          base URL of the voice API; empty -> the "log only" adapter (operators confirm
                                  by phone and record the answer by hand)
    expert_voice_api_key          sent as ``X-Api-Key``
    expert_voice_callback_secret  HMAC-SHA256 key of the callback signature
    expert_voice_callback_url     absolute URL the carrier calls back (default SITE_URL + /expert-pool/voice/callback/)
    expert_voice_max_attempts     calls per expert before "no answer" (default 3)
    expert_voice_retry_minutes    wait between attempts (default 10)
    expert_voice_timeout_minutes  a call without callback after this is counted as not answered (default 15)

Callback (POST, JSON) headers ``X-Voice-Timestamp`` (unix seconds) and ``X-Voice-Signature`` =
hex HMAC-SHA256(secret, timestamp + "." + raw body); body
``{"call_id": "...", "status": "answered|no_answer|busy|failed", "key": "1|2|"}``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings

from egov import config

log = logging.getLogger("egov_expert_pool.telephony")


def setting(name: str, default=None):
    return config.get(name, default)


def max_attempts() -> int:
    return config.get_int("EXPERT_VOICE_MAX_ATTEMPTS", 3)


def retry_minutes() -> int:
    return config.get_int("EXPERT_VOICE_RETRY_MINUTES", 10)


def timeout_minutes() -> int:
    return config.get_int("EXPERT_VOICE_TIMEOUT_MINUTES", 15)


class CallbackError(ValueError):
    """A callback that must be refused (bad signature, malformed body)."""


@dataclass
class CallResult:
    call_id: str
    provider: str
    accepted: bool = True
    error: str = ""


@dataclass
class CallbackEvent:
    call_id: str
    outcome: str     # accepted / declined / no_key / no_answer / failed
    key: str
    raw: dict


class TelephonyAdapter:
    """Interface: place a TTS call and parse the carrier's callback."""

    code = "base"

    def place_call(self, *, phone: str, text: str, reference: str) -> CallResult:  # pragma: no cover
        raise NotImplementedError

    def parse_callback(self, *, body: bytes, headers) -> CallbackEvent:  # pragma: no cover
        raise NotImplementedError


def _outcome(status: str, key: str) -> str:
    if status == "answered":
        return {"1": "accepted", "2": "declined"}.get(key, "no_key")
    if status in ("no_answer", "busy", "unreachable", "rejected", "timeout"):
        return "no_answer"
    return "failed"


class LogOnlyAdapter(TelephonyAdapter):
    """Fallback when no voice API is configured: the call is only logged; operators confirm by phone."""

    code = "log"

    def place_call(self, *, phone: str, text: str, reference: str) -> CallResult:
        log.info("voice call (log only) to %s***: %s", phone[:6], text)
        return CallResult(call_id=f"log-{uuid.uuid4().hex}", provider=self.code)

    def parse_callback(self, *, body: bytes, headers) -> CallbackEvent:
        raise CallbackError("log-only adapter receives no callbacks")


class HttpVoiceAdapter(TelephonyAdapter):
    """HTTP voice-notification API: ``POST {base}/calls`` with the TTS text; asynchronous signed callback."""

    code = "http_voice"

    def __init__(self, *, base_url: str, api_key: str = "", secret: str = "", callback_url: str = ""):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.secret = secret
        self.callback_url = callback_url

    def place_call(self, *, phone: str, text: str, reference: str) -> CallResult:
        from egov_base.integration.client import IntegrationClient
        from egov_base.integration.exceptions import IntegrationError

        client = IntegrationClient("expert_voice", base_url=self.base_url, read_timeout=10, max_retries=2)
        payload = {"to": phone, "tts_text": text, "keys": ["1", "2"], "reference": reference,
                   "callback_url": self.callback_url}
        try:
            resp = client.post("/calls", json=payload, idempotent=True,
                               headers={"X-Api-Key": self.api_key, "Idempotency-Key": reference})
            data = resp.json()
        except (IntegrationError, ValueError) as exc:
            return CallResult(call_id=f"err-{uuid.uuid4().hex}", provider=self.code, accepted=False,
                              error=str(exc)[:200])
        if str(data.get("code", "0")) not in ("0", "ok") or not data.get("call_id"):
            return CallResult(call_id=f"err-{uuid.uuid4().hex}", provider=self.code, accepted=False,
                              error=str(data.get("message") or data)[:200])
        return CallResult(call_id=str(data["call_id"])[:64], provider=self.code)

    def sign(self, body: bytes, timestamp: str) -> str:
        return hmac.new(self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()

    def parse_callback(self, *, body: bytes, headers) -> CallbackEvent:
        ts = headers.get("X-Voice-Timestamp", "")
        sig = headers.get("X-Voice-Signature", "")
        if not self.secret:
            raise CallbackError("callback secret not configured")
        if not ts or not sig or not hmac.compare_digest(self.sign(body, ts), sig):
            raise CallbackError("bad signature")
        try:
            if abs(time.time() - int(ts)) > 600:
                raise CallbackError("stale timestamp")
        except ValueError:
            raise CallbackError("bad timestamp") from None
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise CallbackError("malformed JSON") from None
        if not isinstance(data, dict):
            raise CallbackError("malformed body")
        call_id = data.get("call_id")
        status = data.get("status")
        key = str(data.get("key") or "")
        if not isinstance(call_id, str) or not call_id or len(call_id) > 64:
            raise CallbackError("missing call_id")
        if status not in ("answered", "no_answer", "busy", "unreachable", "rejected", "timeout", "failed"):
            raise CallbackError("unknown status")
        if key not in ("", "1", "2", "0", "3", "4", "5", "6", "7", "8", "9", "*", "#"):
            raise CallbackError("bad key")
        return CallbackEvent(call_id=call_id, outcome=_outcome(status, key), key=key, raw=data)


def get_adapter() -> TelephonyAdapter:
    base = setting("EXPERT_VOICE_API_URL", "") or ""
    if not base:
        return LogOnlyAdapter()
    callback = setting("EXPERT_VOICE_CALLBACK_URL", "") or (
        settings.SITE_URL.rstrip("/") + "/expert-pool/voice/callback/")
    return HttpVoiceAdapter(base_url=base, api_key=setting("EXPERT_VOICE_API_KEY", "") or "",
                            secret=setting("EXPERT_VOICE_CALLBACK_SECRET", "") or "", callback_url=callback)
