"""外包服务管理 writes beyond the generic views: deliverables (服务成果) are submitted and accepted or sent back."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from egov_base.scope import can_see

from ..models import Deliverable, OutsourcingContract


def deliverable_submit(*, user, deliverable: Deliverable) -> Deliverable:
    if not user.has_perm("egov_service_catalog.change_deliverable") or not can_see(user, deliverable):
        raise PermissionDenied
    with transaction.atomic():
        d = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
        if d.status not in (Deliverable.Status.PENDING, Deliverable.Status.REJECTED):
            raise ValidationError(gettext("只有待提交或退回整改的成果可以提交验收。"))
        from egov_base.files.services import attachments_for

        if not attachments_for(d).exists():
            raise ValidationError(gettext("请先在“附件”中上传成果文件，再提交验收。"))
        d.status, d.submitted_at = Deliverable.Status.SUBMITTED, timezone.now()
        d.save()
    return d


def deliverable_accept(*, user, deliverable: Deliverable, accept: bool, comment: str = "",
                       score: int | None = None) -> Deliverable:
    """验收通过 (with a 0–100 score) or 退回整改 (a comment is required)."""
    if not user.has_perm("egov_service_catalog.accept_deliverable") or not can_see(user, deliverable):
        raise PermissionDenied
    errors = {}
    if not accept and not (comment or "").strip():
        errors["comment"] = gettext("退回整改时请填写验收意见。")
    if accept and (score is None or not 0 <= int(score) <= 100):
        errors["score"] = gettext("验收评分须为 0–100 的整数。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        d = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
        if d.status != Deliverable.Status.SUBMITTED:
            raise ValidationError(gettext("该成果不在待验收状态。"))
        d.status = Deliverable.Status.ACCEPTED if accept else Deliverable.Status.REJECTED
        d.accepted_by, d.accepted_at = user, timezone.now()
        d.acceptance_comment = (comment or "").strip()[:500]
        d.score = int(score) if accept else None
        d.save()
    return d


def contracts_expire(*, today=None) -> int:
    """Daily: active contracts past their end date become 已到期."""
    today = today or timezone.localdate()
    with transaction.atomic():
        return OutsourcingContract.objects.filter(status=OutsourcingContract.Status.ACTIVE,
                                                  end_date__lt=today).update(status=OutsourcingContract.Status.EXPIRED)
