"""Exceptions raised by IntegrationClient (Chinese messages, safe to show to operators)."""

from __future__ import annotations

from django.utils.translation import gettext as _


class IntegrationError(Exception):
    """A call to an external system failed. ``transient`` tells whether retrying later may help
    (timeouts, connection errors, 5xx, 429); ``status_code``/``response`` are set when an answer came back."""

    def __init__(self, message: str, *, system: str = "", status_code: int | None = None, response=None,
                 transient: bool = False):
        super().__init__(message)
        self.message = message
        self.system = system
        self.status_code = status_code
        self.response = response
        self.transient = transient

    def __str__(self):
        return self.message


class IntegrationTimeout(IntegrationError):
    pass


class CircuitOpen(IntegrationError):
    """The breaker of a system is open: calls are refused until the cool-down passes."""

    def __init__(self, system: str, retry_after: float = 0):
        super().__init__(
            _("外部系统 %(system)s 暂时不可用（已熔断），请 %(sec)d 秒后再试。") % {"system": system, "sec": int(retry_after) + 1},
            system=system, transient=True,
        )
        self.retry_after = retry_after
