"""Base viewsets: model permissions + data scope on every query, writes checked against the scope and run in
one transaction (audit entries come from the change signals, in the same transaction).

    class TicketViewSet(EgovModelViewSet):
        queryset = Ticket.objects.select_related("organization")
        serializer_class = TicketSerializer
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from ..context import get_context
from ..scope import can_see, scope_queryset
from .permissions import EgovModelPermissions


class ApiContextMixin:
    """After DRF authenticated the request, make that user the current user of the audit/created_by context
    (the middleware only knew the session user)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        ctx = get_context()
        if ctx is not None and getattr(request.user, "is_authenticated", False):
            ctx.user = request.user
            ctx.source = "api"


class ScopedQuerysetMixin(ApiContextMixin):
    permission_classes = [EgovModelPermissions]

    def get_queryset(self):
        return scope_queryset(super().get_queryset(), self.request.user)


class EgovReadOnlyViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class EgovModelViewSet(ScopedQuerysetMixin, viewsets.ModelViewSet):
    out_of_scope_message = _("不能在您的数据范围之外创建或修改记录。")

    def _check_scope(self, instance):
        if not can_see(self.request.user, instance):
            raise PermissionDenied(self.out_of_scope_message)

    def perform_create(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            self._check_scope(instance)  # raising rolls the row (and its audit entry) back

    def perform_update(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            self._check_scope(instance)

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()
