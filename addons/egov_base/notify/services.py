"""Writes of the notify area: notify(), delivery sending, preferences, templates, message centre.

    from egov_base.notify.services import notify, register_event
    register_event("inbox.task_assigned", _("待办提醒"), subject="新待办：{{ task.title }}",
                   body="{{ recipient.name }}，您有一条新待办：{{ task.title }}", channels=("inapp", "email"),
                   sms="【待办】{{ task.title }}")
    notify([user, "expert@example.com", "13800138000"], "inbox.task_assigned", {"task": task}, obj=task)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..validators import normalize_phone
from .channels import PermanentError, TransientError, get_adapter
from .models import Delivery, Message, NotificationPreference, NotificationTemplate
from .registry import CHANNELS, EventSpec, get_event, register_event  # noqa: F401 - re-exported API
from .rendering import TemplateError, check_template, render

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
S = Delivery.Status


# --- quiet hours -----------------------------------------------------------------------------------------
def quiet_until(pref: NotificationPreference | None, now: dt.datetime) -> dt.datetime | None:
    """If ``now`` falls in the user's quiet hours (Asia/Shanghai), the moment they end; else None."""
    if pref is None or pref.quiet_start is None or pref.quiet_end is None or pref.quiet_start == pref.quiet_end:
        return None
    local = now.astimezone(SHANGHAI)
    t, start, end = local.time(), pref.quiet_start, pref.quiet_end
    inside = (start <= t < end) if start < end else (t >= start or t < end)
    if not inside:
        return None
    end_dt = dt.datetime.combine(local.date(), end, tzinfo=SHANGHAI)
    if end_dt <= local:
        end_dt += dt.timedelta(days=1)
    return end_dt


# --- recipients ----------------------------------------------------------------------------------------
def _resolve(recipients) -> list[tuple[object | None, str | None]]:
    """[(user, None) | (None, "email") | (None, "+86phone")], duplicates dropped, invalid strings skipped."""
    if recipients is None:
        return []
    if isinstance(recipients, (str, bytes)) or hasattr(recipients, "pk"):
        recipients = [recipients]
    out, seen = [], set()
    for r in recipients:
        if r is None:
            continue
        if hasattr(r, "pk"):
            if not getattr(r, "is_active", True) or ("u", r.pk) in seen:
                continue
            seen.add(("u", r.pk))
            out.append((r, None))
            continue
        value = str(r).strip()
        if not value:
            continue
        if "@" in value:
            key = ("e", value.lower())
        else:
            try:
                value = normalize_phone(value)
            except ValidationError:
                log.warning("notify: skipping invalid recipient %r", value)
                continue
            key = ("p", value)
        if key not in seen:
            seen.add(key)
            out.append((None, value))
    return out


def _row_key(base: str, channel: str, ident: str) -> str:
    key = f"{base}:{channel}:{ident}"
    return key if len(key) <= 255 else hashlib.sha256(key.encode()).hexdigest()


def _object_ref(obj) -> str:
    if obj is None:
        return ""
    meta = getattr(obj, "_meta", None)
    return f"{meta.label_lower}:{obj.pk}" if meta else str(obj)[:120]


def _templates_for(event: str) -> dict[str, NotificationTemplate]:
    return {t.channel: t for t in NotificationTemplate.objects.filter(event=event)}


def _texts(spec: EventSpec, channel: str, tpl: NotificationTemplate | None, ctx: dict) -> tuple[str, str, str]:
    subject, body = spec.default_text(channel)
    code = spec.sms_template_code
    if tpl is not None:
        subject, body, code = tpl.subject or subject, tpl.body, tpl.sms_template_code or code
    try:
        return render(subject, ctx)[:300], render(body, ctx), code
    except TemplateError:
        log.exception("notify: template of %s/%s failed, using the default", spec.code, channel)
        d_subject, d_body = spec.default_text(channel)
        return render(d_subject, ctx)[:300], render(d_body, ctx), code


# --- notify --------------------------------------------------------------------------------------------
def notify(recipients, event: str, context: dict | None = None, *, obj=None, channels=None, urgent: bool = False,
           url: str = "", key: str | None = None) -> list[Delivery]:
    """Send event ``event`` to users and/or external addresses (e-mail or phone strings) on the event's
    channels (or ``channels``). One Delivery row per recipient and channel; ``key`` (e.g.
    "ticket:42:assigned") makes a repeated call a no-op. In-app messages are created at once; other
    channels are sent by Celery after the surrounding transaction commits. Returns the Delivery rows."""
    spec = get_event(event)
    channels = tuple(channels or spec.channels)
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise ValueError(f"unknown notification channel(s): {unknown}")
    context = dict(context or {})
    if not url and obj is not None and hasattr(obj, "get_absolute_url"):
        try:
            url = obj.get_absolute_url()
        except Exception:  # noqa: BLE001
            url = ""
    base = key or uuid.uuid4().hex
    now = timezone.now()
    templates = _templates_for(event)
    resolved = _resolve(recipients)
    users = [u for u, _a in resolved if u is not None]
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=users)}
    common = {"event": event, "urgent": urgent, "url": url[:500], "object_ref": _object_ref(obj)}
    rows: list[Delivery] = []

    def make(channel, user, address, ctx, status=S.QUEUED, error="", scheduled=None):
        tpl = templates.get(channel)
        if tpl is not None and not tpl.enabled:
            return
        subject, body, code = _texts(spec, channel, tpl, ctx)
        ident = f"u{user.pk}" if user is not None else address
        params = {"template_code": code, "params": {k: str(v) for k, v in ctx.items()
                                                    if isinstance(v, (str, int, float)) and k != "site_url"}} if channel == "sms" else {}
        rows.append(Delivery(key=_row_key(base, channel, ident), channel=channel, recipient=user, address=address or "",
                             subject=subject, body=body, params=params, status=status, last_error=error,
                             scheduled_for=scheduled, **common))

    base_ctx = {**context, "site_url": settings.SITE_URL}
    for channel in channels:
        if channel == "dingtalk_robot":
            make(channel, None, "robot", base_ctx)
            continue
        for user, address in resolved:
            if user is None:
                kind = "email" if "@" in address else "sms"
                if channel == kind:
                    make(channel, None, address, {**base_ctx, "recipient": address})
                continue
            ctx = {**base_ctx, "recipient": user}
            pref = prefs.get(user.pk)
            if channel == "dingtalk":  # the preference rows are already loaded: no query per user
                addr = (pref.dingtalk_userid if pref is not None else "") or ""
            else:
                addr = get_adapter(channel).address_for(user)
            if channel != "inapp" and pref is not None and not urgent and event in (pref.muted_events or []):
                make(channel, user, addr, ctx, S.SKIPPED, _("用户已设置不接收此类通知"))
            elif channel != "inapp" and pref is not None and channel in (pref.disabled_channels or []):
                make(channel, user, addr, ctx, S.SKIPPED, _("用户已关闭此渠道"))
            elif not addr:
                make(channel, user, "", ctx, S.SKIPPED, _("接收人未设置该渠道的地址（邮箱/手机/钉钉ID）"))
            else:
                until = None if (urgent or channel == "inapp") else quiet_until(pref, now)
                make(channel, user, addr, ctx, S.DEFERRED if until else S.QUEUED, "", until)

    created: list[Delivery] = []
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                continue  # same key already delivered or queued: idempotent
            created.append(row)
            if row.channel == "inapp" and row.status == S.QUEUED:
                _send_inapp(row)
        to_queue = [(d.pk, d.scheduled_for) for d in created if d.channel != "inapp" and d.status in (S.QUEUED, S.DEFERRED)]
        if to_queue:
            transaction.on_commit(lambda: _enqueue(to_queue))
    return created


def _send_inapp(delivery: Delivery) -> None:
    provider_id = get_adapter("inapp").send(delivery)
    Delivery.objects.filter(pk=delivery.pk).update(status=S.SENT, attempts=1, sent_at=timezone.now(), provider_message_id=provider_id)
    delivery.status, delivery.attempts, delivery.provider_message_id = S.SENT, 1, provider_id


def _enqueue(items) -> None:
    from .tasks import send_delivery

    for pk, eta in items:
        try:
            if eta and not settings.CELERY_TASK_ALWAYS_EAGER:
                send_delivery.apply_async(args=[pk], eta=eta)
            elif not eta:
                send_delivery.apply_async(args=[pk])
        except Exception:  # noqa: BLE001 - broker down: the dispatch_due sweeper picks the row up later
            log.exception("notify: could not enqueue delivery %s", pk)


# --- sending (called by the Celery task) ---------------------------------------------------------------------
def delivery_send(*, delivery_id: int, final_attempt: bool = False, now: dt.datetime | None = None) -> str:
    """Claim and send one delivery. Returns the resulting status. Raises TransientError when a retry should
    follow (unless ``final_attempt``). A delivery already sent, failed or being sent is never sent again."""
    now = now or timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status__in=[S.QUEUED, S.DEFERRED])
        .filter(Q(scheduled_for__isnull=True) | Q(scheduled_for__lte=now + dt.timedelta(seconds=2)))
        .update(status=S.SENDING, attempts=F("attempts") + 1, updated_at=now)
    )
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        return "missing"
    if not claimed:
        return delivery.status
    try:
        provider_id = get_adapter(delivery.channel).send(delivery)
    except TransientError as exc:
        if final_attempt:
            _mark(delivery, S.FAILED, error=str(exc))
            return S.FAILED
        _mark(delivery, S.QUEUED, error=str(exc))
        raise
    except PermanentError as exc:
        _mark(delivery, S.FAILED, error=str(exc))
        return S.FAILED
    except Exception as exc:  # noqa: BLE001 - unexpected: do not loop, keep the error for the operator
        log.exception("notify: delivery %s failed unexpectedly", delivery_id)
        _mark(delivery, S.FAILED, error=f"{type(exc).__name__}: {exc}")
        return S.FAILED
    Delivery.objects.filter(pk=delivery.pk).update(status=S.SENT, sent_at=timezone.now(), last_error="",
                                                   provider_message_id=(provider_id or "")[:128], updated_at=timezone.now())
    return S.SENT


def _mark(delivery: Delivery, status: str, *, error: str = "") -> None:
    Delivery.objects.filter(pk=delivery.pk).update(status=status, last_error=error[:2000], updated_at=timezone.now())


def dispatch_due(*, now: dt.datetime | None = None, stale_minutes: int = 15) -> int:
    """Send deferred deliveries whose quiet hours ended and queued ones whose task was lost (periodic)."""
    now = now or timezone.now()
    stale = now - dt.timedelta(minutes=stale_minutes)
    ids = list(
        Delivery.objects.filter(
            Q(status=S.DEFERRED, scheduled_for__lte=now)
            | Q(status=S.QUEUED, updated_at__lt=stale) & (Q(scheduled_for__isnull=True) | Q(scheduled_for__lte=now))
        ).exclude(channel="inapp").values_list("pk", flat=True)[:1000]
    )
    from .tasks import send_delivery

    for pk in ids:
        send_delivery.apply_async(args=[pk], kwargs={"now": now.isoformat()} if settings.CELERY_TASK_ALWAYS_EAGER else {})
    return len(ids)


def delivery_retry(*, delivery: Delivery) -> Delivery:
    """Re-queue a failed or skipped delivery (backend action)."""
    if delivery.status not in (S.FAILED, S.SKIPPED):
        raise ValidationError(_("只有失败或已跳过的发送记录可以重发。"))
    if delivery.channel == "inapp":
        raise ValidationError(_("站内消息无需重发。"))
    if not delivery.address or delivery.address == "":
        raise ValidationError(_("该记录没有接收地址，无法重发。"))
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(status=S.QUEUED, scheduled_for=None, updated_at=timezone.now())
        transaction.on_commit(lambda: _enqueue([(delivery.pk, None)]))
    delivery.refresh_from_db()
    return delivery


# --- message centre --------------------------------------------------------------------------------------
def message_mark_read(*, user, message: Message) -> None:
    if message.recipient_id != user.pk:
        raise PermissionError
    if message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())


def message_mark_all_read(*, user) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# --- preferences ----------------------------------------------------------------------------------------
def preference_get(*, user) -> NotificationPreference:
    pref, _c = NotificationPreference.objects.get_or_create(user=user)
    return pref


def preference_update(*, user, muted_events=(), disabled_channels=(), quiet_start=None, quiet_end=None,
                      dingtalk_userid: str | None = None) -> NotificationPreference:
    bad = [c for c in disabled_channels if c not in CHANNELS]
    if bad:
        raise ValidationError(_("未知的通知渠道：%(c)s") % {"c": ", ".join(bad)})
    if "inapp" in disabled_channels:
        raise ValidationError(_("站内消息不能关闭。"))
    if (quiet_start is None) != (quiet_end is None):
        raise ValidationError(_("免打扰时段需同时填写开始和结束时间。"))
    with transaction.atomic():
        pref, _c = NotificationPreference.objects.select_for_update().get_or_create(user=user)
        pref.muted_events = sorted(set(muted_events))
        pref.disabled_channels = sorted(set(disabled_channels))
        pref.quiet_start, pref.quiet_end = quiet_start, quiet_end
        if dingtalk_userid is not None:
            pref.dingtalk_userid = dingtalk_userid.strip()
        pref.save()
    return pref


# --- templates ------------------------------------------------------------------------------------------
def template_save(*, event: str, channel: str, subject: str, body: str, enabled: bool = True,
                  sms_template_code: str = "") -> NotificationTemplate:
    get_event(event)
    if channel not in CHANNELS:
        raise ValidationError(_("未知的通知渠道：%(c)s") % {"c": channel})
    if not (body or "").strip():
        raise ValidationError(_("模板内容不能为空。"))
    try:
        check_template(subject)
        check_template(body)
    except TemplateError as exc:
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        tpl, _c = NotificationTemplate.objects.update_or_create(
            event=event, channel=channel,
            defaults={"subject": subject, "body": body, "enabled": enabled, "sms_template_code": sms_template_code},
        )
    return tpl


def template_reset(*, event: str, channel: str) -> None:
    with transaction.atomic():
        NotificationTemplate.objects.filter(event=event, channel=channel).delete()


def template_preview(*, event: str, channel: str, subject: str, body: str, user=None) -> dict:
    spec = get_event(event)
    ctx = {**spec.sample_context, "site_url": settings.SITE_URL, "recipient": user}
    try:
        return {"subject": render(subject, ctx), "body": render(body, ctx), "error": ""}
    except TemplateError as exc:
        return {"subject": "", "body": "", "error": str(exc)}
