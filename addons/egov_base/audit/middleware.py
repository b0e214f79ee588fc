"""Sets the request context (user, client address, request id, source) for audit and created_by, and records
permission denials (every 403) and API calls (/api/ requests: method, path, status, latency)."""

from __future__ import annotations

import re
import time

from django.conf import settings

from ..context import RequestContext, reset_context, set_context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request) -> str | None:
    """The client address. X-Forwarded-For is trusted only when settings.AUDIT_TRUST_X_FORWARDED_FOR is
    on (behind our own nginx); otherwise a client could forge its address in the audit log."""
    if getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        is_api = request.path.startswith("/api/")
        ctx = RequestContext(user=None, ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
                             source="api" if is_api else "web")
        if _REQUEST_ID.match(incoming):
            ctx.request_id = incoming
        token = set_context(ctx)
        try:
            ctx.user = request.user  # lazy; resolved by AuthenticationMiddleware before us
            response = self.get_response(request)
            try:
                self._record(request, response, ctx, is_api, started)
            except Exception:  # noqa: BLE001 - auditing must not turn a good response into an error
                import logging

                logging.getLogger("egov.audit").exception("could not record request event")
            response.setdefault("X-Request-ID", ctx.request_id)
            return response
        finally:
            reset_context(token)

    def _record(self, request, response, ctx, is_api, started):
        from .services import record_event

        status = response.status_code
        user = getattr(request, "user", None)  # DRF writes the authenticated API user back here
        if user is not None and getattr(user, "is_authenticated", False):
            ctx.user = user
        else:
            user = None
        data = {"method": request.method, "path": request.path[:500], "status": status,
                "latency_ms": int((time.monotonic() - started) * 1000)}
        if status == 403:
            record_event(action="denied", user=user, data=data, message=request.get_full_path()[:1000])
        elif is_api and getattr(settings, "AUDIT_API_CALLS", True) and request.path.startswith("/api/v1/"):
            record_event(action="api_call", user=user, data=data)
