"""API: service requests and subscriptions (read, scoped), submit a request through the same service as the
portal, and the capability call-count feed ``capability_record_calls``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from egov_base.api.router import router
from egov_base.api.viewsets import EgovReadOnlyViewSet
from egov_base.scope import scope_queryset

from ..models import ServiceItem, ServiceRequest, ServiceSpec, Subscription
from ..services import capabilities
from ..services import requests as req_services


def _as_drf(exc):
    if isinstance(exc, DjangoPermissionDenied):
        return PermissionDenied(str(exc))
    if hasattr(exc, "message_dict"):
        return ValidationError(exc.message_dict)
    return ValidationError({"detail": exc.messages})



# Free-form JSON answers (figures computed on the fly): documented as objects in the OpenAPI schema.
_FREE_FORM = extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)

class ServiceRequestSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)
    spec_name = serializers.CharField(source="spec.name", read_only=True, default="")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = ServiceRequest
        fields = ["id", "number", "kind", "item", "item_name", "spec", "spec_name", "quantity", "title",
                  "organization", "organization_name", "applicant", "state", "state_label", "current_node",
                  "node_due_at", "overdue", "form_data", "subscription", "submitted_at", "delivered_at",
                  "closed_at", "rating", "rating_comment", "created_at"]
        read_only_fields = fields


class RequestCreateSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    spec = serializers.IntegerField(required=False, allow_null=True)
    quantity = serializers.IntegerField(min_value=1, default=1)
    title = serializers.CharField(max_length=200)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    form_data = serializers.DictField(required=False, default=dict)
    kind = serializers.ChoiceField(choices=ServiceRequest.Kind.choices, default="apply")
    subscription = serializers.IntegerField(required=False, allow_null=True)
    submit = serializers.BooleanField(default=True)
    idempotency_key = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class ServiceRequestViewSet(EgovReadOnlyViewSet):
    """GET list/retrieve of the requests in the user's data scope; POST creates (and submits) one through the
    same service as the portal wizard (``Idempotency-Key`` header or ``idempotency_key`` field)."""

    queryset = ServiceRequest.objects.select_related("item", "spec", "organization").order_by("-created_at")
    serializer_class = ServiceRequestSerializer
    filterset_fields = ["state", "kind", "item", "organization", "overdue"]
    search_fields = ["number", "title", "item__name"]

    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("egov_service_catalog.add_servicerequest"):
            raise PermissionDenied(_("您没有提交服务申请的权限。"))
        ser = RequestCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        item = scope_queryset(ServiceItem.objects.all(), request.user).filter(pk=d["item"]).first()
        if item is None:
            raise ValidationError({"item": [_("服务项不存在。")]})
        spec = ServiceSpec.objects.filter(pk=d.get("spec"), item=item).first() if d.get("spec") else None
        sub = (scope_queryset(Subscription.objects.all(), request.user).filter(pk=d["subscription"]).first()
               if d.get("subscription") else None)
        key = request.headers.get("Idempotency-Key") or d.get("idempotency_key") or None
        try:
            obj = req_services.request_save(
                user=request.user, item=item, spec=spec, quantity=d["quantity"], title=d["title"],
                form_data=d.get("form_data"), contact_phone=d.get("contact_phone", ""), kind=d["kind"],
                subscription=sub, submit=d["submit"], idempotency_key=key,
            )
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise _as_drf(exc) from exc
        return Response(ServiceRequestSerializer(obj).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def trace(self, request, pk=None):
        from egov_base.workflow.selectors import process_trace

        obj = self.get_object()
        rows = [{"at": getattr(r, "created_at", None) if not isinstance(r, dict) else r.get("created_at"),
                 "action": getattr(r, "action_label", "") if not isinstance(r, dict) else r.get("action_label"),
                 "actor": getattr(r, "actor_name", "") if not isinstance(r, dict) else r.get("actor_name"),
                 "comment": getattr(r, "comment", "") if not isinstance(r, dict) else r.get("comment")}
                for r in process_trace(obj)]
        return Response(rows)


class SubscriptionSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)
    spec_name = serializers.CharField(source="spec.name", read_only=True, default="")
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Subscription
        fields = ["id", "number", "organization", "item", "item_name", "spec", "spec_name", "quantity", "state",
                  "state_label", "started_at", "ended_at", "resources", "request"]
        read_only_fields = fields


class SubscriptionViewSet(EgovReadOnlyViewSet):
    queryset = Subscription.objects.select_related("item", "spec").order_by("-started_at")
    serializer_class = SubscriptionSerializer
    filterset_fields = ["state", "item", "organization"]


@extend_schema_view(create=_FREE_FORM)
class CapabilityCallsViewSet(viewsets.ViewSet):
    """POST {"client_id", "calls", "errors", "day"} (or {"records": [...]}) from the platform behind a capability
    (system token whose service user holds ``egov_service_catalog.change_capabilitycredential``)."""

    permission_classes = [IsAuthenticated]

    def create(self, request):
        if not request.user.has_perm("egov_service_catalog.change_capabilitycredential"):
            raise PermissionDenied(_("您没有上报能力调用次数的权限。"))
        records = request.data.get("records") if isinstance(request.data, dict) else None
        records = records if isinstance(records, list) else [request.data]
        out = []
        for rec in records[:1000]:
            if not isinstance(rec, dict):
                raise ValidationError({"records": [_("记录格式不正确。")]})
            day = None
            if rec.get("day"):
                import datetime as dt

                try:
                    day = dt.date.fromisoformat(str(rec["day"]))
                except ValueError as exc:
                    raise ValidationError({"day": [_("日期格式应为 YYYY-MM-DD。")]}) from exc
            try:
                stat = capabilities.capability_record_calls(client_id=str(rec.get("client_id") or ""),
                                                            calls=rec.get("calls"), errors=rec.get("errors") or 0,
                                                            day=day)
            except DjangoValidationError as exc:
                raise _as_drf(exc) from exc
            out.append({"client_id": rec.get("client_id"), "day": stat.day.isoformat(), "calls": stat.calls,
                        "errors": stat.errors})
        return Response({"recorded": out})


router.register("service-catalog/requests", ServiceRequestViewSet, basename="sc-request")
router.register("service-catalog/subscriptions", SubscriptionViewSet, basename="sc-subscription")
router.register("service-catalog/capability-calls", CapabilityCallsViewSet, basename="sc-capability-calls")
