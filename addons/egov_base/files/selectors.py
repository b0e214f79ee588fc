"""Reads of the files area. An attachment is visible to whoever may view its parent object (model view
permission + data scope) and changeable by whoever may change the parent."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from ..scope import can_see
from .models import Attachment, AttachmentVersion


def _perm(obj, action: str) -> str:
    meta = obj._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def can_view_parent(user, obj) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or obj is None:
        return False
    return user.has_perm(_perm(obj, "view")) and can_see(user, obj)


def can_change_parent(user, obj) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or obj is None:
        return False
    return user.has_perm(_perm(obj, "change")) and can_see(user, obj)


def attachments_for(obj, user=None, *, purpose: str | None = None):
    """Attachments of ``obj`` with their versions prefetched (newest first). With ``user`` the parent is
    checked first (no view permission or out of scope -> empty queryset)."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    qs = (
        Attachment.objects.filter(content_type=ct, object_id=str(obj.pk))
        .select_related("current_version", "current_version__uploaded_by", "created_by")
        .prefetch_related(Prefetch("versions", queryset=AttachmentVersion.objects.select_related("uploaded_by").order_by("-version")))
        .order_by("-created_at")
    )
    if purpose is not None:
        qs = qs.filter(purpose=purpose)
    if user is not None and not can_view_parent(user, obj):
        return qs.none()
    return qs


def attachment_get_for_user(*, pk: int, user, change: bool = False) -> Attachment | None:
    """The attachment ``pk`` if ``user`` may view (or, with ``change``, change) its parent; else None."""
    attachment = Attachment.objects.select_related("content_type", "current_version").filter(pk=pk).first()
    if attachment is None:
        return None
    parent = attachment.content_object
    ok = can_change_parent(user, parent) if change else can_view_parent(user, parent)
    return attachment if ok else None


def attachment_count(obj) -> int:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return Attachment.objects.filter(content_type=ct, object_id=str(obj.pk)).count()
