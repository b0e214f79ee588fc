"""Sets the request context (user, client address) for audit and created_by. The audit area extends it."""

from ..context import RequestContext, reset_context, set_context


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ip = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip() or request.META.get("REMOTE_ADDR")
        ctx = RequestContext(user=None, ip=ip, user_agent=request.META.get("HTTP_USER_AGENT", "")[:255])
        token = set_context(ctx)
        try:
            ctx.user = request.user  # lazy; resolved by AuthenticationMiddleware before us
            return self.get_response(request)
        finally:
            reset_context(token)
