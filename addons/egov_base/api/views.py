"""API views of the base: organisations, users, /me, and auto-generated viewsets for registered models."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from ..org.models import Organization, User
from ..scope import user_scope
from .serializers import MeSerializer, OrganizationSerializer, UserSerializer, serializer_for
from .viewsets import ApiContextMixin, EgovModelViewSet


class OrganizationViewSet(EgovModelViewSet):
    """组织机构（按数据范围过滤）。"""

    queryset = Organization.objects.select_related("region", "district").order_by("path")
    serializer_class = OrganizationSerializer
    filterset_fields = ["kind", "region", "district", "is_active", "parent"]
    search_fields = ["name", "short_name", "code"]
    ordering_fields = ["path", "name", "code", "created_at"]


class UserViewSet(EgovModelViewSet):
    """实名用户（按数据范围过滤；不含密码与身份证号）。"""

    queryset = User.objects.select_related("organization").order_by("username")
    serializer_class = UserSerializer
    filterset_fields = ["organization", "is_active"]
    search_fields = ["username", "name", "email"]
    ordering_fields = ["username", "name", "date_joined"]


class MeView(ApiContextMixin, APIView):
    """当前用户：身份、单位、角色、数据范围与权限。"""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        org = user.organization
        data = {
            "id": user.pk,
            "username": user.username,
            "name": user.get_full_name(),
            "email": user.email,
            "organization": {"id": org.pk, "name": org.name, "code": org.code} if org else None,
            "roles": [{"code": r.code, "name": r.name} for r in user.roles],
            "data_scope": user_scope(user),
            "permissions": sorted(user.get_all_permissions()),
            "auth": "token" if getattr(request, "egov_system_token", None) else "session",
        }
        return Response(MeSerializer(data).data)


def viewset_for(model, config=None):
    """An EgovModelViewSet for a model registered in the generic registry with ``api=True``."""
    fields = getattr(config, "api_fields", None) or None
    attrs = {
        "queryset": model._default_manager.all(),
        "serializer_class": serializer_for(model, fields),
        "__doc__": str(model._meta.verbose_name),
    }
    filter_fields = [f for f in (getattr(config, "list_filter", None) or []) if isinstance(f, str)]
    if filter_fields:
        attrs["filterset_fields"] = filter_fields
    search = [f for f in (getattr(config, "search_fields", None) or []) if isinstance(f, str)]
    if search:
        attrs["search_fields"] = search
    if getattr(config, "api_read_only", False):
        from .viewsets import EgovReadOnlyViewSet

        return type(f"{model.__name__}AutoViewSet", (EgovReadOnlyViewSet,), attrs)
    return type(f"{model.__name__}AutoViewSet", (EgovModelViewSet,), attrs)
