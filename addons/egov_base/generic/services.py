"""Writes of the generic area. Every write runs in one transaction and checks data scope."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _

from ..context import acting_as, get_current_user
from ..scope import DataScope, can_see, get_scope_fields, org_in_scope, user_scope
from .models import Comment, ListPreference


def record_event(**kwargs) -> None:
    """Audit through egov_base.audit (function-local import: audit imports the generic registry)."""
    from ..audit.services import record_event as _record

    _record(**kwargs)


def _resolve_org(obj, path: str):
    if path == "":
        return obj
    cur = obj
    for part in path.split("__"):
        cur = getattr(cur, part, None)
        if cur is None:
            return None
    return cur


def object_in_scope(user, obj) -> bool:
    """May ``user`` write ``obj`` as it now stands (its organisation inside the user's data scope)?"""
    if user is None:
        return False
    if user_scope(user) == DataScope.ALL:
        return True
    spec = get_scope_fields(type(obj))
    if spec is None:
        return False
    if spec.global_read:
        return True
    if spec.org is not None:
        org = _resolve_org(obj, spec.org)
        if spec.org == "":
            return obj.pk is not None and can_see(user, obj)
        return org_in_scope(user, org)
    if spec.owner is not None:
        owner = obj if spec.owner == "" else _resolve_org(obj, spec.owner)
        return owner is None or getattr(owner, "pk", None) == user.pk
    return False


def _scope_error():
    return ValidationError(_("所选单位超出您的数据范围，不能保存。"), code="out_of_scope")


def _ctx(user):
    return acting_as(user, source="web") if get_current_user() is None and user is not None else _nullctx()


class _nullctx:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def _save_form(form):
    obj = form.save(commit=False)
    obj.save()
    form.save_m2m()
    return obj


def object_create(*, user, form=None, instance=None):
    """Create from a bound, valid ModelForm (or a prepared unsaved ``instance``). Raises ValidationError when
    the result lies outside the user's data scope (nothing is written)."""
    with _ctx(user), transaction.atomic():
        obj = _save_form(form) if form is not None else instance
        if form is None:
            obj.save()
        if not object_in_scope(user, obj):
            raise _scope_error()
    record_event(action="create", obj=obj, model=type(obj), message=str(obj), data={})
    return obj


def object_update(*, user, obj=None, form=None):
    with _ctx(user), transaction.atomic():
        if form is not None:
            obj = _save_form(form)
        else:
            obj.save()
        if not object_in_scope(user, obj):
            raise _scope_error()
    record_event(action="update", obj=obj, model=type(obj), message=str(obj), data={})
    return obj


class DeleteProtected(Exception):
    """Raised when rows still reference the object; ``objects`` lists (some of) them."""

    def __init__(self, objects):
        super().__init__("protected")
        self.objects = list(objects)


def object_delete(*, user, obj) -> None:
    """Delete ``obj``; raises DeleteProtected (nothing deleted) when referenced rows protect it."""
    if not object_in_scope(user, obj):
        raise PermissionDenied
    label, model = str(obj), type(obj)
    try:
        with _ctx(user), transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError) as exc:
        objs = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", None) or []
        raise DeleteProtected(list(objs)[:50]) from None
    record_event(action="delete", obj=None, model=model, message=label, data={})


def objects_bulk_delete(*, user, queryset) -> int:
    """Delete every object of an already scoped queryset in one transaction; all or nothing."""
    count = 0
    try:
        with _ctx(user), transaction.atomic():
            for obj in queryset:
                if not object_in_scope(user, obj):
                    raise PermissionDenied
                obj.delete()
                count += 1
    except (ProtectedError, RestrictedError) as exc:
        objs = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", None) or []
        raise DeleteProtected(list(objs)[:50]) from None
    record_event(action="delete", obj=None, model=queryset.model, message=f"bulk {count}", data={"count": count})
    return count


def comment_add(*, user, obj, body: str, idempotency_key: str = "") -> Comment:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("评论内容不能为空。"), code="required")
    if len(body) > 5000:
        raise ValidationError(_("评论内容不能超过 5000 字。"), code="max_length")
    if not can_see(user, obj):
        raise PermissionDenied
    ct = ContentType.objects.get_for_model(type(obj))
    if idempotency_key:
        existing = Comment.objects.filter(author=user, idempotency_key=idempotency_key[:64]).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            return Comment.objects.create(
                content_type=ct, object_id=str(obj.pk), author=user, body=body, idempotency_key=idempotency_key[:64]
            )
    except IntegrityError:
        return Comment.objects.get(author=user, idempotency_key=idempotency_key[:64])


PAGE_SIZES = (20, 50, 100)


def list_preference_set(*, user, model, columns=None, page_size=None) -> ListPreference:
    key = f"{model._meta.app_label}.{model._meta.model_name}"
    with transaction.atomic():
        pref, _created = ListPreference.objects.select_for_update().get_or_create(user=user, model_key=key)
        if columns is not None:
            pref.columns = list(columns)
        if page_size is not None and int(page_size) in PAGE_SIZES:
            pref.page_size = int(page_size)
        pref.save()
    return pref
