"""Writes of the search index: index one object, remove one, rebuild in batches."""

from __future__ import annotations

import logging
import re

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from .models import SearchDocument
from .registry import SearchSpec, get_spec, registered
from .segment import segment

log = logging.getLogger(__name__)

MAX_BODY = 20000
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def unigrams(text: str) -> str:
    """The CJK characters of ``text`` one by one (for exact-substring phrase matching ``'审' <-> '批'``)."""
    return " ".join(_CJK.findall(text or ""))


def _follow(obj, path):
    if path is None:
        return None
    if path == "":
        return obj
    cur = obj
    for part in path.split("__"):
        cur = getattr(cur, part, None)
        if cur is None:
            return None
    return cur


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "all") and callable(value.all):
        return " ".join(str(v) for v in value.all())
    return str(value)


def build_fields(spec: SearchSpec, obj) -> dict:
    title = str(spec.title(obj) or "")[:255]
    if spec.body is not None:
        body = str(spec.body(obj) or "")
    else:
        body = "\n".join(t for t in (_text(_follow(obj, f)) for f in spec.body_fields) if t)
    org = _follow(obj, spec.org_path)
    owner = _follow(obj, spec.owner_path)
    url = ""
    try:
        url = spec.url(obj) if spec.url else obj.get_absolute_url()
    except Exception:
        url = ""
    return {
        "title": title,
        "body": body[:MAX_BODY],
        "category": str(spec.category)[:64],
        "url": (url or "")[:500],
        "organization_id": getattr(org, "pk", None),
        "district_id": getattr(org, "district_id", None),
        "owner_id": getattr(owner, "pk", None),
        "is_global": spec.global_read,
    }


_VECTOR_SQL = """
UPDATE egov_base_searchdocument d SET vector =
    setweight(to_tsvector('simple', v.tt), 'A') || setweight(to_tsvector('simple', v.tu), 'A') ||
    setweight(to_tsvector('simple', v.bt), 'B') || setweight(to_tsvector('simple', v.bu), 'D')
FROM (VALUES {values}) AS v(id, tt, tu, bt, bu) WHERE d.id = v.id
"""


def _write_vectors(docs: list[SearchDocument]) -> None:
    if not docs:
        return
    params, rows = [], []
    for d in docs:
        rows.append("(%s::bigint, %s, %s, %s, %s)")
        params += [d.pk, segment(d.title), unigrams(d.title), segment(d.body), unigrams(d.body)]
    with connection.cursor() as cur:
        cur.execute(_VECTOR_SQL.format(values=", ".join(rows)), params)


def index_object(obj) -> SearchDocument | None:
    """Create or refresh the index entry of ``obj`` (or remove it when the spec's condition is false)."""
    spec = get_spec(obj)
    if spec is None:
        return None
    if spec.condition is not None and not spec.condition(obj):
        remove_object(obj)
        return None
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    with transaction.atomic():
        doc, _created = SearchDocument.objects.update_or_create(
            content_type=ct, object_id=str(obj.pk), defaults=build_fields(spec, obj)
        )
        _write_vectors([doc])
    return doc


def remove_object(obj) -> int:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return SearchDocument.objects.filter(content_type=ct, object_id=str(obj.pk)).delete()[0]


def reindex(model=None, *, batch_size: int = 500, stdout=None) -> int:
    """Rebuild the index of ``model`` (or of every registered model) in batches; removes stale entries.
    Returns the number of indexed objects."""
    specs = [get_spec(model)] if model is not None else registered()
    total = 0
    for spec in specs:
        if spec is None:
            continue
        ct = ContentType.objects.get_for_model(spec.model, for_concrete_model=False)
        qs = spec.model._default_manager.all().order_by("pk")
        if spec.select_related:
            qs = qs.select_related(*spec.select_related)
        seen: set[str] = set()
        last_pk = None
        while True:
            batch_qs = qs if last_pk is None else qs.filter(pk__gt=last_pk)
            batch = list(batch_qs[:batch_size])
            if not batch:
                break
            last_pk = batch[-1].pk
            objs = [o for o in batch if spec.condition is None or spec.condition(o)]
            with transaction.atomic():
                docs = [SearchDocument(content_type=ct, object_id=str(o.pk), **build_fields(spec, o)) for o in objs]
                docs = SearchDocument.objects.bulk_create(
                    docs, update_conflicts=True, unique_fields=["content_type", "object_id"],
                    update_fields=["title", "body", "category", "url", "organization", "district", "owner", "is_global", "updated_at"],
                )
                if any(d.pk is None for d in docs):
                    ids = dict(SearchDocument.objects.filter(content_type=ct, object_id__in=[d.object_id for d in docs]).values_list("object_id", "pk"))
                    for d in docs:
                        d.pk = ids.get(d.object_id)
                _write_vectors(docs)
            seen.update(str(o.pk) for o in objs)
            total += len(objs)
            if stdout is not None:
                stdout.write(f"{spec.label}: {total}")
        # stale entries (deleted objects, condition now false)
        stale = SearchDocument.objects.filter(content_type=ct).exclude(object_id__in=seen) if len(seen) < 100000 else None
        if stale is not None:
            stale.delete()
    return total
