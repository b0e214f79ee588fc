"""Service capabilities (服务能力): credentials for approved consumers (client id + secret shown once, stored
hashed) and call counts fed by the platform behind the capability (``capability_record_calls``)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from egov_base.audit.services import record_event

from ..models import CapabilityCallStat, CapabilityCredential, Subscription


def credential_issue(*, subscription: Subscription) -> CapabilityCredential:
    """Create the consumer's credential record (idempotent). The secret is generated when the consumer first
    asks for it (``credential_reveal_secret``) so it is shown exactly once to the right person."""
    cred = CapabilityCredential.objects.filter(subscription=subscription).first()
    if cred is not None:
        return cred
    cred = CapabilityCredential.objects.create(
        subscription=subscription, organization=subscription.organization, item=subscription.item,
        client_id=f"cap_{secrets.token_hex(10)}", secret_hash="", secret_pending=True,
    )
    record_event(action="create", obj=cred, message=f"签发服务能力凭据 {cred.client_id}")
    return cred


def credential_reveal_secret(*, user, credential: CapabilityCredential, reset: bool = False) -> str:
    """Generate a new secret and return it in clear text once; only its hash is kept. Without ``reset`` the
    secret can be taken only while it is pending (first time)."""
    from egov_base.scope import can_see

    if not can_see(user, credential.subscription) or user.organization_id != credential.organization_id:
        raise PermissionDenied(_("只有使用单位可以获取调用密钥。"))
    with transaction.atomic():
        cred = CapabilityCredential.objects.select_for_update().get(pk=credential.pk)
        if not cred.is_active:
            raise ValidationError(_("该凭据已吊销。"))
        if not cred.secret_pending and not reset:
            raise ValidationError(_("密钥只显示一次，已被查看；如遗失请重置密钥。"))
        secret = secrets.token_urlsafe(32)
        cred.secret_hash, cred.secret_hint, cred.secret_pending = make_password(secret), secret[-4:], False
        cred.save(update_fields=["secret_hash", "secret_hint", "secret_pending", "updated_at"])
        record_event(action="update", obj=cred, message=f"{'重置' if reset else '获取'}服务能力密钥 {cred.client_id}")
    return secret


def credential_revoke(*, credential: CapabilityCredential, user, system: bool = False) -> CapabilityCredential:
    if not system and not user.has_perm("egov_service_catalog.change_capabilitycredential"):
        raise PermissionDenied(_("您没有吊销凭据的权限。"))
    CapabilityCredential.objects.filter(pk=credential.pk).update(is_active=False, revoked_at=timezone.now())
    record_event(action="update", obj=credential, message=f"吊销服务能力凭据 {credential.client_id}")
    credential.refresh_from_db()
    return credential


def credential_check(*, client_id: str, secret: str) -> CapabilityCredential | None:
    """Verify a consumer's client id + secret (for the platform's gateway)."""
    cred = CapabilityCredential.objects.filter(client_id=client_id, is_active=True).first()
    if cred is None or not cred.secret_hash or not check_password(secret, cred.secret_hash):
        return None
    return cred


def capability_record_calls(*, client_id: str, calls: int, errors: int = 0, day: dt.date | None = None) -> CapabilityCallStat:
    """Add ``calls`` (and ``errors``) to the credential's count for ``day`` (default today). Safe under
    concurrency (one upsert with F expressions)."""
    try:
        calls, errors = int(calls), int(errors)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("调用次数须为整数。")) from exc
    if calls < 0 or errors < 0 or errors > calls or calls > 10**9:
        raise ValidationError(_("调用次数无效（须为非负整数，失败次数不大于调用次数）。"))
    cred = CapabilityCredential.objects.filter(client_id=client_id).first()
    if cred is None:
        raise ValidationError(_("客户端标识“%(id)s”不存在。") % {"id": client_id})
    day = day or timezone.localdate()
    with transaction.atomic():
        stat, created = CapabilityCallStat.objects.select_for_update().get_or_create(
            credential=cred, day=day, defaults={"calls": calls, "errors": errors})
        if not created:
            CapabilityCallStat.objects.filter(pk=stat.pk).update(calls=F("calls") + calls, errors=F("errors") + errors)
            stat.refresh_from_db()
        CapabilityCredential.objects.filter(pk=cred.pk).update(last_used_at=timezone.now())
    return stat
