"""Reads of the org area used by views, API and reports."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import QuerySet

from ..scope import DataScope, scope_queryset, user_scope
from .models import Organization, OrganizationContact, Role, User


def organization_list(*, user) -> QuerySet:
    return scope_queryset(Organization.objects.select_related("region", "district"), user)


def contact_list(*, user, organization=None) -> QuerySet:
    qs = scope_queryset(OrganizationContact.objects.select_related("organization"), user)
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs


def user_list(*, user) -> QuerySet:
    return scope_queryset(User.objects.select_related("organization"), user)


def assignable_scopes(user) -> list[str]:
    """Data scopes ``user`` may hand out: never wider than the user's own."""
    own = user_scope(user)
    return DataScope.ORDER[DataScope.ORDER.index(own):]


def assignable_roles(user) -> QuerySet:
    """Roles ``user`` may assign: the sysadmin role only by superusers/sysadmins, and only roles whose default
    data scope is not wider than the user's own."""
    qs = Role.objects.select_related("group").order_by("sort", "code")
    if user.is_superuser:
        return qs
    qs = qs.filter(default_data_scope__in=assignable_scopes(user))
    if not user.has_role("sysadmin"):
        qs = qs.exclude(code="sysadmin")
    return qs


def can_view_id_card(user) -> bool:
    return user.has_perm("egov_base.view_id_card")


CRUD = ("view", "add", "change", "delete")


def permission_matrix(role: Role | None = None):
    """Rows for the permission matrix: [{app, app_label, rows: [{model, name, crud: [(action, perm, checked)],
    custom: [(perm, checked)]}]}] for egov apps."""
    apps_order = ["egov_base", *[a for a in settings.EGOV_ADDONS if a != "egov_base"]]
    perms = (Permission.objects.filter(content_type__app_label__in=apps_order)
             .select_related("content_type").order_by("content_type__app_label", "content_type__model", "codename"))
    granted = set(role.group.permissions.values_list("pk", flat=True)) if role else set()
    from django.apps import apps as django_apps

    by_model: dict = {}
    for p in perms:
        key = (p.content_type.app_label, p.content_type.model)
        by_model.setdefault(key, []).append(p)
    out = []
    for app_label in apps_order:
        try:
            app_cfg = django_apps.get_app_config(app_label)
        except LookupError:
            continue
        rows = []
        for (al, model_name), plist in by_model.items():
            if al != app_label:
                continue
            model = django_apps.get_model(al, model_name) if model_name in app_cfg.models else None
            label = str(model._meta.verbose_name) if model else model_name
            crud, custom = [], []
            by_code = {p.codename: p for p in plist}
            for action in CRUD:
                p = by_code.pop(f"{action}_{model_name}", None)
                crud.append((action, p, p is not None and p.pk in granted))
            for p in by_code.values():
                custom.append((p, p.pk in granted))
            rows.append({"model": model_name, "name": label, "crud": crud, "custom": custom})
        if rows:
            out.append({"app_label": app_label, "app": str(app_cfg.verbose_name), "rows": rows})
    return out
