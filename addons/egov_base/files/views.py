"""Thin views of the files area: download (decrypting, audited), and the HTMX attachments tab actions."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .selectors import attachment_get_for_user, attachments_for, can_change_parent, can_view_parent
from .storage import open_plain


def content_disposition(filename: str, inline: bool = False) -> str:
    """RFC 6266/5987 header: an ASCII fallback plus the UTF-8 name (Chinese file names survive)."""
    kind = "inline" if inline else "attachment"
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "") or "download"
    if "." in filename and "." not in ascii_name:
        ascii_name = "download." + filename.rsplit(".", 1)[1].encode("ascii", "ignore").decode()
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


@login_required
def download(request, pk: int):
    attachment = attachment_get_for_user(pk=pk, user=request.user)
    if attachment is None:
        raise Http404(_("附件不存在或无权访问。"))
    version_no = request.GET.get("v")
    if version_no:
        version = attachment.versions.filter(version=version_no).first() if version_no.isdigit() else None
    else:
        version = attachment.current_version
    if version is None:
        raise Http404(_("附件版本不存在。"))
    services._audit("download", attachment.content_object, f"下载附件：{version.original_name} v{version.version}",
                    {"attachment": attachment.pk, "version": version.version}, request.user)
    response = StreamingHttpResponse(open_plain(version), content_type=version.mime_type or "application/octet-stream")
    response["Content-Length"] = str(version.size)
    response["Content-Disposition"] = content_disposition(version.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _parent_from_url(request, ct_id: int, object_id: str):
    ct = ContentType.objects.filter(pk=ct_id).first()
    model = ct.model_class() if ct else None
    if model is None:
        raise Http404
    from ..scope import scope_queryset

    obj = scope_queryset(model._default_manager.all(), request.user).filter(pk=object_id).first()
    if obj is None or not can_view_parent(request.user, obj):
        raise Http404(_("对象不存在或无权访问。"))
    return obj


def tab_context(request, obj) -> dict:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return {
        "attachments": attachments_for(obj, request.user),
        "parent": obj,
        "parent_ct": ct.pk,
        "can_upload": can_change_parent(request.user, obj),
        "can_delete_any": request.user.has_perm("egov_base.delete_attachment"),
    }


def _render_list(request, obj, error: str = "", status: int = 200):
    ctx = tab_context(request, obj)
    ctx["error"] = error
    return render(request, "egov_base/files/partials/attachments.html", ctx, status=status)


@login_required
def attachment_list(request, ct_id: int, object_id: str):
    return _render_list(request, _parent_from_url(request, ct_id, object_id))


@login_required
@require_POST
def upload(request, ct_id: int, object_id: str):
    obj = _parent_from_url(request, ct_id, object_id)
    if not can_change_parent(request.user, obj):
        raise PermissionDenied
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return _render_list(request, obj, _("请选择要上传的文件。"), 400)
    try:
        services.attach(obj=obj, file=uploaded, user=request.user, purpose=request.POST.get("purpose", ""),
                        comment=request.POST.get("comment", "")[:255], check_permission=True)
    except ValidationError as exc:
        return _render_list(request, obj, services.validation_message(exc), 400)
    return _render_list(request, obj)


@login_required
@require_POST
def replace(request, pk: int):
    attachment = attachment_get_for_user(pk=pk, user=request.user, change=True)
    if attachment is None:
        raise Http404
    obj = attachment.content_object
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return _render_list(request, obj, _("请选择要上传的文件。"), 400)
    try:
        services.add_version(attachment=attachment, file=uploaded, user=request.user,
                             comment=request.POST.get("comment", "")[:255], check_permission=True)
    except ValidationError as exc:
        return _render_list(request, obj, services.validation_message(exc), 400)
    return _render_list(request, obj)


@login_required
def delete(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    attachment = attachment_get_for_user(pk=pk, user=request.user, change=True)
    if attachment is None:
        raise Http404
    obj = attachment.content_object
    services.attachment_delete(attachment=attachment, user=request.user, check_permission=True)
    return _render_list(request, obj)
