"""REST API of the expert pool (/api/v1/egov_expert_pool/...): experts (masked), activities, draw, verify,
confirmed list. Scoped and permission-checked by the egov_base base viewsets."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjPermissionDenied
from django.core.exceptions import ValidationError as DjValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from egov_base.api.viewsets import EgovReadOnlyViewSet

from . import drawing, selectors, services
from .models import Activity, Booking, Expert


class ExpertSerializer(serializers.ModelSerializer):
    specialty_names = serializers.SerializerMethodField()
    phone_masked = serializers.CharField(read_only=True)
    id_card_masked = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Expert
        fields = ["id", "name", "specialties", "specialty_names", "expert_type", "qualification", "title", "employer",
                  "tags", "status", "status_label", "score", "eval_count", "certificate_no", "phone_masked",
                  "id_card_masked"]

    def get_specialty_names(self, obj) -> list[str]:
        return obj.specialty_names


class ExpertViewSet(EgovReadOnlyViewSet):
    """专家库 (phone and ID number always masked)."""

    queryset = Expert.objects.all().order_by("name", "pk")
    serializer_class = ExpertSerializer
    filterset_fields = ["status", "expert_type", "title"]
    search_fields = ["name", "employer", "certificate_no"]


class BookingSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name", read_only=True)
    phone_masked = serializers.CharField(source="expert.phone_masked", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Booking
        fields = ["id", "expert", "expert_name", "specialty", "mode", "status", "status_label", "confirmed_via",
                  "phone_masked", "responded_at"]


class DrawSerializer(serializers.Serializer):
    round_no = serializers.IntegerField()
    is_replacement = serializers.BooleanField()
    pool_size = serializers.IntegerField()
    commitment = serializers.CharField()
    seed_hash = serializers.CharField()
    committed_at = serializers.DateTimeField()


class ActivitySerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    demands = serializers.SerializerMethodField()
    draws = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "number", "title", "date", "half_day", "place", "organization", "region", "state",
                  "state_label", "rules", "demands", "draws", "result_passed"]

    def get_demands(self, obj) -> list[dict]:
        return [{"specialty": d.specialty, "name": d.specialty_name, "count": d.count} for d in obj.demands.all()]

    def get_draws(self, obj) -> list[dict]:
        return DrawSerializer(obj.draws.order_by("round_no"), many=True).data


class ActivityViewSet(EgovReadOnlyViewSet):
    """抽取活动: list / detail, ``POST draw/``, ``GET verify/``, ``GET confirmed/``."""

    queryset = Activity.objects.select_related("organization", "region").prefetch_related("demands", "draws")
    serializer_class = ActivitySerializer
    filterset_fields = ["state", "date", "half_day"]
    search_fields = ["number", "title"]

    @extend_schema(request=None, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        activity = self.get_object()
        if not request.user.has_perm("egov_expert_pool.draw_activity"):
            raise PermissionDenied()
        try:
            services.activity_draw(user=request.user, activity=activity)
        except DjValidationError as exc:
            raise ValidationError({"detail": exc.messages}) from None
        except DjPermissionDenied:
            raise PermissionDenied() from None
        activity.refresh_from_db()
        return Response(ActivitySerializer(activity).data, status=status.HTTP_200_OK)

    @extend_schema(responses=inline_serializer("DrawVerify", {
        "activity": serializers.CharField(), "ok": serializers.BooleanField(allow_null=True),
        "rounds": serializers.ListField(child=serializers.DictField())}))
    @action(detail=True, methods=["get"])
    def verify(self, request, pk=None):
        activity = self.get_object()
        revealed_ok = selectors.can_see_drawn(request.user, activity)
        rounds = []
        for d in activity.draws.order_by("round_no"):
            row = {"round": d.round_no, "replacement": d.is_replacement, "commitment": d.commitment,
                   "seed_hash": d.seed_hash, "pool_size": d.pool_size, "needs": d.needs, "rules": d.rules,
                   "pool": d.pool, "seed": None, "result": None, "ok": None, "checks": {}}
            if d.seed and revealed_ok:
                res = drawing.verify(seed=d.seed, seed_hash_hex=d.seed_hash, commitment_hex=d.commitment,
                                     rules=d.rules, needs=d.needs, pool=d.pool, result=d.result)
                row.update(seed=d.seed, result=d.result, ok=res.ok, checks={k: ok for k, ok, _d in res.checks})
            rounds.append(row)
        oks = [r["ok"] for r in rounds if r["ok"] is not None]
        return Response({"activity": activity.number, "ok": all(oks) if oks else None, "rounds": rounds})

    @extend_schema(responses=BookingSerializer(many=True))
    @action(detail=True, methods=["get"])
    def confirmed(self, request, pk=None):
        activity = self.get_object()
        if not selectors.can_see_drawn(request.user, activity):
            raise PermissionDenied(_("抽取名单在评审会议结束前保密。"))
        qs = activity.bookings.filter(status=Booking.Status.CONFIRMED).select_related("expert")
        return Response(BookingSerializer(qs, many=True).data)
