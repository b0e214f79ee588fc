"""Circuit breaker per external system, its state shared by every process through Redis.

States: ``closed`` (calls pass; consecutive failures are counted), ``open`` (after ``failure_threshold``
consecutive failures: calls are refused with CircuitOpen until ``cooldown`` seconds passed), ``half_open``
(after the cool-down one trial call is let through — one process wins a Redis lock; success closes the
breaker, failure opens it again for another cool-down).

If Redis is unreachable the breaker fails open to *closed* behaviour (calls pass): the breaker protects the
platform, it must never be the reason a call is refused.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

log = logging.getLogger(__name__)

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


def _redis():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _prefix() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:egov:cb:"


class CircuitBreaker:
    def __init__(self, system: str, *, failure_threshold: int = 5, cooldown: float = 60.0):
        self.system = system
        self.failure_threshold = max(1, int(failure_threshold))
        self.cooldown = float(cooldown)
        base = _prefix() + system
        self.k_failures = base + ":failures"
        self.k_opened = base + ":opened_at"
        self.k_trial = base + ":trial"

    # --- queries ------------------------------------------------------------------------------------
    def _opened_at(self, r) -> float | None:
        v = r.get(self.k_opened)
        return float(v) if v is not None else None

    def state(self) -> str:
        try:
            r = _redis()
            opened = self._opened_at(r)
        except Exception:  # noqa: BLE001 - Redis down: behave closed
            return CLOSED
        if opened is None:
            return CLOSED
        return OPEN if time.time() - opened < self.cooldown else HALF_OPEN

    def info(self) -> dict:
        try:
            r = _redis()
            opened = self._opened_at(r)
            failures = int(r.get(self.k_failures) or 0)
        except Exception:  # noqa: BLE001
            return {"state": CLOSED, "failures": 0, "opened_at": None, "retry_after": 0}
        state = CLOSED if opened is None else (OPEN if time.time() - opened < self.cooldown else HALF_OPEN)
        retry_after = max(0.0, opened + self.cooldown - time.time()) if opened else 0
        return {"state": state, "failures": failures, "opened_at": opened, "retry_after": retry_after}

    # --- the call protocol --------------------------------------------------------------------------
    def before_call(self) -> tuple[bool, float]:
        """(allowed, retry_after). In half-open state only the process that takes the trial lock may call."""
        try:
            r = _redis()
            opened = self._opened_at(r)
            if opened is None:
                return True, 0
            elapsed = time.time() - opened
            if elapsed < self.cooldown:
                return False, self.cooldown - elapsed
            # half-open: one trial call at a time (lock expires if the trial process dies)
            if r.set(self.k_trial, "1", nx=True, ex=max(5, int(self.cooldown))):
                return True, 0
            return False, 1.0
        except Exception:  # noqa: BLE001
            log.warning("circuit breaker state unavailable for %s", self.system, exc_info=True)
            return True, 0

    def record_success(self) -> None:
        try:
            r = _redis()
            r.delete(self.k_failures, self.k_opened, self.k_trial)
        except Exception:  # noqa: BLE001
            pass

    def record_failure(self) -> None:
        try:
            r = _redis()
            pipe = r.pipeline()
            pipe.incr(self.k_failures)
            pipe.expire(self.k_failures, max(60, int(self.cooldown) * 10))
            failures, _ = pipe.execute()
            opened = self._opened_at(r)
            half_open_trial = opened is not None and time.time() - opened >= self.cooldown
            if half_open_trial or (opened is None and int(failures) >= self.failure_threshold):
                r.set(self.k_opened, repr(time.time()), ex=max(60, int(self.cooldown) * 10))
                r.delete(self.k_trial)
                log.warning("circuit breaker OPEN for %s after %s failures", self.system, failures)
        except Exception:  # noqa: BLE001
            pass

    def reset(self) -> None:
        self.record_success()
