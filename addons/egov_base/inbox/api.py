"""JSON API of the inbox for other systems, always limited to the authenticated user's own tasks.

Routes are in ``inbox/api_urls.py``; egov_base/api/urls.py mounts them with one line before the router::

    path("v1/inbox/", include("egov_base.inbox.api_urls")),
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .models import Task


class TaskSerializer(serializers.ModelSerializer):
    assignee_name = serializers.CharField(source="assignee.name", default="", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    claimable = serializers.BooleanField(source="is_group", read_only=True)
    object_type = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "kind", "status", "title", "url", "source", "object_type", "object_id", "assignee",
                  "assignee_name", "claimable", "candidate_roles", "due_at", "overdue", "created_at",
                  "completed_at", "result"]
        read_only_fields = fields

    def get_object_type(self, obj) -> str | None:
        return obj.content_type.model_class()._meta.label_lower if obj.content_type_id else None


class CountsSerializer(serializers.Serializer):
    todo = serializers.IntegerField()
    done = serializers.IntegerField()
    toread = serializers.IntegerField()
    read = serializers.IntegerField()
    overdue = serializers.IntegerField()


def _err(exc):
    return Response({"detail": "；".join(getattr(exc, "messages", [str(exc)]))},
                    status=status.HTTP_403_FORBIDDEN if isinstance(exc, DjangoPermissionDenied) else status.HTTP_400_BAD_REQUEST)


class InboxCountsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CountsSerializer, summary="我的待办数量")
    def get(self, request):
        return Response(selectors.inbox_counts(request.user))


class InboxListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TaskSerializer(many=True), summary="我的待办/已办/待阅/已阅列表（box 参数）")
    def get(self, request):
        box = request.query_params.get("box", "todo")
        if box not in selectors.BOXES:
            return Response({"detail": "box 参数须为 todo、done、toread 或 read。"}, status=400)
        qs = selectors.inbox_list(request.user, box, source=request.query_params.get("source") or None,
                                  overdue=request.query_params.get("overdue") in ("1", "true"))
        paginator = PageNumberPagination()
        paginator.page_size = 50
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(TaskSerializer(page, many=True).data)


class _TaskAction(APIView):
    permission_classes = [IsAuthenticated]

    def task(self, request, pk):
        task = selectors.task_for_user(request.user, pk)
        if task is None:
            raise Http404
        return task


class TaskClaimView(_TaskAction):
    @extend_schema(request=None, responses=TaskSerializer, summary="认领组待办")
    def post(self, request, pk):
        try:
            task = services.task_claim(task=self.task(request, pk), user=request.user)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            return _err(exc)
        return Response(TaskSerializer(task).data)


class TaskReadView(_TaskAction):
    @extend_schema(request=None, responses=TaskSerializer, summary="标记待阅为已阅")
    def post(self, request, pk):
        try:
            task = services.task_mark_read(task=self.task(request, pk), user=request.user)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            return _err(exc)
        return Response(TaskSerializer(task).data)
