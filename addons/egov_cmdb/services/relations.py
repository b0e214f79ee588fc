"""Relation services. Cardinality is enforced in the database transaction: the source and target CI rows are
locked (``SELECT … FOR UPDATE``, in primary-key order so two writers never deadlock) and the rule re-checked;
the partial unique indexes on ``Relation`` are the last line (a racing insert that slips through fails with
IntegrityError, turned into the same message)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from egov_base.scope import can_see

from ..models import CI, CIClass, CIVersion, Relation, RelationType


def _allowed_ids(rel_type: RelationType, which: str) -> set[int] | None:
    ids = list(getattr(rel_type, which).values_list("pk", flat=True))
    if not ids:
        return None
    return set(CIClass.descendant_ids_of(ids))


def _class_names(rel_type, which) -> str:
    return "、".join(c.label for c in getattr(rel_type, which).all())


def cardinality_conflict(rel_type: RelationType, source: CI, target: CI) -> Relation | None:
    """The existing relation that a new ``source -> target`` of ``rel_type`` would break, if any."""
    card = rel_type.cardinality
    qs = Relation.objects.select_related("source", "target", "type").filter(type=rel_type)
    if card in ("one_n", "one_one"):
        hit = qs.filter(target=target).exclude(source=source).first()
        if hit:
            return hit
    if card in ("n_one", "one_one"):
        hit = qs.filter(source=source).exclude(target=target).first()
        if hit:
            return hit
    return None


def conflict_message(rel_type: RelationType, source: CI, target: CI, existing: Relation) -> str:
    card = rel_type.get_cardinality_display()
    if existing.target_id == target.pk:
        why = _("目标“%(t)s”只能有一个“%(rel)s”的源") % {"t": target.name, "rel": rel_type.label}
    else:
        why = _("源“%(s)s”只能有一个“%(rel)s”的目标") % {"s": source.name, "rel": rel_type.label}
    return _("不能建立关系：违反基数约束 %(card)s，%(why)s。已存在关系：%(src)s（%(src_code)s）%(rel)s "
             "%(tgt)s（%(tgt_code)s）。") % {
        "card": card, "why": why, "src": existing.source.name, "src_code": existing.source.code,
        "rel": rel_type.label, "tgt": existing.target.name, "tgt_code": existing.target.code}


def _version_relation(ci: CI, *, user, key: str, old, new, comment: str, source: str):
    """Record a relation change in the CI's history (the CI row is already locked)."""
    ci.version += 1
    CI.objects.filter(pk=ci.pk).update(version=ci.version)
    from .ci import snapshot

    CIVersion.objects.create(ci=ci, version=ci.version, action="relation", data=snapshot(ci),
                             diff={key: [old, new]}, source=source,
                             user=user if getattr(user, "pk", None) else None, comment=comment[:255])


def relation_create(*, user, type: RelationType, source: CI, target: CI, source_tag: str = "manual",  # noqa: A002
                    description: str = "") -> Relation:
    """Create ``source --type--> target``. Idempotent (an existing identical relation is returned). Refuses self
    relations, classes outside the type's allowed source/target classes and cardinality violations (message
    names the existing relation). ``user`` None = system call (no scope check)."""
    rel_type = type
    if source.pk == target.pk:
        raise ValidationError(_("配置项不能与自身建立关系。"))
    if user is not None and not (can_see(user, source) and can_see(user, target)):
        raise PermissionDenied(_("您无权在这两个配置项之间建立关系。"))
    allowed = _allowed_ids(rel_type, "allowed_sources")
    if allowed is not None and source.ci_class_id not in allowed:
        raise ValidationError(_("“%(rel)s”关系的源必须是：%(cls)s；“%(ci)s”是%(own)s。") % {
            "rel": rel_type.label, "cls": _class_names(rel_type, "allowed_sources"), "ci": source.name,
            "own": source.ci_class.label})
    allowed = _allowed_ids(rel_type, "allowed_targets")
    if allowed is not None and target.ci_class_id not in allowed:
        raise ValidationError(_("“%(rel)s”关系的目标必须是：%(cls)s；“%(ci)s”是%(own)s。") % {
            "rel": rel_type.label, "cls": _class_names(rel_type, "allowed_targets"), "ci": target.name,
            "own": target.ci_class.label})
    with transaction.atomic():
        locked = {c.pk: c for c in CI.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
                  .order_by("pk")}
        if len(locked) != 2:
            raise ValidationError(_("配置项已被删除。"))
        rel_type = RelationType.objects.get(pk=rel_type.pk)  # the current cardinality
        existing = Relation.objects.filter(type=rel_type, source=source, target=target).first()
        if existing is not None:
            return existing
        conflict = cardinality_conflict(rel_type, source, target)
        if conflict is not None:
            raise ValidationError(conflict_message(rel_type, source, target, conflict), code="cardinality")
        try:
            with transaction.atomic():
                rel = Relation.objects.create(type=rel_type, source=source, target=target,
                                              cardinality=rel_type.cardinality, source_tag=source_tag[:32],
                                              description=description[:255])
        except IntegrityError:
            conflict = cardinality_conflict(rel_type, source, target)
            if conflict is not None:
                raise ValidationError(conflict_message(rel_type, source, target, conflict),
                                      code="cardinality") from None
            existing = Relation.objects.filter(type=rel_type, source=source, target=target).first()
            if existing is not None:
                return existing
            raise
        _version_relation(locked[source.pk], user=user, key=f"relation:{rel_type.code}", old=None,
                          new=f"{target.name}（{target.code}）", comment=_("新增关系"), source=source_tag)
        _version_relation(locked[target.pk], user=user, key=f"relation_in:{rel_type.code}", old=None,
                          new=f"{source.name}（{source.code}）", comment=_("新增关系"), source=source_tag)
    return rel


def relation_delete(*, user, relation: Relation) -> None:
    """Delete a relation (audited; recorded in the history of both CIs)."""
    if user is not None and not can_see(user, relation.source):
        raise PermissionDenied(_("您无权删除该关系。"))
    with transaction.atomic():
        locked = {c.pk: c for c in CI.objects.select_for_update()
                  .filter(pk__in=[relation.source_id, relation.target_id]).order_by("pk")}
        rel = Relation.objects.select_related("type", "source", "target").filter(pk=relation.pk).first()
        if rel is None:
            return  # already deleted (double click)
        rel.delete()
        if rel.source_id in locked:
            _version_relation(locked[rel.source_id], user=user, key=f"relation:{rel.type.code}",
                              old=f"{rel.target.name}（{rel.target.code}）", new=None,
                              comment=_("删除关系"), source="manual")
        if rel.target_id in locked:
            _version_relation(locked[rel.target_id], user=user, key=f"relation_in:{rel.type.code}",
                              old=f"{rel.source.name}（{rel.source.code}）", new=None,
                              comment=_("删除关系"), source="manual")


def relation_type_save(*, user, form) -> RelationType:
    """Create/update a relation type (generic views' create/update service): a cardinality change is copied to
    the existing relations; existing data that breaks the new rule refuses the change."""
    with transaction.atomic():
        rel_type = form.save(commit=False)
        is_new = rel_type.pk is None
        rel_type.save()
        form.save_m2m()
        if not is_new:
            try:
                with transaction.atomic():
                    Relation.objects.filter(type=rel_type).exclude(cardinality=rel_type.cardinality).update(
                        cardinality=rel_type.cardinality)
            except IntegrityError:
                raise ValidationError({"cardinality": [
                    _("现有关系数据不满足新的基数约束，请先清理重复的关系后再修改。")]}) from None
    return rel_type
