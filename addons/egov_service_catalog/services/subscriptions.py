"""Subscriptions (服务对象): opened by a delivered application, changed or terminated by delivered change/cancel
requests, with a history row for every change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov_base.audit.services import record_event
from egov_base.numbers import next_number

from ..models import ServiceItem, ServiceRequest, Subscription, SubscriptionChange


def _state(sub: Subscription) -> dict:
    return {"spec": sub.spec.name if sub.spec_id else "", "spec_id": sub.spec_id, "quantity": sub.quantity,
            "resources": sub.resources, "state": sub.state}


def subscription_apply_delivery(*, request: ServiceRequest, user) -> Subscription | None:
    """Apply a delivered request to the subscriptions (called once when the approval chain ends approved):
    apply → a new running subscription; change → new spec/quantity/resources; cancel → terminated.
    Idempotent: a request already applied changes nothing."""
    resources = (request.delivery_data or {}).get("resources") or []
    note = (request.delivery_data or {}).get("note") or ""
    with transaction.atomic():
        if request.kind == ServiceRequest.Kind.APPLY:
            existing = Subscription.objects.filter(request=request).first()
            if existing is not None:
                return existing
            sub = Subscription.objects.create(
                number=next_number("SO"), organization=request.organization, item=request.item, spec=request.spec,
                quantity=request.quantity, state=Subscription.State.RUNNING, started_at=timezone.now(),
                resources=resources, request=request, contact=request.applicant, ops_note=note,
            )
            SubscriptionChange.objects.create(subscription=sub, request=request, kind=SubscriptionChange.Kind.CREATE,
                                              after=_state(sub), note=note, actor=user)
            ServiceRequest.objects.filter(pk=request.pk).update(subscription=sub)
            request.subscription = sub
            record_event(action="create", obj=sub, message=f"服务开通：{sub.number}（{request.number}）")
            if request.item.service_type == ServiceItem.ServiceType.CAPABILITY:
                from .capabilities import credential_issue

                credential_issue(subscription=sub)
            return sub
        sub = Subscription.objects.select_for_update().get(pk=request.subscription_id)
        if SubscriptionChange.objects.filter(subscription=sub, request=request).exists():
            return sub
        before = _state(sub)
        if request.kind == ServiceRequest.Kind.CHANGE:
            sub.spec = request.spec or sub.spec
            sub.quantity = request.quantity
            if resources:
                sub.resources = resources
            sub.state = Subscription.State.RUNNING
            kind = SubscriptionChange.Kind.CHANGE
        else:
            sub.state, sub.ended_at = Subscription.State.TERMINATED, timezone.now()
            kind = SubscriptionChange.Kind.CANCEL
            if hasattr(sub, "credential"):
                from .capabilities import credential_revoke

                credential_revoke(credential=sub.credential, user=user, system=True)
        sub.save()
        SubscriptionChange.objects.create(subscription=sub, request=request, kind=kind, before=before,
                                          after=_state(sub), note=note, actor=user)
        record_event(action="update", obj=sub, message=f"服务对象{SubscriptionChange.Kind(kind).label}：{sub.number}",
                     data={"request": request.number})
        return sub


def subscription_ops_note(*, user, subscription: Subscription, note: str) -> SubscriptionChange:
    """运维信息: a provider records an operations note on a subscription (shown in 我的资源)."""
    if not user.has_perm("egov_service_catalog.change_subscription"):
        raise PermissionDenied(_("您没有维护服务对象的权限。"))
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("请填写运维记录内容。"))
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().get(pk=subscription.pk)
        change = SubscriptionChange.objects.create(subscription=sub, kind=SubscriptionChange.Kind.OPS,
                                                   note=note[:2000], actor=user)
        sub.ops_note = note[:2000]
        sub.save(update_fields=["ops_note", "updated_at"])
        record_event(action="update", obj=sub, message=f"运维记录：{sub.number}")
    return change
