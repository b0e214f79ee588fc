"""Reads of the audit area: entry lists, an object's history, statistics and chain verification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import GENESIS_HASH, AuditEntry


def audit_entry_list(*, filters: dict | None = None):
    """Entries matching ``filters`` (keys: since, until, actor, action, model (content type id or
    "app_label.model"), object_id, ip, q), newest first."""
    qs = AuditEntry.objects.select_related("content_type").order_by("-id")
    f = filters or {}
    if f.get("since"):
        qs = qs.filter(time__gte=f["since"])
    if f.get("until"):
        qs = qs.filter(time__lt=f["until"])
    if f.get("actor"):
        actor = str(f["actor"]).strip()
        qs = qs.filter(actor_id=int(actor)) if actor.isdigit() else qs.filter(actor_name__icontains=actor)
    if f.get("action"):
        qs = qs.filter(action=f["action"])
    if f.get("model"):
        model = str(f["model"])
        if model.isdigit():
            qs = qs.filter(content_type_id=int(model))
        elif "." in model:
            app_label, name = model.split(".", 1)
            qs = qs.filter(content_type__app_label=app_label, content_type__model=name.lower())
    if f.get("object_id"):
        qs = qs.filter(object_id=str(f["object_id"]))
    if f.get("ip"):
        qs = qs.filter(ip=f["ip"])
    if f.get("q"):
        q = f["q"]
        qs = qs.filter(Q(object_repr__icontains=q) | Q(message__icontains=q) | Q(actor_name__icontains=q))
    return qs


def audit_history_for(obj, *, limit: int = 100):
    ct = ContentType.objects.get_for_model(type(obj), for_concrete_model=False)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("-id")[:limit]


def audit_statistics(*, days: int = 30) -> dict:
    since = timezone.now() - timedelta(days=days)
    qs = AuditEntry.objects.filter(time__gte=since)
    by_action = list(qs.values("action").annotate(n=Count("id")).order_by("-n"))
    labels = dict(AuditEntry.Action.choices)
    for row in by_action:
        row["label"] = str(labels.get(row["action"], row["action"]))
    by_day = list(qs.annotate(day=TruncDate("time")).values("day").annotate(n=Count("id")).order_by("day"))
    top_users = list(
        qs.exclude(actor_id=None).values("actor_id", "actor_name").annotate(n=Count("id")).order_by("-n")[:10]
    )
    failed = list(
        qs.filter(action__in=["login_failed", "locked"]).values("actor_name", "action").annotate(n=Count("id")).order_by("-n")[:10]
    )
    denials = list(qs.filter(action="denied").values("actor_name", "message").annotate(n=Count("id")).order_by("-n")[:10])
    return {
        "days": days,
        "total": sum(r["n"] for r in by_action),
        "by_action": by_action,
        "by_day": [{"day": r["day"].isoformat(), "n": r["n"]} for r in by_day],
        "top_users": top_users,
        "failed_logins": failed,
        "denials": denials,
    }


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    last_id: int | None
    broken_id: int | None = None
    reason: str = ""


def audit_chain_verify(*, batch_size: int = 2000) -> VerifyResult:
    """Walk the chain in id order, in batches (constant memory). Detects a changed column of any row (its
    hash no longer matches), a deleted row (gap in ids, or the next row's prev_hash not matching) and a
    reordered or re-linked row."""
    prev_id = 0
    prev_hash = GENESIS_HASH
    checked = 0
    while True:
        batch = list(AuditEntry.objects.filter(id__gt=prev_id).order_by("id")[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.id != prev_id + 1:
                return VerifyResult(False, checked, prev_id or None, entry.id,
                                    f"序号不连续：#{prev_id} 之后是 #{entry.id}，中间的记录被删除。")
            if entry.prev_hash != prev_hash:
                return VerifyResult(False, checked, prev_id or None, entry.id,
                                    f"#{entry.id} 的前一条哈希与 #{prev_id} 不一致（记录被删除或替换）。")
            if entry.compute_hash() != entry.hash:
                return VerifyResult(False, checked, prev_id or None, entry.id, f"#{entry.id} 的内容与哈希不一致（记录被篡改）。")
            prev_id, prev_hash = entry.id, entry.hash
            checked += 1
    return VerifyResult(True, checked, prev_id or None)
