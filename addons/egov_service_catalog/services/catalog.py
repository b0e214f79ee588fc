"""Catalog writes: category tree moves, item status actions, specs, form versions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from egov_base.audit.services import record_event
from egov_base.workflow import run_transition

from .. import forms_engine
from ..models import ServiceCategory, ServiceForm, ServiceItem


def category_move(*, user, category: ServiceCategory, parent: ServiceCategory | None, position: int) -> ServiceCategory:
    """Move a category under ``parent`` (None = top level) at ``position`` among its siblings (drag and drop in
    the tree). Items stay attached to their category; levels follow the new depth (at most 3)."""
    if not user.has_perm("egov_service_catalog.change_servicecategory"):
        raise PermissionDenied(_("您没有维护服务分类的权限。"))
    with transaction.atomic():
        category = ServiceCategory.objects.select_for_update().get(pk=category.pk)
        if parent is not None:
            if parent.pk == category.pk or parent.path.startswith(category.path):
                raise ValidationError(_("不能把分类移动到它自己的下级之下。"))
            subtree_depth = max(c.depth for c in category.descendants(include_self=True)) - category.depth
            if parent.depth + 1 + subtree_depth > 2:
                raise ValidationError(_("服务分类最多三级（大类/中类/小类），无法移动到该位置。"))
        old_parent = category.parent_id
        category.parent = parent
        category.save()
        siblings = list(ServiceCategory.objects.filter(parent=parent).exclude(pk=category.pk).order_by("sort", "pk"))
        position = max(0, min(int(position), len(siblings)))
        siblings.insert(position, category)
        for i, sib in enumerate(siblings):
            if sib.sort != (i + 1) * 10:
                ServiceCategory.objects.filter(pk=sib.pk).update(sort=(i + 1) * 10)
        record_event(action="update", obj=category, message=f"调整服务分类位置：{category.name}",
                     data={"from_parent": old_parent, "to_parent": getattr(parent, "pk", None), "position": position})
    category.refresh_from_db()
    return category


def item_transition(*, user, item: ServiceItem, action: str, comment: str = "") -> ServiceItem:
    """服务项审核/发布/暂停/停用 through the item's state machine (permission + guard + process log)."""
    if action == "submit_review" and not item.specs.filter(is_active=True).exists() \
            and item.service_type != ServiceItem.ServiceType.CAPABILITY:
        raise ValidationError(_("请至少配置一个可订购的规格后再提交审核。"))
    if action in ("send_back",) and not (comment or "").strip():
        raise ValidationError(_("退回修改时请填写审核意见。"))
    return run_transition(item, action, user=user, comment=comment)


def form_save_version(*, user, item: ServiceItem | None, kind: str, schema, name: str = "") -> ServiceForm:
    """Store a new version of the form of ``item`` + ``kind`` and make it the active one. The schema is checked
    (``forms_engine.clean_schema``); an unchanged schema returns the current version (no duplicate versions
    from a double click)."""
    if not user.has_perm("egov_service_catalog.manage_serviceform"):
        raise PermissionDenied(_("您没有设计电子表单的权限。"))
    if kind not in ServiceForm.Kind.values:
        raise ValidationError(_("表单类型无效。"))
    schema = forms_engine.clean_schema(schema)
    with transaction.atomic():
        if item is not None:
            ServiceItem.objects.select_for_update().filter(pk=item.pk).first()
        current = ServiceForm.objects.select_for_update().filter(item=item, kind=kind, is_active=True).first()
        if current is not None and current.schema == schema and (not name or name == current.name):
            return current
        last = ServiceForm.objects.filter(item=item, kind=kind).aggregate(v=Max("version"))["v"] or 0
        ServiceForm.objects.filter(item=item, kind=kind, is_active=True).update(is_active=False)
        form = ServiceForm.objects.create(item=item, kind=kind, version=last + 1, schema=schema, is_active=True,
                                          name=name or (current.name if current else ""))
        record_event(action="create", obj=form, message=f"保存电子表单第 {form.version} 版",
                     data={"item": getattr(item, "pk", None), "kind": kind, "version": form.version})
    return form


def form_activate(*, user, form: ServiceForm) -> ServiceForm:
    """Make an older version the active one again (roll back)."""
    if not user.has_perm("egov_service_catalog.manage_serviceform"):
        raise PermissionDenied(_("您没有设计电子表单的权限。"))
    with transaction.atomic():
        ServiceForm.objects.select_for_update().filter(item=form.item, kind=form.kind).update(is_active=False)
        ServiceForm.objects.filter(pk=form.pk).update(is_active=True)
        record_event(action="update", obj=form, message=f"启用电子表单第 {form.version} 版")
    form.refresh_from_db()
    return form


def active_form(item: ServiceItem | None, kind: str) -> ServiceForm | None:
    """The active form of an item for a kind; change/cancel fall back to the generic forms (item=None)."""
    form = ServiceForm.objects.filter(item=item, kind=kind, is_active=True).first()
    if form is None and item is not None:
        form = ServiceForm.objects.filter(item=None, kind=kind, is_active=True).first()
    return form
