"""业务拓扑 screens: business-system index, the interactive graph of a CI or a saved view, the JSON the graph page
loads (expand, impact), marking a CI faulty from the graph, saving / copying views. Thin: the work is in
``services.impact``. Every view needs ``egov_cmdb.view_ci`` and fetches CIs and views from the scoped queryset."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from egov_base.scope import scope_queryset

from .models import CI, RelationType, TopologyView
from .services.impact import (
    MAX_DEPTH,
    business_system_class_ids,
    ci_mark_status,
    impact_of,
    topology_graph,
    topology_type_ids,
    topology_view_copy,
    topology_view_create,
    topology_view_save_layout,
)

VIEW_CI = "egov_cmdb.view_ci"


def _need(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def _scoped_ci(request, pk) -> CI:
    return get_object_or_404(scope_queryset(CI.objects.select_related("ci_class", "organization"), request.user),
                             pk=pk)


def _scoped_view(request, pk) -> TopologyView:
    return get_object_or_404(
        scope_queryset(TopologyView.objects.select_related("root__ci_class", "organization"), request.user), pk=pk)


def _int(value, default, lo=1, hi=MAX_DEPTH):
    try:
        return max(lo, min(int(value), hi))
    except (TypeError, ValueError):
        return default


def _strings() -> dict:
    """UI strings used by static/egov_cmdb/topology.js (translated on the server)."""
    return {
        "faulty": _("故障"), "impacted": _("受影响"), "no_impact": _("没有受影响的业务系统。"),
        "systems": _("受影响的业务系统"), "hidden": _("另有 %(n)s 个受影响的业务系统不在您的数据范围内。"),
        "depth": _("第 %(n)s 层"), "redacted": _("（无权查看）"), "not_found": _("图中没有匹配的节点。"),
        "found": _("找到 %(n)s 个节点"), "saved": _("布局已保存。"), "error": _("操作失败，请稍后重试。"),
        "mark_faulty": _("标记故障"), "mark_normal": _("恢复正常"), "confirm_faulty":
            _("确定将“%(name)s”的运行状态标记为故障吗？此操作会写入配置项版本历史。"),
        "confirm_normal": _("确定将“%(name)s”的运行状态恢复为正常吗？"), "open": _("打开详情"),
        "expand_down": _("向下展开"), "expand_up": _("向上展开"), "collapse": _("折叠"), "hide": _("隐藏"),
        "simulate": _("模拟故障影响"), "show_paths": _("在图中显示路径"), "path": _("影响路径"),
        "more": _("还有未展开的关系"), "nodes": _("节点"), "edges": _("关系"), "status": _("运行状态"),
        "class": _("类别"), "org": _("管理部门"), "code": _("内部标识"), "select_node": _("点击图中的节点查看详情。"),
        "truncated": _("节点过多，只显示了前 %(n)s 个，可双击节点继续展开。"), "simulated": _("模拟"),
        "impact_of": _("故障影响分析"), "clear": _("清除模拟"),
        "no_faulty": _("当前图中没有故障配置项。选中节点后可“标记故障”或“模拟故障影响”。"),
    }


def _graph_page(request, *, root: CI, view: TopologyView | None):
    direction = request.GET.get("direction") or (view.direction if view else "down")
    if direction not in ("down", "up", "both"):
        direction = "down"
    depth = _int(request.GET.get("depth"), view.depth if view else 6)
    layout = request.GET.get("layout") or (view.layout if view else "hierarchical")
    if layout not in TopologyView.Layout.values:
        layout = "hierarchical"
    type_ids = list(view.relation_types.values_list("pk", flat=True)) if view else []
    type_ids = type_ids or topology_type_ids()
    config = dict(view.config or {}) if view else {}
    roots = [root.pk] + [pk for pk in config.get("extra", []) if pk != root.pk]
    roots = sorted(scope_queryset(CI.objects.filter(pk__in=roots), request.user).values_list("pk", flat=True))
    graph = topology_graph(root_ids=roots or [root.pk], user=request.user, direction=direction, max_depth=depth,
                           type_ids=type_ids)
    may_change_view = bool(view) and request.user.has_perm("egov_cmdb.change_topologyview")
    page = {
        "root": root.pk, "direction": direction, "depth": depth, "layout": layout, "types": type_ids,
        "config": config, "view": view.pk if view else None,
        "urls": {
            "graph": reverse("egov_cmdb:topology_graph"), "impact": reverse("egov_cmdb:topology_impact"),
            "status": reverse("egov_cmdb:topology_ci_status", args=[0]),
            "page": reverse("egov_cmdb:topology_ci", args=[0]),
            "save_layout": reverse("egov_cmdb:topology_view_layout", args=[view.pk]) if may_change_view else "",
        },
        "perms": {"status": request.user.has_perm("egov_cmdb.change_ci"), "save": may_change_view},
        "strings": _strings(),
    }
    ctx = {
        "root": root, "view": view, "graph": graph, "page": page, "direction": direction, "depth": depth,
        "layout": layout, "depth_choices": range(1, MAX_DEPTH + 1), "directions": TopologyView.Direction.choices,
        "layouts": TopologyView.Layout.choices,
        "relation_types": RelationType.objects.filter(pk__in=type_ids).order_by("sort", "code"),
        "may_add_view": request.user.has_perm("egov_cmdb.add_topologyview"),
        "breadcrumbs": [{"label": _("业务拓扑"), "url": reverse("egov_cmdb:topology_index")},
                        {"label": view.name if view else root.name, "url": ""}],
    }
    return render(request, "egov_cmdb/topology/graph.html", ctx)


@login_required
@require_GET
def topology_index(request):
    """业务拓扑: the business systems in the user's scope (search, status), and the saved views."""
    _need(request, VIEW_CI)
    q = (request.GET.get("q") or "").strip()
    status = request.GET.get("status") or ""
    systems = scope_queryset(
        CI.objects.filter(ci_class_id__in=business_system_class_ids()).select_related("organization", "ci_class"),
        request.user,
    )
    if q:
        for word in q.split()[:5]:
            systems = systems.filter(Q(name__icontains=word) | Q(code__icontains=word)
                                     | Q(organization__name__icontains=word))
    if status in CI.Status.values:
        systems = systems.filter(status=status)
    page = Paginator(systems.order_by("organization__sort", "name", "pk"), 20).get_page(request.GET.get("page"))
    # systems on this page hit by a faulty CI anywhere (one impact walk from all faulty CIs, bounded)
    faulty = list(CI.objects.filter(status=CI.Status.FAULTY).values_list("pk", flat=True)[:200])
    hit = {s["ci"]["id"] for s in impact_of(faulty, max_paths=1).systems} if faulty else set()
    for ci in page.object_list:
        ci.impacted = ci.pk in hit
    views = []
    if request.user.has_perm("egov_cmdb.view_topologyview"):
        views = list(scope_queryset(TopologyView.objects.select_related("root", "organization"), request.user)
                     .order_by("-updated_at")[:12])
    # any CI (upward topology: what depends on it)
    ci_q = (request.GET.get("ci_q") or "").strip()
    found = []
    if ci_q:
        found_qs = scope_queryset(CI.objects.select_related("ci_class", "organization"), request.user)
        for word in ci_q.split()[:5]:
            found_qs = found_qs.filter(Q(name__icontains=word) | Q(code__icontains=word))
        found = list(found_qs.order_by("name", "pk")[:15])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "egov_cmdb/topology/index.html", {
        "ci_q": ci_q, "found": found,
        "page_obj": page, "systems": page.object_list, "q": q, "status": status, "statuses": CI.Status.choices,
        "views": views, "query": query.urlencode(), "breadcrumbs": [{"label": _("业务拓扑"), "url": ""}],
    })


@login_required
@require_GET
def topology_ci(request, pk):
    _need(request, VIEW_CI)
    return _graph_page(request, root=_scoped_ci(request, pk), view=None)


@login_required
@require_GET
def topology_view(request, pk):
    _need(request, VIEW_CI)
    _need(request, "egov_cmdb.view_topologyview")
    view = _scoped_view(request, pk)
    if view.root_id is None:
        messages.warning(request, _("该拓扑视图的中心配置项已被删除。"))
        return redirect("egov_cmdb:topology_index")
    root = scope_queryset(CI.objects.select_related("ci_class"), request.user).filter(pk=view.root_id).first()
    if root is None:
        raise Http404(_("中心配置项不在您的数据范围内。"))
    return _graph_page(request, root=root, view=view)


@login_required
@require_GET
def topology_graph_json(request):
    """Graph JSON for the page (expand a node: ``?ci=<id>&direction=down&depth=1``)."""
    _need(request, VIEW_CI)
    try:
        ids = [int(v) for v in request.GET.getlist("ci")][:50]
    except ValueError:
        return JsonResponse({"message": _("配置项编号必须是整数。")}, status=400)
    start = list(scope_queryset(CI.objects.filter(pk__in=ids), request.user).values_list("pk", flat=True))
    if not start:
        raise Http404(_("配置项不存在或不在您的数据范围内。"))
    types = []
    for v in request.GET.getlist("type"):
        if v.isdigit():
            types.append(int(v))
    try:
        graph = topology_graph(root_ids=start, user=request.user, direction=request.GET.get("direction", "down"),
                               max_depth=_int(request.GET.get("depth"), 1), type_ids=types or None,
                               with_impact=False)
    except ValidationError as exc:
        return JsonResponse({"message": " ".join(exc.messages)}, status=400)
    return JsonResponse(graph, json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def topology_impact_json(request):
    """Impact of the given CIs (what-if or the faulty ones) for the overlay: ``?ci=1&ci=2``."""
    _need(request, VIEW_CI)
    try:
        ids = [int(v) for v in request.GET.getlist("ci")][:200]
    except ValueError:
        return JsonResponse({"message": _("配置项编号必须是整数。")}, status=400)
    start = list(scope_queryset(CI.objects.filter(pk__in=ids), request.user).values_list("pk", flat=True))
    if ids and not start:
        raise Http404(_("配置项不存在或不在您的数据范围内。"))
    try:
        result = impact_of(start, user=request.user, max_depth=_int(request.GET.get("max_depth"), MAX_DEPTH), max_paths=2)
    except ValidationError as exc:
        return JsonResponse({"message": " ".join(exc.messages)}, status=400)
    return JsonResponse(result.as_dict(), json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def topology_ci_status(request, pk):
    """Mark a CI faulty (or back to normal) from the graph; answers the new impact of the faulty CIs given in
    ``faulty`` (the other faulty nodes of the graph) plus this one."""
    _need(request, VIEW_CI)
    _need(request, "egov_cmdb.change_ci")
    ci = _scoped_ci(request, pk)
    status = request.POST.get("status", "")
    try:
        ci = ci_mark_status(user=request.user, ci=ci, status=status,
                            comment=_("在业务拓扑中标记为%(s)s") % {"s": CI.Status(status).label}
                            if status in CI.Status.values else "")
    except ValidationError as exc:
        return JsonResponse({"message": " ".join(exc.messages)}, status=400)
    try:
        others = [int(v) for v in request.POST.getlist("faulty")][:200]
    except ValueError:
        others = []
    faulty = set(scope_queryset(CI.objects.filter(pk__in=others, status=CI.Status.FAULTY), request.user)
                 .values_list("pk", flat=True))
    faulty.discard(ci.pk)
    if ci.status == CI.Status.FAULTY:
        faulty.add(ci.pk)
    impact = impact_of(sorted(faulty), user=request.user, max_paths=2).as_dict() if faulty else None
    return JsonResponse({"id": ci.pk, "status": ci.status, "status_label": ci.get_status_display(),
                         "faulty": sorted(faulty), "impact": impact}, json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def topology_view_layout(request, pk):
    """Save the arrangement of a saved view (JSON body: {"config": {...}, "layout": "force"})."""
    _need(request, VIEW_CI)
    _need(request, "egov_cmdb.change_topologyview")
    view = _scoped_view(request, pk)
    try:
        body = json.loads(request.body or b"{}")
        view = topology_view_save_layout(user=request.user, view=view, config=body.get("config") or {},
                                         layout=body.get("layout"))
    except (ValueError, AttributeError):
        return JsonResponse({"message": _("布局配置格式不正确。")}, status=400)
    except ValidationError as exc:
        return JsonResponse({"message": " ".join(exc.messages)}, status=400)
    return JsonResponse({"ok": True, "message": _("布局已保存。"), "layout": view.layout})


@login_required
@require_POST
def topology_view_save_new(request, pk):
    """Save the graph of CI ``pk`` (with the current direction, depth, layout) as a new topology view."""
    _need(request, VIEW_CI)
    _need(request, "egov_cmdb.add_topologyview")
    root = _scoped_ci(request, pk)
    data = {
        "name": (request.POST.get("name") or "").strip()[:100],
        "description": (request.POST.get("description") or "").strip(),
        "root": root, "direction": request.POST.get("direction", "down"),
        "depth": _int(request.POST.get("depth"), 6), "layout": request.POST.get("layout", "hierarchical"),
    }
    try:
        config = json.loads(request.POST.get("config") or "{}")
    except ValueError:
        config = {}
    try:
        view = topology_view_create(user=request.user, data=data, config=config)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("egov_cmdb:topology_ci", args=[root.pk]) + f"?direction={data['direction']}"
                        f"&depth={data['depth']}&layout={data['layout']}")
    messages.success(request, _("拓扑视图“%(name)s”已保存。") % {"name": view.name})
    return redirect(view.get_absolute_url())


@login_required
def topology_view_copy_page(request, pk):
    """复制拓扑视图: GET shows the name form, POST makes the copy."""
    _need(request, "egov_cmdb.view_topologyview")
    _need(request, "egov_cmdb.add_topologyview")
    view = _scoped_view(request, pk)
    name = _("%(name)s 副本") % {"name": view.name}
    error = ""
    if request.method == "POST":
        name = (request.POST.get("name") or "").strip()
        try:
            copy = topology_view_copy(user=request.user, view=view, name=name)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("已复制为“%(name)s”。") % {"name": copy.name})
            return redirect(copy.get_absolute_url())
    return render(request, "egov_cmdb/topology/copy.html", {
        "view": view, "name": name, "error": error,
        "breadcrumbs": [{"label": _("业务拓扑"), "url": reverse("egov_cmdb:topology_index")},
                        {"label": view.name, "url": view.get_absolute_url()}, {"label": _("复制"), "url": ""}],
    })
