"""Impact analysis and topology graphs over the CMDB relation graph, and the saved topology views.

Direction: "X depends on Y" is ``Relation(source=X, target=Y)`` of a type with ``is_dependency``. A fault of Y
impacts X, so the impact of a CI is everything reachable by following dependency relations backwards
(target → source). Both traversals are PostgreSQL recursive CTEs over ``egov_cmdb_relation``:

* rows are ``(ci, via, type, depth)`` combined with ``UNION`` (set semantics), so a relation is walked at most
  once per depth: work is bounded by ``relations × max_depth`` whatever cycles the graph holds;
* the start CIs are never re-entered, and the depth is bounded (``max_depth`` ≤ 8);
* only the shortest-path edges come back (window ``min(depth)`` per CI), from which the paths are built.

Data scope (decided for the platform, see docs/developer/cmdb-topology.md): the traversal walks the whole graph —
a district's business system really does fail when the centre's core switch fails — but a user only *sees* the
CIs in his data scope. Affected business systems outside the scope are left out of the result (only their
number is given) and the intermediate CIs of a path that lie outside the scope are redacted (class only, no id,
name or link). ``user=None`` (internal callers: monitoring, helpdesk) gets everything.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from egov_base.audit.services import record_event
from egov_base.scope import org_in_scope, scope_queryset

MAX_DEPTH = 8
MAX_PATHS = 3
PATH_SYSTEMS = 200  # paths are built for the nearest 200 affected systems (a core switch can hit hundreds)
MAX_NODES = 400
BUSINESS_SYSTEM = "business_system"
# Non-dependency relation types drawn in a topology besides the dependencies (where a device sits, what it is
# part of). "connects" (cabling between peers) is left out by default: it would pull in the whole network.
TOPOLOGY_EXTRA_TYPES = ("belongs_to", "composed_of", "installed_in", "hosted_on", "runs_on", "uplink", "depends_on")

__all__ = [
    "ImpactResult", "impact_of", "dependency_type_ids", "business_system_class_ids", "topology_graph",
    "topology_type_ids", "topology_view_create", "topology_view_update", "topology_view_copy",
    "topology_view_delete", "topology_view_save_layout", "ci_mark_status",
]


# ---------------------------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------------------------

def dependency_type_ids() -> list[int]:
    from ..models import RelationType

    return list(RelationType.objects.filter(is_dependency=True).values_list("pk", flat=True))


def business_system_class_ids() -> list[int]:
    from ..models import CIClass

    root = CIClass.objects.filter(code=BUSINESS_SYSTEM).values_list("pk", flat=True).first()
    return CIClass.descendant_ids_of([root]) if root else []


def topology_type_ids(codes=None) -> list[int]:
    """Relation types a topology follows: the given codes, else every dependency type plus TOPOLOGY_EXTRA_TYPES."""
    from django.db.models import Q

    from ..models import RelationType

    qs = RelationType.objects.all()
    qs = qs.filter(code__in=list(codes)) if codes else qs.filter(Q(is_dependency=True) | Q(code__in=TOPOLOGY_EXTRA_TYPES))
    return list(qs.values_list("pk", flat=True))


def _clean_ids(ids) -> list[int]:
    out = []
    for value in ids or ():
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            raise ValidationError(_("配置项编号必须是整数。")) from None
    return sorted(set(out))


def _visible_ids(user, ids) -> set[int]:
    from ..models import CI

    if user is None:
        return set(ids)
    return set(scope_queryset(CI.objects.filter(pk__in=list(ids)), user).values_list("pk", flat=True))


_ROW_FIELDS = ("pk", "name", "code", "status", "ci_class_id", "organization__short_name", "organization__name")


def _rows_by_id(ids) -> dict[int, tuple]:
    """CI rows (``_ROW_FIELDS``) by id: tuples, not model instances (a big impact set has thousands of nodes)."""
    from ..models import CI

    return {row[0]: row for row in CI.objects.filter(pk__in=list(ids)).values_list(*_ROW_FIELDS)}


class _NodeInfo:
    """Builds the node dicts of a result from ``_rows_by_id`` rows. Class labels, status labels and the URL
    pattern are computed once per call (per-node ``reverse()`` and lazy translations used to dominate)."""

    def __init__(self):
        from django.urls import reverse

        from ..models import CI, CIClass

        self.url = reverse("egov_cmdb:ci_detail", args=[0]).replace("/0/", "/{}/")
        self.status = {value: str(label) for value, label in CI.Status.choices}
        self.redacted_name = str(_("（无权查看）"))
        self.classes = {c.pk: (c.code, str(c.label), c.icon or "box") for c in CIClass.objects.all()}

    def __call__(self, row, visible: bool) -> dict:
        pk, name, code_, status, cls_id, org_short, org_name = row
        code, label, icon = self.classes.get(cls_id, ("", "", "box"))
        if not visible:
            return {"id": None, "name": self.redacted_name, "code": "", "class_code": code, "class_name": label,
                    "icon": icon, "status": "", "status_label": "", "organization": "", "url": "", "redacted": True}
        return {
            "id": pk, "name": name, "code": code_, "class_code": code, "class_name": label, "icon": icon,
            "status": status, "status_label": self.status.get(status, status),
            "organization": org_short or org_name or "", "url": self.url.format(pk), "redacted": False,
        }


# ---------------------------------------------------------------------------------------------------------------
# impact analysis
# ---------------------------------------------------------------------------------------------------------------

_IMPACT_SQL = """
WITH RECURSIVE walk(ci_id, via_id, type_id, depth) AS (
    SELECT s, NULL::bigint, NULL::bigint, 0 FROM unnest(%(start)s::bigint[]) AS s
  UNION
    SELECT r.source_id, w.ci_id, r.type_id, w.depth + 1
      FROM walk w
      JOIN egov_cmdb_relation r ON r.target_id = w.ci_id
     WHERE w.depth < %(max_depth)s
       AND r.type_id = ANY(%(types)s::bigint[])
       AND r.source_id <> ALL(%(start)s::bigint[])
)
SELECT x.ci_id, x.via_id, x.type_id, x.depth, c.ci_class_id = ANY(%(systems)s::bigint[]) AS is_system
  FROM (SELECT w.*, min(w.depth) OVER (PARTITION BY w.ci_id) AS best FROM walk w) x
  JOIN egov_cmdb_ci c ON c.id = x.ci_id
 WHERE x.depth = x.best
"""


@dataclass
class ImpactResult:
    """What a fault of ``sources`` impacts. ``systems``: affected business systems visible to the user, nearest
    first, each ``{"ci": node, "depth": n, "paths": [[node, {"relation": name}, node, ...], ...]}`` where a path
    runs from the faulty CI up to the system. ``impacted_ids``: every impacted CI id the user may see (for the
    graph overlay). ``hidden_systems``: affected systems outside the user's scope (count only)."""

    sources: list[int]
    max_depth: int
    systems: list[dict] = field(default_factory=list)
    impacted_ids: list[int] = field(default_factory=list)
    impacted_count: int = 0
    hidden_systems: int = 0
    paths_truncated: bool = False

    def as_dict(self) -> dict:
        return {
            "sources": self.sources, "max_depth": self.max_depth, "systems": self.systems,
            "system_count": len(self.systems), "hidden_systems": self.hidden_systems,
            "impacted_ids": self.impacted_ids, "impacted_count": self.impacted_count,
            "paths_truncated": self.paths_truncated,
        }


def _impact_rows(start: list[int], max_depth: int, types: list[int], systems: list[int] | None = None) -> list[tuple]:
    """Rows ``(ci, via, type, depth, is_system)`` of the shortest-path edges of the impact walk."""
    with connection.cursor() as cur:
        cur.execute(_IMPACT_SQL, {"start": start, "max_depth": max_depth, "types": types, "systems": systems or []})
        return cur.fetchall()


def _paths_to(target: int, parents: dict[int, list[tuple[int, int]]], limit: int) -> list[list[tuple[int, int]]]:
    """Up to ``limit`` shortest paths from a start CI to ``target``: lists of (ci, type) from the start, where
    ``type`` is the relation type linking this ci to the next one (None for the last)."""
    out: list[list[tuple[int, int]]] = []

    def walk(node: int, acc: list[tuple[int, int | None]], type_in):
        if len(out) >= limit:
            return
        acc = [(node, type_in), *acc]
        ups = parents.get(node)
        if not ups:
            out.append(acc)
            return
        for via, type_id in ups:
            walk(via, acc, type_id)
            if len(out) >= limit:
                return

    walk(target, [], None)
    return out


def impact_of(ci_ids, *, user=None, max_depth: int = MAX_DEPTH, max_paths: int = MAX_PATHS,
              path_systems: int | None = PATH_SYSTEMS) -> ImpactResult:
    """The business systems affected by a fault of the CIs ``ci_ids``, nearest first, with up to ``max_paths``
    shortest paths each (faulty CI → … → system) for the nearest ``path_systems`` systems (``None``: all; the
    others come with ``"paths": []``). ``user`` limits the result to his data scope (see the module doc); the
    start CIs must be visible to him (others are ignored)."""
    from ..models import RelationType

    try:
        max_depth = int(max_depth)
    except (TypeError, ValueError):
        raise ValidationError(_("最大深度必须是 1 到 %(max)s 之间的整数。") % {"max": MAX_DEPTH}) from None
    if not 1 <= max_depth <= MAX_DEPTH:
        raise ValidationError(_("最大深度必须是 1 到 %(max)s 之间的整数。") % {"max": MAX_DEPTH})
    start = _clean_ids(ci_ids)
    if user is not None and start:
        start = sorted(_visible_ids(user, start))
    result = ImpactResult(sources=start, max_depth=max_depth)
    types = dependency_type_ids()
    if not start or not types:
        return result

    rows = _impact_rows(start, max_depth, types, business_system_class_ids())
    depth_of: dict[int, int] = {}
    parents: dict[int, list[tuple[int, int]]] = defaultdict(list)
    all_systems = set()
    for ci_id, via_id, type_id, depth, is_system in rows:
        depth_of[ci_id] = depth
        if via_id is not None:
            parents[ci_id].append((via_id, type_id))
        if is_system and depth > 0:
            all_systems.add(ci_id)
    for lst in parents.values():
        lst.sort()
    impacted = [pk for pk, d in depth_of.items() if d > 0]
    visible = _visible_ids(user, impacted) if user is not None else set(impacted)
    result.impacted_ids = sorted(visible)
    result.impacted_count = len(visible)
    system_ids = [pk for pk in all_systems if pk in visible]
    result.hidden_systems = len(all_systems) - len(system_ids)
    system_ids.sort(key=lambda pk: (depth_of[pk], pk))

    with_paths = system_ids if path_systems is None else system_ids[:path_systems]
    raw_paths = {pk: _paths_to(pk, parents, max_paths) for pk in with_paths}
    result.paths_truncated = len(with_paths) < len(system_ids)
    node_ids = set(system_ids) | {ci for paths in raw_paths.values() for path in paths for ci, _t in path}
    cis = _rows_by_id(node_ids)
    type_names = {t.pk: (t.reverse_label, t.code) for t in RelationType.objects.filter(pk__in=types)}
    visible_nodes = visible | set(start)
    node_info = _NodeInfo()
    for pk in system_ids:
        paths = []
        for path in raw_paths.get(pk, ()):
            # path: [(start, None), (ci1, type start→ci1 reversed) ...]: type is the relation ci_k --type--> ci_k-1
            # the next CI depends on this one: "交换机 —下联→ 服务器" reads with the reverse name
            steps = []
            for ci_id, type_id in path:
                node = node_info(cis[ci_id], ci_id in visible_nodes)
                steps.append({k: node[k] for k in ("id", "name", "class_code", "class_name", "status", "redacted")})
                if type_id is not None:
                    name, code = type_names.get(type_id, ("", ""))
                    steps.append({"relation": name, "type": code})
            paths.append(steps)
        result.systems.append({"ci": node_info(cis[pk], True), "depth": depth_of[pk], "paths": paths})
    return result


# ---------------------------------------------------------------------------------------------------------------
# topology graph (what a CI depends on, what depends on it)
# ---------------------------------------------------------------------------------------------------------------

_WALK_DOWN = """
WITH RECURSIVE walk(ci_id, depth, stop) AS (
    SELECT s, 0, false FROM unnest(%(start)s::bigint[]) AS s
  UNION
    SELECT r.target_id, w.depth + 1, c.ci_class_id = ANY(%(stop_classes)s::bigint[])
      FROM walk w
      JOIN egov_cmdb_relation r ON r.source_id = w.ci_id
      JOIN egov_cmdb_ci c ON c.id = r.target_id
     WHERE w.depth < %(max_depth)s AND NOT w.stop AND r.type_id = ANY(%(types)s::bigint[])
)
SELECT ci_id, min(depth) AS d FROM walk GROUP BY ci_id ORDER BY d, ci_id LIMIT %(limit)s
"""
# Upwards nothing stops: what depends on a CI, and what depends on that, up to the business systems and the
# systems that call them.
_WALK_UP = """
WITH RECURSIVE walk(ci_id, depth) AS (
    SELECT s, 0 FROM unnest(%(start)s::bigint[]) AS s
  UNION
    SELECT r.source_id, w.depth + 1 FROM walk w JOIN egov_cmdb_relation r ON r.target_id = w.ci_id
     WHERE w.depth < %(max_depth)s AND r.type_id = ANY(%(types)s::bigint[])
)
SELECT ci_id, min(depth) AS d FROM walk GROUP BY ci_id ORDER BY d, ci_id LIMIT %(limit)s
"""


def _walk(start, direction, max_depth, types, limit) -> dict[int, int]:
    """CI id -> depth (negative upwards). Downwards the walk does not go through another business system: a
    system's topology shows the systems it calls, not their whole stacks (expand them on demand)."""
    found: dict[int, int] = {}
    stop_classes = business_system_class_ids()
    sqls = {"down": [_WALK_DOWN], "up": [_WALK_UP], "both": [_WALK_DOWN, _WALK_UP]}[direction]
    with connection.cursor() as cur:
        for sql in sqls:
            cur.execute(sql, {"start": start, "max_depth": max_depth, "types": types, "limit": limit + 1,
                              "stop_classes": stop_classes})
            for ci_id, depth in cur.fetchall():
                if sql is _WALK_UP:
                    depth = -depth  # what depends on the root is drawn above it
                if ci_id not in found or abs(depth) < abs(found[ci_id]):
                    found[ci_id] = depth
    return found


def topology_graph(*, root_ids, user=None, direction: str = "down", max_depth: int = 6, type_ids=None,
                   max_nodes: int = MAX_NODES, with_impact: bool = True) -> dict:
    """The graph around ``root_ids`` for vis-network: ``{"nodes": [...], "edges": [...], "truncated": bool,
    "impact": {...}}``. Nodes carry level (depth; negative = upwards), class, icon, status, whether more relations
    exist beyond the graph (``more``), and are redacted outside the user's scope. ``impact`` is the impact of the
    faulty CIs among the nodes (the status overlay)."""
    from django.db.models import Count

    from ..models import CI, Relation, RelationType

    if direction not in ("down", "up", "both"):
        raise ValidationError(_("展开方向不正确。"))
    try:
        max_depth = max(1, min(int(max_depth), MAX_DEPTH))
    except (TypeError, ValueError):
        raise ValidationError(_("展开层数必须是整数。")) from None
    start = _clean_ids(root_ids)
    types = list(type_ids) if type_ids else topology_type_ids()
    if not start:
        return {"nodes": [], "edges": [], "truncated": False, "impact": None}
    levels = _walk(start, direction, max_depth, types, max_nodes)
    for pk in start:
        levels[pk] = 0
    ordered = sorted(levels, key=lambda pk: (abs(levels[pk]), pk))
    truncated = len(ordered) > max_nodes
    ids = ordered[:max_nodes]
    cis = _rows_by_id(ids)
    visible = _visible_ids(user, ids)
    type_map = {t.pk: t for t in RelationType.objects.filter(pk__in=types)}
    rels = list(Relation.objects.filter(source_id__in=ids, target_id__in=ids, type_id__in=types)
                .values_list("pk", "source_id", "target_id", "type_id"))
    in_graph = defaultdict(int)
    for _pk, s, t, _ty in rels:
        in_graph[s] += 1
        in_graph[t] += 1
    total = defaultdict(int)
    for row in (Relation.objects.filter(source_id__in=ids, type_id__in=types).values("source_id")
                .annotate(n=Count("pk")).values_list("source_id", "n")):
        total[row[0]] += row[1]
    for row in (Relation.objects.filter(target_id__in=ids, type_id__in=types).values("target_id")
                .annotate(n=Count("pk")).values_list("target_id", "n")):
        total[row[0]] += row[1]
    nodes = []
    node_info = _NodeInfo()
    for pk in ids:
        ci = cis.get(pk)
        if ci is None:
            continue
        info = node_info(ci, pk in visible)
        info.update(id=pk, key=pk, level=levels[pk], root=pk in start, more=total[pk] > in_graph[pk],
                    ci_id=pk if pk in visible else None)
        nodes.append(info)
    edges = []
    for pk, s, t, ty in rels:
        rt = type_map.get(ty)
        edges.append({"id": pk, "from": s, "to": t, "type": rt.code if rt else "", "label": rt.label if rt else "",
                      "dependency": bool(rt and rt.is_dependency)})
    impact = None
    if with_impact:
        faulty = [n["id"] for n in nodes if n["status"] == CI.Status.FAULTY and not n["redacted"]]
        if faulty:
            impact = impact_of(faulty, user=user, max_paths=2).as_dict()
    return {"nodes": nodes, "edges": edges, "truncated": truncated, "impact": impact}


# ---------------------------------------------------------------------------------------------------------------
# saved topology views (services: every write in one transaction, audited)
# ---------------------------------------------------------------------------------------------------------------

_VIEW_FIELDS = ("name", "description", "root", "direction", "depth", "layout", "organization")


def _check_view(*, user, view) -> None:
    if not view.name or not view.name.strip():
        raise ValidationError({"name": _("请填写拓扑名称。")})
    if view.organization_id is None:
        raise ValidationError({"organization": _("请选择所属单位。")})
    if user is not None and not org_in_scope(user, view.organization):
        raise ValidationError({"organization": _("所属单位不在您的数据范围内。")})
    if view.root_id is not None and user is not None and not _visible_ids(user, [view.root_id]):
        raise ValidationError({"root": _("中心配置项不在您的数据范围内。")})


def _save_unique(view, *, created: bool):
    from ..models import TopologyView

    try:
        with transaction.atomic():
            view.save()
    except IntegrityError:
        if TopologyView.objects.filter(organization_id=view.organization_id, name=view.name).exclude(
                pk=view.pk).exists():
            raise ValidationError({"name": _("本单位已有名为“%(name)s”的拓扑视图。") % {"name": view.name}}) from None
        raise


@transaction.atomic
def topology_view_create(*, user, data: dict, relation_types=None, config=None):
    """Create a saved topology view. ``data``: name, description, root (CI), direction, depth, layout,
    organization (default: the root CI's organisation, else the user's)."""
    from ..models import TopologyView

    view = TopologyView(**{k: v for k, v in data.items() if k in _VIEW_FIELDS})
    if view.organization_id is None:
        view.organization_id = view.root.organization_id if view.root_id else getattr(user, "organization_id", None)
    view.config = _clean_config(config or {})
    _check_view(user=user, view=view)
    view.full_clean(exclude=["relation_types", "created_by", "updated_by"], validate_unique=False,
                    validate_constraints=False)
    _save_unique(view, created=True)
    if relation_types:
        view.relation_types.set(relation_types)
    return view


@transaction.atomic
def topology_view_update(*, user, view, data: dict, relation_types=None):
    from ..models import TopologyView

    view = TopologyView.objects.select_for_update().get(pk=view.pk)
    for key, value in data.items():
        if key in _VIEW_FIELDS:
            setattr(view, key, value)
    _check_view(user=user, view=view)
    view.full_clean(exclude=["relation_types", "created_by", "updated_by"], validate_unique=False,
                    validate_constraints=False)
    _save_unique(view, created=False)
    if relation_types is not None:
        view.relation_types.set(relation_types)
    return view


@transaction.atomic
def topology_view_copy(*, user, view, name: str | None = None):
    """A copy of ``view`` (with its layout and relation types) in the user's scope: named “… 副本”, “… 副本2” …"""
    from ..models import TopologyView

    base = (name or "").strip() or _("%(name)s 副本") % {"name": view.name}
    org_id = view.organization_id if org_in_scope(user, view.organization) else user.organization_id
    candidate, n = base[:100], 2
    while TopologyView.objects.filter(organization_id=org_id, name=candidate).exists():
        candidate = f"{base[:96]}{n}"
        n += 1
    copy = TopologyView(name=candidate, description=view.description, root_id=view.root_id,
                        direction=view.direction, depth=view.depth, layout=view.layout,
                        config=dict(view.config or {}), organization_id=org_id)
    _check_view(user=user, view=copy)
    _save_unique(copy, created=True)
    copy.relation_types.set(view.relation_types.all())
    record_event(action="create", obj=copy, message=_("复制拓扑视图“%(src)s”") % {"src": view.name},
                 data={"copied_from": view.pk})
    return copy


@transaction.atomic
def topology_view_delete(*, user, view) -> None:
    view.delete()


def _clean_config(config: dict) -> dict:
    """Keep only what the page writes: positions {id: [x, y]}, hidden [ids], extra [ids], collapsed [ids]."""
    if not isinstance(config, dict):
        raise ValidationError(_("布局配置格式不正确。"))
    out: dict = {}
    pos = config.get("positions") or {}
    if not isinstance(pos, dict):
        raise ValidationError(_("布局配置格式不正确。"))
    clean_pos = {}
    for key, value in list(pos.items())[:2000]:
        try:
            x, y = value
            clean_pos[str(int(key))] = [round(float(x), 1), round(float(y), 1)]
        except (TypeError, ValueError):
            raise ValidationError(_("布局配置格式不正确。")) from None
    if clean_pos:
        out["positions"] = clean_pos
    for key in ("hidden", "extra", "collapsed"):
        values = config.get(key) or []
        if not isinstance(values, list):
            raise ValidationError(_("布局配置格式不正确。"))
        ids = _clean_ids(values[:2000])
        if ids:
            out[key] = ids
    return out


@transaction.atomic
def topology_view_save_layout(*, user, view, config: dict, layout: str | None = None):
    """Store the arrangement made in the graph (positions, hidden / extra / collapsed nodes, layout)."""
    from ..models import TopologyView

    view = TopologyView.objects.select_for_update().get(pk=view.pk)
    view.config = _clean_config(config)
    fields = ["config"]
    if layout:
        if layout not in TopologyView.Layout.values:
            raise ValidationError(_("布局不正确。"))
        view.layout = layout
        fields.append("layout")
    view.save(update_fields=fields)
    record_event(action="update", obj=view, message=_("保存拓扑布局"),
                 data={"nodes": len(view.config.get("positions", {})), "layout": view.layout})
    return view


# ---------------------------------------------------------------------------------------------------------------
# status (the overlay's "mark faulty" goes through CMDB-core's versioned CI service when present)
# ---------------------------------------------------------------------------------------------------------------

def ci_mark_status(*, user, ci, status: str, comment: str = ""):
    """Set the run status of a CI from the topology page (faulty / normal ...). Uses CMDB-core's
    ``ci_set_status`` (versioned, audited)."""
    from ..models import CI
    from . import ci_set_status  # CMDB-core's service

    if status not in CI.Status.values:
        raise ValidationError(_("运行状态不正确。"))
    return ci_set_status(ci=ci, status=status, user=user, source="manual", reason=comment)
