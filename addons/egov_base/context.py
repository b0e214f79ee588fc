"""Request-scoped context (current user, client address, request id) for code far from the request:
model save() filling created_by, audit entries, notifications. Set by the audit middleware, by Celery tasks
that act for a user, and by tests through ``acting_as``."""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class RequestContext:
    user: object | None = None
    ip: str | None = None
    user_agent: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    source: str = "web"  # web / api / task / command / system


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("egov_request_context", default=None)


def get_context() -> RequestContext | None:
    return _current.get()


def get_current_user():
    ctx = _current.get()
    user = ctx.user if ctx else None
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


def set_context(ctx: RequestContext | None):
    return _current.set(ctx)


def reset_context(token) -> None:
    _current.reset(token)


@contextmanager
def acting_as(user=None, *, source: str = "system", ip: str | None = None):
    token = _current.set(RequestContext(user=user, ip=ip, source=source))
    try:
        yield
    finally:
        _current.reset(token)
