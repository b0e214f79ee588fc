"""Writes of the audit area. ``record_event`` is the one entry point other areas call."""

from __future__ import annotations

import ipaddress
import json
import math

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from ..context import get_context, get_current_user
from .models import GENESIS_HASH, AuditEntry

# Constant key of the PostgreSQL advisory lock that serialises appends to the one chain.
AUDIT_LOCK_KEY = 0x45474F5641554454  # "EGOVAUDT"

SENSITIVE_MARK = "已修改"


def _normalise(value):
    """What a JSONB round trip gives back, so the row hash stays reproducible: NaN/Infinity (not JSON) become
    null, huge integral floats (printed by PostgreSQL without exponent) become ints, NUL characters go."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        if value.is_integer() and abs(value) >= 1e15:
            return int(value)
        return value
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {str(k).replace("\x00", ""): _normalise(v) for k, v in value.items()}
    return value


def to_json(value):
    """Plain JSON (what JSONB returns): Decimal, dates, UUIDs, lazy strings become strings."""
    return _normalise(json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, default=str)))


def _clean_ip(ip):
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(str(ip).strip()))
    except ValueError:
        return None


def record_event(
    *,
    action: str,
    obj=None,
    model=None,
    user=None,
    message: str = "",
    changes: dict | None = None,
    data: dict | None = None,
    actor_name: str | None = None,
    source: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit chain, in the caller's transaction (a rolled-back change leaves no
    entry). ``user`` defaults to the current user of the request/task context. ``obj`` (an instance) or
    ``model`` (a class) names what the event is about."""
    ctx = get_context()
    if user is None:
        user = get_current_user()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    content_type = None
    object_id = ""
    object_repr = ""
    if obj is not None:
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        object_id = "" if obj.pk is None else str(obj.pk)
        try:
            object_repr = str(obj).replace("\x00", "")[:255]
        except Exception:  # noqa: BLE001 - a broken __str__ must not stop auditing
            object_repr = f"{type(obj).__name__} {object_id}"
    elif model is not None:
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)

    entry = AuditEntry(
        time=timezone.now(),
        actor=user,
        actor_name=str(actor_name if actor_name is not None else (user.get_full_name() if user else "")).replace("\x00", "")[:150],
        actor_org_id=getattr(user, "organization_id", None) if user else None,
        ip=_clean_ip(ctx.ip if ctx else None),
        user_agent=(ctx.user_agent if ctx else "").replace("\x00", "")[:255],
        request_id=(ctx.request_id if ctx else "")[:64],
        source=source or (ctx.source if ctx else AuditEntry.Source.SYSTEM),
        action=str(action)[:32],
        content_type=content_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=to_json(changes or {}),
        message=str(message or "").replace("\x00", ""),
        data=to_json(data or {}),
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])
        last = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
        entry.id = (last[0] + 1) if last else 1
        entry.prev_hash = last[1] if last else GENESIS_HASH
        entry.hash = entry.compute_hash()
        entry.save()
    return entry
