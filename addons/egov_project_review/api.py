"""JSON API of project review (read-only, scoped): /project-review/api/proposals/."""

from __future__ import annotations

from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission, IsAuthenticated

from . import selectors


class ProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    level = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    organization = serializers.CharField(source="organization.name")
    applicant = serializers.CharField(source="applicant.name")
    submitted_at = serializers.DateTimeField()
    doc_version = serializers.IntegerField()


class CanViewProposals(BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("egov_project_review.view_proposal")


class ProposalListAPI(generics.ListAPIView):
    serializer_class = ProposalSerializer
    permission_classes = [IsAuthenticated, CanViewProposals]

    def get_queryset(self):
        g = self.request.query_params
        return selectors.proposal_list(user=self.request.user, q=g.get("q", ""), state=g.get("state", ""),
                                       kind=g.get("kind", ""), level=g.get("level", ""))


class ProposalDetailAPI(generics.RetrieveAPIView):
    serializer_class = ProposalSerializer
    permission_classes = [IsAuthenticated, CanViewProposals]

    def get_object(self):
        return selectors.proposal_get(user=self.request.user, pk=self.kwargs["pk"])
