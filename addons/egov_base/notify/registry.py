"""Notification events declared by areas and apps (in their registrations.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

CHANNELS = ("inapp", "email", "sms", "dingtalk", "dingtalk_robot")


@dataclass(frozen=True)
class EventSpec:
    code: str
    name: str
    subject: str
    body: str
    channels: tuple[str, ...] = ("inapp",)
    sms: str | None = None
    sms_template_code: str = ""
    sample_context: dict = field(default_factory=dict)

    def default_text(self, channel: str) -> tuple[str, str]:
        """(subject, body) defaults for a channel: SMS uses the short ``sms`` text when given."""
        if channel == "sms":
            return "", self.sms or self.body
        return self.subject, self.body


_EVENTS: dict[str, EventSpec] = {}


def register_event(code: str, name, *, subject: str, body: str, channels=("inapp",), sms: str | None = None,
                   sms_template_code: str = "", sample_context: dict | None = None) -> EventSpec:
    """Declare a notification event. ``subject``/``body``/``sms`` are Django template strings rendered with
    the context given to notify() (plus ``recipient``). ``channels`` are the default channels."""
    bad = [c for c in channels if c not in CHANNELS]
    if bad:
        raise ValueError(f"unknown notification channel(s) {bad}; known: {CHANNELS}")
    spec = EventSpec(code=code, name=name, subject=subject, body=body, channels=tuple(channels), sms=sms,
                     sms_template_code=sms_template_code, sample_context=dict(sample_context or {}))
    _EVENTS[code] = spec
    return spec


def get_event(code: str) -> EventSpec:
    try:
        return _EVENTS[code]
    except KeyError:
        raise LookupError(f"notification event {code!r} is not registered (register_event in registrations.py)") from None


def events() -> list[EventSpec]:
    return sorted(_EVENTS.values(), key=lambda e: e.code)
