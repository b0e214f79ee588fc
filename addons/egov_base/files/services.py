"""Writes of the files area: attach, add a version, delete. Keyword-only, one transaction each."""

from __future__ import annotations

import hashlib
import os
import tempfile

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .models import Attachment, AttachmentVersion
from .selectors import attachments_for, can_change_parent  # noqa: F401  (re-exported: the documented API)
from .storage import encrypt_stream
from .validation import get_purpose, validate_upload


def _audit(action, obj, message, data=None, user=None):
    from ..audit.services import record_event

    record_event(action=action, obj=obj, user=user, message=message, data=data or {})


def _sha256(fileobj) -> str:
    h = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        h.update(chunk)
    fileobj.seek(0)
    return h.hexdigest()


def _should_encrypt(purpose: str, encrypt: bool | None) -> bool:
    if encrypt is not None:
        return bool(encrypt)
    spec = get_purpose(purpose)
    if spec.encrypt is not None:
        return spec.encrypt
    return bool(getattr(settings, "FILE_ENCRYPT_DEFAULT", False))


def _store(version: AttachmentVersion, fileobj, encrypted: bool) -> None:
    fileobj.seek(0)
    if not encrypted:
        version.file.save("upload", File(fileobj), save=False)
        return
    with tempfile.TemporaryFile() as tmp:
        encrypt_stream(fileobj, tmp)
        tmp.seek(0)
        version.file.save("upload", File(tmp), save=False)


def _file_name(file, name: str | None) -> str:
    return os.path.basename(name or getattr(file, "name", "") or "").strip()[:255]


def _new_version(*, attachment, file, name, user, comment, detected, digest, encrypted, number) -> AttachmentVersion:
    version = AttachmentVersion(
        attachment=attachment, version=number, original_name=name, size=getattr(file, "size", None) or 0,
        mime_type=detected.mime_type, kind=detected.kind, sha256=digest, encrypted=encrypted,
        uploaded_by=user, comment=comment or "",
    )
    if not version.size:
        file.seek(0, os.SEEK_END)
        version.size = file.tell()
        file.seek(0)
    _store(version, file, encrypted)
    try:
        version.save()
    except Exception:
        version.file.storage.delete(version.file.name)
        raise
    attachment.current_version = version
    attachment.name = name
    attachment.save(update_fields=["current_version", "name", "updated_at"])
    return version


def attach(*, obj, file, user, purpose: str = "", comment: str = "", encrypt: bool | None = None,
           name: str | None = None, check_permission: bool = False) -> AttachmentVersion:
    """Attach ``file`` (an UploadedFile or any binary file object) to ``obj``. Validates size and real type
    against ``purpose``; encrypts at rest per ``encrypt`` / the purpose / ``FILE_ENCRYPT_DEFAULT``.
    Re-sending the same content with the same name and purpose (a double submit) returns the existing
    version instead of creating a duplicate. ``check_permission=True`` (views do) requires change permission
    on ``obj`` and ``obj`` in the user's data scope."""
    if check_permission and not can_change_parent(user, obj):
        raise PermissionDenied(_("您没有为该对象上传附件的权限。"))
    name = _file_name(file, name)
    detected = validate_upload(file, name, purpose=purpose)
    digest = _sha256(file)
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    with transaction.atomic():
        existing = (
            AttachmentVersion.objects.select_related("attachment")
            .filter(attachment__content_type=ct, attachment__object_id=str(obj.pk), attachment__purpose=purpose,
                    original_name=name, sha256=digest)
            .filter(attachment__current_version_id=F("pk"))
            .first()
        )
        if existing is not None:
            return existing
        attachment = Attachment.objects.create(content_type=ct, object_id=str(obj.pk), purpose=purpose, name=name)
        version = _new_version(
            attachment=attachment, file=file, name=name, user=user, comment=comment, detected=detected,
            digest=digest, encrypted=_should_encrypt(purpose, encrypt), number=1,
        )
    _audit("create", obj, f"上传附件：{name}", {"attachment": attachment.pk, "version": 1, "sha256": digest}, user)
    return version


def add_version(*, attachment, file, user, comment: str = "", name: str | None = None,
                encrypt: bool | None = None, check_permission: bool = False) -> AttachmentVersion:
    """Replace the content of ``attachment`` with a new version (numbered max + 1). Same content as the
    current version returns the current version (idempotent retry)."""
    parent = attachment.content_object
    if check_permission and (parent is None or not can_change_parent(user, parent)):
        raise PermissionDenied(_("您没有修改该附件的权限。"))
    name = _file_name(file, name)
    detected = validate_upload(file, name, purpose=attachment.purpose)
    digest = _sha256(file)
    with transaction.atomic():
        locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
        current = locked.current_version
        if current is not None and current.sha256 == digest and current.original_name == name:
            return current
        last = locked.versions.order_by("-version").values_list("version", flat=True).first() or 0
        encrypted = _should_encrypt(locked.purpose, encrypt if encrypt is not None else (current.encrypted if current else None))
        version = _new_version(
            attachment=locked, file=file, name=name, user=user, comment=comment, detected=detected,
            digest=digest, encrypted=encrypted, number=last + 1,
        )
    attachment.refresh_from_db()
    _audit("update", parent, f"附件新版本：{name} v{version.version}", {"attachment": attachment.pk, "version": version.version}, user)
    return version


def attachment_delete(*, attachment, user, check_permission: bool = False) -> None:
    """Delete an attachment with all its versions; stored files are removed after commit."""
    parent = attachment.content_object
    if check_permission:
        allowed = parent is not None and can_change_parent(user, parent) and (
            attachment.created_by_id == user.pk or user.has_perm("egov_base.delete_attachment")
        )
        if not allowed:
            raise PermissionDenied(_("您没有删除该附件的权限。"))
    with transaction.atomic():
        locked = Attachment.objects.select_for_update().filter(pk=attachment.pk).first()
        if locked is None:
            return  # already deleted (double submit)
        names = list(locked.versions.values_list("file", flat=True))
        storage = AttachmentVersion._meta.get_field("file").storage
        label = locked.name
        locked.delete()
        transaction.on_commit(lambda: [storage.delete(n) for n in names if n])
    _audit("delete", parent, f"删除附件：{label}", {"attachment": attachment.pk}, user)


def validation_message(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)
