"""API: impact analysis and topology graph of CIs (data-scoped, in the OpenAPI schema).

    GET  /api/v1/cmdb/impact/?ci=12&ci=15&max_depth=8      affected business systems with paths
    POST /api/v1/cmdb/impact/  {"ci_ids": [12, 15], "max_depth": 8}
    GET  /api/v1/cmdb/topology/?ci=12&direction=down&depth=6

Needs ``egov_cmdb.view_ci``; the start CIs must be in the caller's data scope (404 otherwise). The result is cut
to the caller's scope as described in ``egov_cmdb.services.impact``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from egov_base.api.router import router
from egov_base.api.viewsets import ApiContextMixin
from egov_base.scope import scope_queryset

from ..services.impact import MAX_DEPTH, impact_of, topology_graph

__all__ = ["ImpactViewSet", "TopologyViewSet"]

VIEW_PERM = "egov_cmdb.view_ci"


class _CanViewCI(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not user.has_perm(VIEW_PERM):
            raise PermissionDenied(_("您没有查看配置项的权限。"))
        return True


class ImpactRequestSerializer(serializers.Serializer):
    ci_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=200,
                                   label=_("故障配置项"), help_text=_("故障（或假设故障）的配置项编号"))
    max_depth = serializers.IntegerField(min_value=1, max_value=MAX_DEPTH, default=MAX_DEPTH, label=_("最大深度"))


_NODE = inline_serializer("ImpactNode", fields={
    "id": serializers.IntegerField(allow_null=True), "name": serializers.CharField(),
    "code": serializers.CharField(), "class_code": serializers.CharField(), "class_name": serializers.CharField(),
    "status": serializers.CharField(), "organization": serializers.CharField(), "url": serializers.CharField(),
    "redacted": serializers.BooleanField(),
})
ImpactResponse = inline_serializer("ImpactResult", fields={
    "sources": serializers.ListField(child=serializers.IntegerField()),
    "max_depth": serializers.IntegerField(),
    "system_count": serializers.IntegerField(),
    "hidden_systems": serializers.IntegerField(help_text="affected systems outside the caller's data scope"),
    "impacted_count": serializers.IntegerField(),
    "impacted_ids": serializers.ListField(child=serializers.IntegerField()),
    "paths_truncated": serializers.BooleanField(help_text="paths only for the nearest 200 systems"),
    "systems": serializers.ListField(child=inline_serializer("AffectedSystem", fields={
        "ci": _NODE, "depth": serializers.IntegerField(),
        "paths": serializers.ListField(child=serializers.ListField(child=serializers.DictField())),
    })),
})


def _scoped_start(request, ids) -> list[int]:
    from ..models import CI

    found = set(scope_queryset(CI.objects.filter(pk__in=ids), request.user).values_list("pk", flat=True))
    missing = sorted(set(ids) - found)
    if missing:
        raise NotFound(_("配置项不存在或不在您的数据范围内：%(ids)s") % {"ids": ", ".join(map(str, missing))})
    return sorted(found)


def _ids_from_query(request) -> list[int]:
    raw = request.query_params.getlist("ci") or [
        v for v in (request.query_params.get("ci_ids") or "").split(",") if v.strip()]
    try:
        ids = [int(v) for v in raw]
    except ValueError:
        raise ValidationError({"ci": [_("配置项编号必须是整数。")]}) from None
    if not ids:
        raise ValidationError({"ci": [_("请指定至少一个配置项。")]})
    return ids


class ImpactViewSet(ApiContextMixin, viewsets.ViewSet):
    """影响分析：给定故障配置项，返回受影响的业务系统及影响路径（按数据范围过滤）。"""

    permission_classes = [_CanViewCI]

    def _run(self, request, ids, max_depth):
        start = _scoped_start(request, ids)
        try:
            result = impact_of(start, user=request.user, max_depth=max_depth)
        except DjangoValidationError as exc:
            raise ValidationError({"max_depth": exc.messages}) from None
        return Response(result.as_dict())

    @extend_schema(
        parameters=[OpenApiParameter("ci", int, many=True, required=True, description="故障配置项编号（可重复）"),
                    OpenApiParameter("max_depth", int, required=False, description=f"最大深度 1–{MAX_DEPTH}")],
        responses=ImpactResponse,
    )
    def list(self, request):
        return self._run(request, _ids_from_query(request), request.query_params.get("max_depth", MAX_DEPTH))

    @extend_schema(request=ImpactRequestSerializer, responses=ImpactResponse)
    def create(self, request):
        ser = ImpactRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._run(request, ser.validated_data["ci_ids"], ser.validated_data["max_depth"])


class TopologyViewSet(ApiContextMixin, viewsets.ViewSet):
    """拓扑：配置项向下（依赖的资源）、向上（依赖它的配置项）或双向的关系图（按数据范围脱敏）。"""

    permission_classes = [_CanViewCI]

    @extend_schema(
        parameters=[OpenApiParameter("ci", int, many=True, required=True, description="中心配置项编号"),
                    OpenApiParameter("direction", str, enum=["down", "up", "both"], required=False),
                    OpenApiParameter("depth", int, required=False, description=f"展开层数 1–{MAX_DEPTH}")],
        responses=inline_serializer("TopologyGraph", fields={
            "nodes": serializers.ListField(child=serializers.DictField()),
            "edges": serializers.ListField(child=serializers.DictField()),
            "truncated": serializers.BooleanField(), "impact": serializers.DictField(allow_null=True),
        }),
    )
    def list(self, request):
        start = _scoped_start(request, _ids_from_query(request))
        try:
            graph = topology_graph(root_ids=start, user=request.user,
                                   direction=request.query_params.get("direction", "down"),
                                   max_depth=request.query_params.get("depth", 6))
        except DjangoValidationError as exc:
            raise ValidationError({"detail": exc.messages}) from None
        return Response(graph)


router.register("cmdb/impact", ImpactViewSet, basename="cmdb-impact")
router.register("cmdb/topology", TopologyViewSet, basename="cmdb-topology")
