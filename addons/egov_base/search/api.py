"""JSON search API: ``GET /api/v1/search/?q=...&category=...&page=...`` (scoped and permission-filtered:
permissions are per result model, so the view itself only needs a signed-in user)."""

from __future__ import annotations

from django.utils.html import strip_tags
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from ..api.pagination import EgovPagination
from .selectors import highlight, search


class SearchHitSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.CharField()
    title = serializers.CharField()
    snippet = serializers.CharField()
    category = serializers.CharField()
    url = serializers.CharField()
    organization = serializers.CharField(allow_null=True)
    rank = serializers.FloatField()


class SearchAPIView(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = EgovPagination

    @extend_schema(
        summary="全站搜索",
        parameters=[
            OpenApiParameter("q", str, description="关键词（中文自动分词；-词 表示排除）", required=True),
            OpenApiParameter("category", str, description="只看某一分类"),
            OpenApiParameter("page", int),
        ],
        responses=inline_serializer("SearchResponse", {
            "count": serializers.IntegerField(), "next": serializers.CharField(allow_null=True),
            "previous": serializers.CharField(allow_null=True),
            "categories": serializers.ListField(child=serializers.DictField()),
            "results": SearchHitSerializer(many=True),
        }),
    )
    def get(self, request):
        result = search(user=request.user, q=request.query_params.get("q", ""),
                        category=request.query_params.get("category") or None)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(result.queryset, request, view=self)
        hits = [
            {
                "type": f"{d.content_type.app_label}.{d.content_type.model}" if d.content_type_id else "",
                "id": d.object_id,
                "title": d.title,
                "snippet": strip_tags(highlight(d.body, result.words)),
                "category": d.category,
                "url": d.url,
                "organization": str(d.organization) if d.organization_id else None,
                "rank": float(d.rank),
            }
            for d in page
        ]
        response = paginator.get_paginated_response(SearchHitSerializer(hits, many=True).data)
        response.data["categories"] = [{"category": c, "count": n} for c, n in result.categories]
        return response
