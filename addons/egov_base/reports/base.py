"""Shared helpers of the PDF and Excel report bases."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone


def centre_name() -> str:
    return getattr(settings, "EGOV_CENTRE_NAME", "成都市大数据中心")


def cn_datetime(value=None) -> str:
    """``2026年11月25日 14:30`` in local time."""
    value = timezone.localtime(value or timezone.now())
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


def cn_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


class BaseReport:
    """Common shape: ``code``/``title``, a user whose data scope the report applies, ``render(params)``."""

    format = ""
    title = ""
    content_type = "application/octet-stream"

    def __init__(self, *, user=None, title: str | None = None):
        self.user = user
        if title:
            self.title = title
        self.generated_at = timezone.now()

    def file_name(self, params=None) -> str:
        return f"{self.title}-{timezone.localtime(self.generated_at):%Y%m%d%H%M}.{self.format}"

    def render(self, params=None) -> bytes:  # pragma: no cover - subclasses
        raise NotImplementedError
