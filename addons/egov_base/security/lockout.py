"""Response for a locked-out login (django-axes AXES_LOCKOUT_CALLABLE): Chinese, JSON for the API."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def lockout_response(request, *args, credentials=None, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if getattr(settings, "AXES_COOLOFF_TIME", None) else 0
    message = _("登录失败次数过多，账号已被锁定，请 %(minutes)d 分钟后再试或联系管理员解锁。") % {"minutes": minutes}
    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    if request is not None and (request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")):
        return JsonResponse({"code": "locked", "message": message, "errors": {}}, status=status)
    context = {"message": message, "minutes": minutes}
    for template in (getattr(settings, "AXES_LOCKOUT_TEMPLATE", None), "egov_base/security/locked.html"):
        if not template:
            continue
        try:
            return HttpResponse(render_to_string(template, context, request=request), status=status)
        except TemplateDoesNotExist:
            continue
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
