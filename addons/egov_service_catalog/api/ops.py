"""API of the operations side: portal tickets (create through ``ticket_submit``, list scoped), the department's
own usage and bills, bill lines (scoped), management panels and analytics (permission-checked, scoped).
Registered models also get the automatic generic viewsets (/api/v1/egov_service_catalog/<model>/)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from egov_base.api.router import router
from egov_base.api.viewsets import ApiContextMixin, EgovReadOnlyViewSet
from egov_base.scope import scope_queryset

from ..models import BillLine, ProblemType, ServiceItem, Ticket
from ..services import analytics as an
from ..services import tickets as ticket_services

# Free-form JSON answers (figures computed on the fly): documented as objects in the OpenAPI schema.
_FREE_FORM = extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)

class TicketSerializer(serializers.ModelSerializer):
    item = serializers.PrimaryKeyRelatedField(queryset=ServiceItem.objects.filter(status="published"),
                                              required=False, allow_null=True)
    problem_type = serializers.PrimaryKeyRelatedField(queryset=ProblemType.objects.filter(is_active=True),
                                                      required=False, allow_null=True)
    idempotency_key = serializers.CharField(write_only=True, max_length=64)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Ticket
        fields = ["id", "number", "item", "problem_type", "title", "description", "contact_phone", "status",
                  "status_display", "organization", "organization_name", "resolution", "created_at",
                  "resolved_at", "idempotency_key"]
        read_only_fields = ["number", "status", "organization", "resolution", "created_at", "resolved_at"]


class TicketViewSet(ApiContextMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    """Tickets of the caller's data scope; POST creates one through the replaceable ticket handler."""

    serializer_class = TicketSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return scope_queryset(Ticket.objects.select_related("organization").order_by("-created_at"),
                              self.request.user)

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        try:
            ticket = ticket_services.ticket_submit(
                user=request.user, item=d.get("item"), problem_type=d.get("problem_type"), title=d["title"],
                description=d["description"], idempotency_key=d["idempotency_key"],
                contact_phone=d.get("contact_phone", ""))
        except DjangoPermissionDenied:
            raise PermissionDenied() from None
        except DjangoValidationError as exc:
            raise ValidationError(getattr(exc, "message_dict", None) or {"non_field_errors": exc.messages}) from None
        return Response(self.get_serializer(ticket).data, status=201)


class BillLineSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    period = serializers.DateField(source="bill.period", read_only=True)
    item = serializers.CharField(source="bill.item.name", read_only=True)
    result_display = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = BillLine
        fields = ["id", "bill", "period", "item", "line_no", "organization", "organization_name", "charge_code",
                  "description", "billed_quantity", "billed_unit_price", "billed_amount", "expected_quantity",
                  "expected_unit_price", "expected_amount", "diff_amount", "result", "result_display"]


class BillLineViewSet(EgovReadOnlyViewSet):
    queryset = BillLine.objects.select_related("organization", "bill__item").order_by("-bill__period", "line_no")
    serializer_class = BillLineSerializer
    filterset_fields = ["bill", "result", "organization"]


@extend_schema_view(list=_FREE_FORM)
class MyUsageViewSet(ApiContextMixin, viewsets.ViewSet):
    """使用单位工作门户 figures of the caller's own scope."""

    permission_classes = [IsAuthenticated]

    def list(self, request):
        data = an.department_overview(user=request.user)
        for b in data["bills"]:
            b["period"] = b["period"].isoformat() if hasattr(b["period"], "isoformat") else b["period"]
        return Response(data)


@extend_schema_view(list=_FREE_FORM)
class PanelsViewSet(ApiContextMixin, viewsets.ViewSet):
    """管理单位工作门户 panels (needs view_resourcepool)."""

    permission_classes = [IsAuthenticated]

    def list(self, request):
        if not request.user.has_perm("egov_service_catalog.view_resourcepool"):
            raise PermissionDenied()
        return Response(an.pool_panels(user=request.user))


@extend_schema_view(list=_FREE_FORM)
class AnalyticsViewSet(ApiContextMixin, viewsets.ViewSet):
    """Analytics (?start=YYYY-MM-DD&end=…&service_type=…&organization=<id>), needs handle_servicerequest."""

    permission_classes = [IsAuthenticated]

    def list(self, request):
        if not request.user.has_perm("egov_service_catalog.handle_servicerequest"):
            raise PermissionDenied()
        try:
            end = dt.date.fromisoformat(request.query_params.get("end")) if request.query_params.get("end") else \
                dt.date.today()
            start = dt.date.fromisoformat(request.query_params.get("start")) if request.query_params.get("start") \
                else end - dt.timedelta(days=89)
            org = int(request.query_params["organization"]) if request.query_params.get("organization") else None
        except ValueError:
            raise ValidationError({"start": ["日期格式应为 YYYY-MM-DD。"]}) from None
        if start > end:
            raise ValidationError({"start": ["开始日期不能晚于结束日期。"]})
        return Response(an.analytics(user=request.user, start=start, end=end,
                                     service_type=request.query_params.get("service_type", ""),
                                     organization_id=org))


router.register("service-catalog/ops/tickets", TicketViewSet, basename="sc-ops-ticket")
router.register("service-catalog/ops/bill-lines", BillLineViewSet, basename="sc-ops-billline")
router.register("service-catalog/ops/my-usage", MyUsageViewSet, basename="sc-ops-my-usage")
router.register("service-catalog/ops/panels", PanelsViewSet, basename="sc-ops-panels")
router.register("service-catalog/ops/analytics", AnalyticsViewSet, basename="sc-ops-analytics")
