"""CMDB reads. Every queryset shown to a user goes through ``egov_base.scope.scope_queryset``.

Contract: ``ci_queryset_for(user)`` — the CIs a user may see (classes/org/owner joined)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.fields.json import KeyTransform

from egov_base.scope import scope_queryset

from .filters import apply_filters
from .models import CI, AttributeDef, CIClass, CIVersion, Relation, RelationType, SavedQuery
from .services.values import display_value, resolve_refs


def ci_queryset_for(user):
    """CIs visible to ``user`` (data scope: managing organisation, or the user is the 负责人)."""
    return scope_queryset(CI.objects.select_related("ci_class", "organization", "owner"), user)


def ci_get(*, user, pk) -> CI:
    """A CI by pk from the scoped queryset (Http404 outside the scope)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(ci_queryset_for(user), pk=pk)


def class_list():
    return list(CIClass.objects.select_related("parent").order_by("sort", "code"))


def class_tree(*, user=None, with_counts: bool = True) -> list[dict]:
    """Nested classes ``[{"cls", "children", "count", "total"}]``; counts are of CIs the user may see."""
    classes = class_list()
    counts = {}
    if with_counts:
        qs = ci_queryset_for(user) if user is not None else CI.objects.all()
        counts = dict(qs.order_by().values_list("ci_class_id").annotate(n=Count("pk")).values_list("ci_class_id", "n"))
    nodes = {c.pk: {"cls": c, "children": [], "count": counts.get(c.pk, 0)} for c in classes}
    roots = []
    for c in classes:
        (nodes[c.parent_id]["children"] if c.parent_id in nodes else roots).append(nodes[c.pk])

    def total(n):
        n["total"] = n["count"] + sum(total(ch) for ch in n["children"])
        return n["total"]

    for r in roots:
        total(r)
    return roots


def flat_tree(*, user=None) -> list[dict]:
    """The class tree flattened with a ``depth`` (for selects and the designer's tree)."""
    out = []

    def walk(nodes, depth):
        for n in nodes:
            out.append({**n, "depth": depth})
            walk(n["children"], depth + 1)

    walk(class_tree(user=user), 0)
    return out


def attributes_by_group(ci_class: CIClass) -> list[tuple[str, str, list[AttributeDef]]]:
    """``[(group code, group label, [attributes])]`` in the group order 基本/管理/属性/维护/自定义."""
    attrs = ci_class.all_attributes()
    out = []
    for code, label in AttributeDef.Group.choices:
        items = [a for a in attrs if a.group == code]
        if items:
            out.append((code, label, items))
    return out


def _org_ids_of(org_id: int) -> list[int]:
    from egov_base.org.models import Organization

    org = Organization.objects.filter(pk=org_id).only("path").first()
    if org is None:
        return [org_id]
    return list(Organization.objects.filter(path__startswith=org.path).values_list("pk", flat=True))


def ci_list(*, user, ci_class: CIClass | None, filters: dict, attrs_def: dict | None = None, sort: str = ""):
    """Scoped CIs of a class and its subclasses matching ``filters`` (see filters.py). Returns (qs, errors)."""
    qs = ci_queryset_for(user)
    if ci_class is not None:
        qs = qs.filter(ci_class_id__in=ci_class.descendant_ids())
        attrs_def = attrs_def if attrs_def is not None else {a.code: a for a in ci_class.all_attributes()}
    qs, errors = apply_filters(qs, filters, attrs_def=attrs_def or {}, org_ids_of=_org_ids_of)
    qs = qs.order_by(*_ordering(sort, attrs_def or {}))
    return qs, errors


def _ordering(sort: str, attrs_def: dict) -> list:
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    fixed = {"code": "code", "name": "name", "organization": "organization__name", "status": "status",
             "lifecycle": "lifecycle", "updated_at": "updated_at", "owner": "owner__name", "version": "version"}
    if key in fixed:
        f = fixed[key]
        return [f"-{f}" if desc else f, "pk"]
    if key in attrs_def:
        expr = KeyTransform(key, "attrs")
        return [expr.desc(nulls_last=True) if desc else expr.asc(nulls_last=True), "pk"]
    return ["code"]


def list_columns(ci_class: CIClass, chosen: list[str] | None = None) -> list[dict]:
    """Columns of a class's list: fixed + attributes (``chosen`` or the attributes flagged list_display)."""
    from django.utils.translation import gettext as _

    fixed = [("code", _("内部标识")), ("name", _("名称")), ("ci_class", _("类")), ("organization", _("管理部门")),
             ("owner", _("负责人")), ("status", _("运行状态")), ("lifecycle", _("生命周期")),
             ("updated_at", _("更新时间"))]
    attrs = ci_class.all_attributes()
    all_cols = [{"key": k, "label": lbl, "attr": None} for k, lbl in fixed] + \
               [{"key": a.code, "label": a.label, "attr": a} for a in attrs]
    default = ["code", "name", "organization", "status", "lifecycle"] + [a.code for a in attrs if a.list_display]
    wanted = [c for c in (chosen or default) if any(col["key"] == c for col in all_cols)] or default
    for col in all_cols:
        col["checked"] = col["key"] in wanted
    ordered = [next(col for col in all_cols if col["key"] == k) for k in wanted]
    return ordered, all_cols


def row_cells(objs, columns) -> list[dict]:
    """Display rows for a page of CIs (reference labels resolved in bulk: no N+1)."""
    from django.utils import formats

    attrs = [c["attr"] for c in columns if c["attr"] is not None]
    refs = resolve_refs(attrs, [o.attrs for o in objs])
    rows = []
    for o in objs:
        cells = []
        for c in columns:
            k = c["key"]
            if c["attr"] is not None:
                cells.append({"key": k, "value": display_value(c["attr"], o.attrs.get(k), refs=refs)})
            elif k == "ci_class":
                cells.append({"key": k, "value": o.ci_class.label})
            elif k == "organization":
                cells.append({"key": k, "value": o.organization.name if o.organization_id else ""})
            elif k == "owner":
                cells.append({"key": k, "value": (o.owner.name or o.owner.username) if o.owner_id else ""})
            elif k == "status":
                cells.append({"key": k, "value": o.get_status_display(), "status": o.status})
            elif k == "lifecycle":
                cells.append({"key": k, "value": o.get_lifecycle_display(), "lifecycle": o.lifecycle})
            elif k == "updated_at":
                cells.append({"key": k, "value": formats.date_format(o.updated_at, "Y年n月j日 H:i")})
            else:
                cells.append({"key": k, "value": getattr(o, k, "")})
        rows.append({"obj": o, "cells": cells})
    return rows


def ci_relations(*, user, ci: CI) -> dict:
    """Outgoing and incoming relations of a CI; the CI at the other end only when the user may see it."""
    visible = ci_queryset_for(user).values("pk")
    out = (Relation.objects.filter(source=ci, target__in=visible)
           .select_related("type", "target", "target__ci_class", "target__organization").order_by("type__sort", "pk"))
    inc = (Relation.objects.filter(target=ci, source__in=visible)
           .select_related("type", "source", "source__ci_class", "source__organization").order_by("type__sort", "pk"))
    hidden = (Relation.objects.filter(Q(source=ci) & ~Q(target__in=visible)).count()
              + Relation.objects.filter(Q(target=ci) & ~Q(source__in=visible)).count())
    return {"out": list(out), "in": list(inc), "hidden": hidden}


def relation_types_for(ci: CI, *, direction: str = "out") -> list[RelationType]:
    """Relation types the CI may take part in as source (``out``) or target (``in``)."""
    lineage = set(ci.ci_class.lineage_ids())
    out = []
    for rt in RelationType.objects.prefetch_related("allowed_sources", "allowed_targets"):
        allowed = rt.allowed_sources.all() if direction == "out" else rt.allowed_targets.all()
        if not allowed or lineage & {c.pk for c in allowed}:
            out.append(rt)
    return out


def ci_versions(*, ci: CI, limit: int = 200):
    return list(CIVersion.objects.filter(ci=ci).select_related("user").order_by("-version")[:limit])


def saved_queries(*, user, ci_class: CIClass):
    return list(SavedQuery.objects.filter(ci_class=ci_class).filter(Q(user=user) | Q(shared=True))
                .select_related("user").order_by("name"))


def ci_search(*, user, term: str, ci_class_ids=None, limit: int = 20):
    """For reference pickers and relation dialogs: name/code contains ``term``."""
    qs = ci_queryset_for(user)
    if ci_class_ids:
        qs = qs.filter(ci_class_id__in=ci_class_ids)
    term = (term or "").strip()
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(code__icontains=term))
    return list(qs.order_by("name")[:limit])
