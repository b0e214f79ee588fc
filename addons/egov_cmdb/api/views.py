"""CMDB REST API (/api/v1/cmdb/...): classes, relation types, CIs (CRUD, query by attributes, upsert, status,
lifecycle, history, restore), relations. Everything goes through the scoped querysets and the services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from egov_base.api.viewsets import EgovReadOnlyViewSet, ScopedQuerysetMixin
from egov_base.scope import scope_queryset

from .. import services
from ..filters import parse_query
from ..models import CI, CIClass, CIVersion, Relation, RelationType
from ..selectors import ci_list, ci_queryset_for
from . import serializers as s


def _need(request, *perms):
    for p in perms:
        if not request.user.has_perm(p):
            raise PermissionDenied(_("您没有执行该操作的权限。"))


class CIClassViewSet(EgovReadOnlyViewSet):
    """配置项类（含继承的属性定义）。"""

    queryset = CIClass.objects.select_related("parent").order_by("sort", "code")
    serializer_class = s.CIClassSerializer
    lookup_field = "code"


class RelationTypeViewSet(EgovReadOnlyViewSet):
    """关系类型。"""

    queryset = RelationType.objects.prefetch_related("allowed_sources", "allowed_targets").order_by("sort", "code")
    serializer_class = s.RelationTypeSerializer
    lookup_field = "code"


CI_LIST_PARAMS = [
    OpenApiParameter("ci_class", str, description="类编码（含子类）"),
    OpenApiParameter("q", str, description="名称或内部标识包含"),
    OpenApiParameter("organization", int, description="管理部门 ID"),
    OpenApiParameter("status", str, enum=CI.Status.values),
    OpenApiParameter("lifecycle", str, enum=CI.Lifecycle.values),
    OpenApiParameter("c", str, many=True,
                     description="属性条件，可重复：属性编码|条件|值；条件 eq ne contains gt gte lt lte in_cidr "
                                 "empty notempty，例如 c=os|contains|麒麟&c=memory_gb|gte|16"),
    OpenApiParameter("sort", str, description="排序：字段或属性编码，前缀 - 为倒序"),
]


class CIViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """配置项：增删改查、按属性查询、采集接口（upsert）、运行状态、生命周期、历史版本与恢复、关系。"""

    queryset = CI.objects.select_related("ci_class", "organization", "owner")
    serializer_class = s.CISerializer

    def get_queryset(self):
        if self.action == "list":
            cls = None
            code = self.request.query_params.get("ci_class")
            if code:
                cls = CIClass.objects.filter(code=code).first()
                if cls is None:
                    raise ValidationError({"ci_class": [_("类“%(c)s”不存在") % {"c": code}]})
            qs, errors = ci_list(user=self.request.user, ci_class=cls, filters=parse_query(self.request.query_params),
                                 sort=self.request.query_params.get("sort", ""))
            if errors:
                raise ValidationError({"c": errors})
            return qs
        return ci_queryset_for(self.request.user)

    @extend_schema(parameters=CI_LIST_PARAMS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.CIWriteSerializer, responses={201: s.CISerializer})
    def create(self, request):
        data = s.CIWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payload = dict(data.validated_data)
        code = payload.pop("ci_class", None)
        if not code:
            raise ValidationError({"ci_class": [_("请指定类编码")]})
        cls = get_object_or_404(CIClass, code=code)
        lifecycle = payload.pop("lifecycle", None)
        try:
            ci = services.ci_create(user=request.user, ci_class=cls, data=payload, lifecycle=lifecycle, source="api")
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from None
        return Response(s.CISerializer(ci).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CIWriteSerializer, responses=s.CISerializer)
    def partial_update(self, request, pk=None):
        ci = self.get_object()
        data = s.CIWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        payload = {k: v for k, v in data.validated_data.items() if k not in ("ci_class", "code", "lifecycle")}
        services.ci_update(user=request.user, ci=ci, data=payload, source="api")
        return Response(s.CISerializer(ci).data)

    @extend_schema(request=s.CIWriteSerializer, responses=s.CISerializer)
    def update(self, request, pk=None):
        return self.partial_update(request, pk)

    def destroy(self, request, pk=None):
        ci = self.get_object()
        services.ci_delete(user=request.user, ci=ci)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.CIUpsertSerializer, responses=s.CIUpsertResultSerializer)
    @action(detail=False, methods=["post"])
    def upsert(self, request):
        """采集接口：按唯一标识新增或更新，按数据源优先级对账。"""
        _need(request, "egov_cmdb.add_ci", "egov_cmdb.change_ci")
        data = s.CIUpsertSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        cls = get_object_or_404(CIClass, code=v["ci_class"])
        if not isinstance(v["data"], dict):
            raise ValidationError({"data": [_("data 必须是对象")]})
        ci, act = services.ci_upsert(source=v["source"], ci_class=cls, key=v["key"], data=v["data"],
                                     user=request.user)
        code = status.HTTP_201_CREATED if act == "created" else status.HTTP_200_OK
        return Response({"action": act, "ci": s.CISerializer(ci).data}, status=code)

    @extend_schema(request=s.CIStatusSerializer, responses=s.CISerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        """设置运行状态（normal / warning / faulty / offline）。"""
        _need(request, "egov_cmdb.change_ci")
        ci = self.get_object()
        data = s.CIStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.ci_set_status(user=request.user, ci=ci, status=data.validated_data["status"],
                               reason=data.validated_data.get("reason", ""), source="api")
        return Response(s.CISerializer(ci).data)

    @extend_schema(request=s.CITransitionSerializer, responses=s.CISerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """生命周期流转（入库、上线运行、进入维护、恢复运行、下线入库、退役）。"""
        ci = self.get_object()
        data = s.CITransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.ci_transition(user=request.user, ci=ci, name=data.validated_data["name"],
                                   comment=data.validated_data.get("comment", ""))
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from None
        return Response(s.CISerializer(ci).data)

    @extend_schema(responses=s.CIVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        """历史版本（字段差异、来源、操作人）。"""
        ci = self.get_object()
        return Response(s.CIVersionSerializer(CIVersion.objects.filter(ci=ci).select_related("user")
                                              .order_by("-version")[:200], many=True).data)

    @extend_schema(request=s.CIRestoreSerializer, responses=s.CISerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """恢复到历史版本（生成新版本）。"""
        _need(request, "egov_cmdb.change_ci", "egov_cmdb.restore_civersion")
        ci = self.get_object()
        data = s.CIRestoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.ci_restore_version(user=request.user, ci=ci, version=data.validated_data["version"])
        return Response(s.CISerializer(ci).data)

    @extend_schema(responses=s.RelationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def relations(self, request, pk=None):
        """该配置项的出向与入向关系（对端在数据范围之外的不返回）。"""
        ci = self.get_object()
        visible = ci_queryset_for(request.user).values("pk")
        qs = (Relation.objects.filter(source=ci, target__in=visible) | Relation.objects.filter(target=ci,
                                                                                                source__in=visible))
        qs = qs.select_related("type", "source__ci_class", "target__ci_class").order_by("pk")
        return Response(s.RelationSerializer(qs[:1000], many=True).data)


class RelationViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """关系：查询、新建（基数约束在数据库事务中校验）、删除。"""

    queryset = Relation.objects.select_related("type", "source__ci_class", "target__ci_class")
    serializer_class = s.RelationSerializer

    def get_queryset(self):
        qs = super().get_queryset().order_by("pk")
        p = self.request.query_params
        if p.get("ci"):
            qs = qs.filter(source_id=p["ci"]) | qs.filter(target_id=p["ci"])
        if p.get("type"):
            qs = qs.filter(type__code=p["type"])
        return qs

    @extend_schema(parameters=[OpenApiParameter("ci", OpenApiTypes.INT, description="配置项 ID（任一端）"),
                               OpenApiParameter("type", str, description="关系类型编码")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        visible = ci_queryset_for(request.user)
        source = get_object_or_404(visible, pk=v["source"].pk)
        target = get_object_or_404(visible, pk=v["target"].pk)
        try:
            rel = services.relation_create(user=request.user, type=v["type"], source=source, target=target,
                                           source_tag=v.get("source_tag") or "api",
                                           description=v.get("description", ""))
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from None
        return Response(s.RelationSerializer(rel).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.relation_delete(user=self.request.user, relation=instance)


def scoped_relations(user):
    return scope_queryset(Relation.objects.all(), user)
