"""Serializers of the API base: organisations, users, the current user, and a factory for registered models."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..org.models import Organization, User
from ..scope import org_in_scope

SENSITIVE_FIELDS = {"password", "id_card", "id_card_hash"}


class ScopedOrganizationField(serializers.PrimaryKeyRelatedField):
    """An Organization reference limited to the requesting user's data scope."""

    def get_queryset(self):
        from ..scope import allowed_organizations

        request = self.context.get("request")
        return allowed_organizations(request.user) if request else Organization.objects.none()


class OrganizationSerializer(serializers.ModelSerializer):
    parent = ScopedOrganizationField(required=False, allow_null=True, label=_("上级"))

    class Meta:
        model = Organization
        fields = [
            "id", "name", "short_name", "code", "kind", "parent", "region", "district", "duties", "address",
            "phone", "email", "is_active", "depth", "created_at", "updated_at",
        ]
        read_only_fields = ["district", "depth", "created_at", "updated_at"]


class UserSerializer(serializers.ModelSerializer):
    organization = ScopedOrganizationField(required=False, allow_null=True, label=_("所属单位"))

    class Meta:
        model = User
        fields = [
            "id", "username", "name", "email", "phone", "organization", "position", "is_active", "data_scope",
            "language", "date_joined", "last_login",
        ]
        read_only_fields = ["date_joined", "last_login"]

    def validate_organization(self, value):
        request = self.context.get("request")
        if value is not None and request is not None and not org_in_scope(request.user, value):
            raise serializers.ValidationError(_("所选单位不在您的数据范围内。"))
        return value

    def create(self, validated_data):
        user = User(**validated_data)
        user.set_unusable_password()
        user.must_change_password = True
        user.save()
        return user


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    organization = serializers.DictField(allow_null=True)
    roles = serializers.ListField(child=serializers.DictField())
    data_scope = serializers.CharField()
    permissions = serializers.ListField(child=serializers.CharField())
    auth = serializers.CharField()


def serializer_for(model, fields=None):
    """A ModelSerializer for ``model`` with sensitive fields left out."""
    if fields in (None, "__all__"):
        fields = [
            f.name for f in model._meta.get_fields()
            if f.concrete and not f.auto_created or (f.concrete and f.primary_key)
        ]
        fields = [f for f in fields if f not in SENSITIVE_FIELDS and not f.endswith("_hash")]
    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    return type(f"{model.__name__}AutoSerializer", (serializers.ModelSerializer,), {"Meta": meta})
