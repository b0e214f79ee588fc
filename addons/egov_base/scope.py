"""Data scope: the one function that limits any queryset to what a user may see.

Every generic view, API viewset, export, search and report calls ``scope_queryset``. A model says how its
rows map to organisations and owners with a ``scope_fields = ScopeFields(...)`` class attribute:

* ``org``   — path to the owning ``Organization`` ("organization", "request__organization"; "" = the model
  *is* Organization);
* ``owner`` — path to the owning user ("created_by", "applicant"; "" = the model *is* User);
* ``global_read`` — reference data every signed-in user may read (dictionary, regions); writes still
  need model permissions.

A model without ``scope_fields`` is visible only to users with data scope ``all`` (fail closed).

User data scopes: ``all`` — everything; ``city`` — records of city-level organisations (no district);
``district`` — records of organisations in the user's own district; ``org`` — the user's organisation and its
sub-units; ``self`` — only records the user owns. Owners always see their own records.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _


class DataScope:
    ALL = "all"
    CITY = "city"
    DISTRICT = "district"
    ORG = "org"
    SELF = "self"

    CHOICES = [
        (ALL, _("全部数据")),
        (CITY, _("市级数据")),
        (DISTRICT, _("本区(市)县数据")),
        (ORG, _("本单位数据")),
        (SELF, _("仅本人数据")),
    ]
    # Wider first; used to pick the widest scope among a user's roles.
    ORDER = [ALL, CITY, DISTRICT, ORG, SELF]


@dataclass(frozen=True)
class ScopeFields:
    org: str | None = None
    owner: str | None = None
    global_read: bool = False


def _join(prefix: str | None, name: str) -> str:
    return f"{prefix}__{name}" if prefix else name


def get_scope_fields(model: type[Model]) -> ScopeFields | None:
    return getattr(model, "scope_fields", None)


def user_scope(user) -> str:
    """The effective data scope of a user (superusers: all)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return DataScope.SELF
    if user.is_superuser:
        return DataScope.ALL
    return user.effective_data_scope


def scope_q(model: type[Model], user) -> Q | None:
    """The filter for ``model`` rows visible to ``user``; ``None`` means no restriction. A Q that matches
    nothing is ``Q(pk__in=[])``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    scope = user_scope(user)
    if scope == DataScope.ALL:
        return None
    spec = get_scope_fields(model)
    if spec is None:
        return Q(pk__in=[])
    if spec.global_read:
        return None

    q = Q(pk__in=[])
    if spec.owner is not None:
        q |= Q(**{_join(spec.owner, "pk") if spec.owner else "pk": user.pk})

    org = user.organization if user.organization_id else None
    if spec.org is not None and scope != DataScope.SELF:
        org_filter = None
        if scope == DataScope.CITY:
            org_filter = {"district__isnull": True}
        elif scope == DataScope.DISTRICT and org is not None and org.district_id:
            org_filter = {"district_id": org.district_id}
        elif scope in (DataScope.ORG, DataScope.DISTRICT) and org is not None:
            # ORG; and a district-scoped user outside any district falls back to own organisation
            org_filter = {"path__startswith": org.path}
        if org_filter is not None:
            if spec.org == "":
                q |= Q(**org_filter)  # the model is Organization itself
            else:
                # ``organization_id IN (1, 2, ...)``: the small organisation table is filtered first (one indexed
                # query) and the records are found through their indexed foreign key, OR-ed with the owner index,
                # instead of joining every record to its organisation (a literal list lets PostgreSQL use a
                # BitmapOr; a sub-select does not). See docs/operator/performance.md for the measurements.
                from .org.models import Organization

                org_ids = list(Organization.objects.filter(**org_filter).values_list("pk", flat=True))
                q |= Q(**{f"{spec.org}__in": org_ids})
    return q


def scope_queryset(qs: QuerySet, user) -> QuerySet:
    """Limit ``qs`` to rows ``user`` may see. The single scoping function of the platform."""
    q = scope_q(qs.model, user)
    if q is None:
        return qs
    return qs.filter(q)


def can_see(user, obj: Model) -> bool:
    q = scope_q(type(obj), user)
    if q is None:
        return True
    return type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def org_in_scope(user, organization) -> bool:
    """May ``user`` create or move records into ``organization``?"""
    from .org.models import Organization

    if organization is None:
        return user_scope(user) == DataScope.ALL
    return can_see(user, organization) if isinstance(organization, Organization) else False


def allowed_organizations(user) -> QuerySet:
    from .org.models import Organization

    return scope_queryset(Organization.objects.all(), user)
