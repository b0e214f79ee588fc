"""One error format for the whole API:

    {"code": "not_found", "message": "未找到该记录，或您无权访问。", "errors": {"field": ["..."]}}

``errors`` holds field errors of a 400 (``non_field_errors`` for the object as a whole).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES = {
    "not_found": lambda: _("未找到该记录，或您无权访问。"),
    "permission_denied": lambda: _("您没有执行该操作的权限。"),
    "not_authenticated": lambda: _("请先登录或提供有效的接口令牌。"),
    "invalid": lambda: _("提交的数据有误，请检查后重试。"),
    "method_not_allowed": lambda: _("不支持该请求方法。"),
    "throttled": lambda: _("请求过于频繁，请稍后再试。"),
    "conflict": lambda: _("数据冲突：记录已存在或被其他数据引用。"),
}


def _flatten(detail):
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        out = []
        for item in detail:
            flat = _flatten(item)
            out.extend(flat if isinstance(flat, list) else [flat])
        return out
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, IntegrityError):
        return Response({"code": "conflict", "message": MESSAGES["conflict"](), "errors": {}}, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*(exc.args[:1]))

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = "error"
    errors = {}
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        flat = _flatten(exc.detail)
        errors = flat if isinstance(flat, dict) else {"non_field_errors": flat}
        message = MESSAGES["invalid"]()
        first = next(iter(errors.values()), None)
        if first:
            message = f"{message}（{first[0] if isinstance(first, list) else first}）"
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = codes if isinstance(codes, str) else "error"
        default = MESSAGES.get(code)
        detail = getattr(exc, "detail", "")
        if isinstance(exc, exceptions.NotFound):
            message = MESSAGES["not_found"]()
        elif default and str(detail) == str(type(exc).default_detail):
            message = default()
        else:
            message = str(detail) if detail else (default() if default else _("请求失败。"))
    response.data = {"code": code, "message": message, "errors": errors}
    return response
