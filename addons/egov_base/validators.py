"""Validators and normalisers for Chinese conventions: resident ID-card numbers (GB 11643) and phone
numbers (phonenumbers, region CN)."""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")


def id_card_checksum(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def normalize_id_card(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def validate_id_card(value: str) -> str:
    """Validate an 18-digit resident ID number (format, birth date, check digit); return it normalised."""
    v = normalize_id_card(value)
    if not _ID_RE.match(v):
        raise ValidationError(_("身份证号码应为 18 位（最后一位可为 X）。"), code="id_format")
    try:
        birth = dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="id_birth") from None
    if birth < dt.date(1900, 1, 1) or birth > dt.date.today():
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="id_birth")
    if id_card_checksum(v[:17]) != v[17]:
        raise ValidationError(_("身份证号码校验位错误，请核对。"), code="id_checksum")
    return v


def mask_id_card(value: str | None) -> str:
    if not value:
        return ""
    v = normalize_id_card(value)
    if len(v) < 10:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def normalize_phone(value: str, region: str = "CN") -> str:
    """Parse and validate a phone number; return E.164 (``+8613800138000``). Raises ValidationError."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(_("请填写电话号码。"), code="phone_required")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("电话号码格式不正确：%(value)s"), code="phone_format", params={"value": raw}) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("电话号码无效：%(value)s"), code="phone_invalid", params={"value": raw})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str | None) -> str:
    """Display a stored E.164 number in Chinese national format (``138 0013 8000``, ``028 8765 4321``)."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = format_phone(value).replace(" ", "")
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    return digits
