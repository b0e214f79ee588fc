"""Security baseline middleware: forced password change (administrator reset or expiry)."""

from __future__ import annotations

from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from .selectors import password_change_required

EXEMPT_PREFIXES = ("/static/", "/media/", "/i18n/", "/jsi18n/", "/oidc/", "/test-oidc/", "/favicon.ico")


def _password_change_url() -> str:
    return reverse("egov_base:password_change")


def _logout_url() -> str:
    return reverse("egov_base:logout")


class SecurityBaselineMiddleware:
    """Sends a signed-in user who must change the password (``must_change_password`` or an expired
    password) to ``egov_base:password_change``; API calls with a session get a 403 JSON error instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._check(request)
        if response is not None:
            return response
        return self.get_response(request)

    def _check(self, request):
        path = request.path
        if path.startswith(EXEMPT_PREFIXES):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        reason = password_change_required(user)
        if reason is None:
            return None
        change_url = _password_change_url()
        if path.startswith("/api/"):
            return JsonResponse(
                {"code": "password_change_required", "message": _("密码已过期或须修改，请先修改密码。"), "errors": {}},
                status=403,
            )
        if path == change_url or path == _logout_url():
            return None
        nxt = request.get_full_path()
        query = urlencode({"next": nxt}) if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) else ""
        return HttpResponseRedirect(f"{change_url}?{query}" if query else change_url)
