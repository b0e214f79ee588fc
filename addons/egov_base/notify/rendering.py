"""Rendering of notification templates in a sandbox-ish engine: only the given context, no template
loaders (no include/extends of files), no extra tag libraries, no autoescape (plain text; pages escape on
display). Methods marked ``alters_data`` (save, delete …) are never called by Django templates."""

from __future__ import annotations

from functools import lru_cache

from django.template import Context, Engine, TemplateSyntaxError
from django.utils.translation import gettext as _


@lru_cache(maxsize=1)
def _engine() -> Engine:
    return Engine(dirs=[], app_dirs=False, loaders=[], libraries={}, autoescape=False, string_if_invalid="",
                  debug=False)


class TemplateError(ValueError):
    pass


def check_template(source: str) -> None:
    try:
        _engine().from_string(source or "")
    except TemplateSyntaxError as exc:
        raise TemplateError(_("模板语法错误：%(err)s") % {"err": exc}) from exc


def render(source: str, context: dict) -> str:
    try:
        tpl = _engine().from_string(source or "")
    except TemplateSyntaxError as exc:
        raise TemplateError(_("模板语法错误：%(err)s") % {"err": exc}) from exc
    try:
        return tpl.render(Context(dict(context), autoescape=False)).strip()
    except Exception as exc:  # noqa: BLE001 - a broken template must not lose the notification
        raise TemplateError(_("模板渲染失败：%(err)s") % {"err": exc}) from exc
