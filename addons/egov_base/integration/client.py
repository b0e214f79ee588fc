"""IntegrationClient: the one way the platform calls external systems over HTTP.

    client = IntegrationClient("sms")                  # config from the ExternalSystem row "sms" (if any)
    resp = client.get("/api/status")                   # retried on 5xx / connection errors (idempotent)
    resp = client.post("/send", json=payload)          # POST is not retried unless idempotent=True
    client.post("/orders", json=..., idempotent=True, headers={"Idempotency-Key": key})

Every attempt writes an IntegrationCall row (URL with secrets masked, status, latency, attempt, error) and
feeds the per-system circuit breaker (state in Redis, shared by all processes). Failures raise
IntegrationError (``transient`` True for timeouts/connection errors/5xx/429), IntegrationTimeout, or
CircuitOpen when the breaker refuses the call. 4xx answers raise IntegrationError (not transient) unless
``raise_for_status=False``.
"""

from __future__ import annotations

import logging
import random
import re
import time
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests
from django.db import transaction
from django.utils.translation import gettext as _

from .breaker import CircuitBreaker
from .exceptions import CircuitOpen, IntegrationError, IntegrationTimeout

log = logging.getLogger(__name__)

IDEMPOTENT_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}
SECRET_PARAM = re.compile(r"(key|secret|token|sign|signature|password|passwd|pwd|auth|credential)", re.I)


@dataclass
class SystemConfig:
    code: str
    name: str = ""
    base_url: str = ""
    enabled: bool = True
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    failure_threshold: int = 5
    cooldown_seconds: float = 60.0


def mask_url(url: str) -> str:
    """Drop user:password and mask secret-looking query parameters (access_token, sign, key …)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url[:1000]
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    query = urlencode([(k, "***" if SECRET_PARAM.search(k) else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)])
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))[:1000]


def load_config(code: str) -> SystemConfig:
    cfg = SystemConfig(code=code, name=code)
    try:
        from .models import ExternalSystem

        row = ExternalSystem.objects.filter(code=code).first()
    except Exception:  # noqa: BLE001 - table missing during migrate etc.
        row = None
    if row is not None:
        for f in ("name", "base_url", "enabled", "connect_timeout", "read_timeout", "max_retries", "backoff_base",
                  "failure_threshold", "cooldown_seconds"):
            setattr(cfg, f, getattr(row, f))
    return cfg


def log_call(**fields) -> None:
    """Insert one IntegrationCall row; never raises (the log must not break the caller) and uses a savepoint
    so a failed insert cannot poison the caller's transaction."""
    try:
        from .models import IntegrationCall

        with transaction.atomic():
            IntegrationCall.objects.create(**fields)
    except Exception:  # noqa: BLE001
        log.warning("could not write integration call log", exc_info=True)


class IntegrationClient:
    def __init__(self, system: str, *, base_url: str | None = None, session: requests.Session | None = None, **overrides):
        self.config = load_config(system)
        if base_url is not None:
            self.config.base_url = base_url
        for k, v in overrides.items():
            if not hasattr(self.config, k):
                raise TypeError(f"unknown IntegrationClient option {k!r}")
            if v is not None:
                setattr(self.config, k, v)
        self.system = system
        self.session = session or requests.Session()
        self.breaker = CircuitBreaker(system, failure_threshold=self.config.failure_threshold,
                                      cooldown=self.config.cooldown_seconds)
        self.sleep = time.sleep  # replaceable in tests / benchmarks
        self.last_delays: list[float] = []

    # --- helpers -----------------------------------------------------------------------------------
    def build_url(self, path: str) -> str:
        if path.startswith(("http://", "https://")) or not self.config.base_url:
            return path
        if not path:
            return self.config.base_url
        return urljoin(self.config.base_url.rstrip("/") + "/", path.lstrip("/"))

    def backoff_delay(self, attempt: int) -> float:
        """Exponential back-off with full jitter: base * 2^(attempt-1) * U(0.5, 1.0), capped."""
        raw = self.config.backoff_base * (2 ** (attempt - 1))
        return min(self.config.backoff_max, raw) * random.uniform(0.5, 1.0)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # --- the call ----------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, idempotent: bool | None = None, retries: int | None = None,
                raise_for_status: bool = True, timeout: tuple[float, float] | None = None, **kwargs) -> requests.Response:
        method = method.upper()
        url = self.build_url(path)
        cfg = self.config
        if not cfg.enabled:
            raise IntegrationError(_("外部系统 %(system)s 已停用。") % {"system": cfg.name or self.system}, system=self.system)
        if not url.startswith(("http://", "https://")):
            raise IntegrationError(_("外部系统 %(system)s 未配置访问地址。") % {"system": cfg.name or self.system}, system=self.system)
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        max_retries = (cfg.max_retries if retries is None else retries) if idempotent else 0
        timeout = timeout or (cfg.connect_timeout, cfg.read_timeout)
        try:
            shown_url = mask_url(requests.Request(method, url, params=kwargs.get("params")).prepare().url)
        except Exception:  # noqa: BLE001
            shown_url = mask_url(url)
        request_id = uuid.uuid4().hex
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("X-Request-Id", request_id)
        self.last_delays = []

        attempt = 0
        while True:
            attempt += 1
            allowed, retry_after = self.breaker.before_call()
            if not allowed:
                log_call(system=self.system, method=method, url=shown_url, ok=False, attempt=attempt,
                         error="circuit open", request_id=request_id)
                raise CircuitOpen(self.system, retry_after)
            started = time.monotonic()
            error: IntegrationError | None = None
            response = None
            try:
                response = self.session.request(method, url, headers=headers, timeout=timeout, **kwargs)
            except requests.Timeout as exc:
                error = IntegrationTimeout(
                    _("调用外部系统 %(system)s 超时（连接 %(c)s 秒 / 读取 %(r)s 秒）。") % {"system": self.system, "c": timeout[0], "r": timeout[1]},
                    system=self.system, transient=True)
                detail = f"timeout: {exc}"
            except requests.ConnectionError as exc:
                error = IntegrationError(_("无法连接外部系统 %(system)s。") % {"system": self.system}, system=self.system, transient=True)
                detail = f"connection error: {exc}"
            except requests.RequestException as exc:
                error = IntegrationError(_("调用外部系统 %(system)s 失败：%(err)s") % {"system": self.system, "err": exc}, system=self.system)
                detail = str(exc)
            latency = int((time.monotonic() - started) * 1000)

            if response is not None:
                status = response.status_code
                transient = status >= 500 or status == 429
                ok = status < 400
                log_call(system=self.system, method=method, url=shown_url, status_code=status, ok=ok,
                         latency_ms=latency, attempt=attempt, error="" if ok else response.text[:500],
                         request_id=request_id)
                if transient:
                    self.breaker.record_failure()
                else:
                    self.breaker.record_success()  # a 4xx proves the system is up
                if ok or not raise_for_status and not transient:
                    return response
                if not transient or attempt > max_retries:
                    if not raise_for_status:
                        return response
                    raise IntegrationError(
                        _("外部系统 %(system)s 返回错误 %(status)s。") % {"system": self.system, "status": status},
                        system=self.system, status_code=status, response=response, transient=transient)
            else:
                log_call(system=self.system, method=method, url=shown_url, ok=False, latency_ms=latency,
                         attempt=attempt, error=detail[:1000], request_id=request_id)
                self.breaker.record_failure()
                if not error.transient or attempt > max_retries:
                    raise error
            delay = self.backoff_delay(attempt)
            self.last_delays.append(delay)
            self.sleep(delay)
