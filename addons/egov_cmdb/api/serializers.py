"""API serializers. Reads are ModelSerializers; writes are plain serializers validated further by the services
(the attribute values are checked against the class model)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import CI, AttributeDef, CIClass, CIVersion, Relation, RelationType


class AttributeDefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AttributeDef
        fields = ["code", "name", "name_en", "group", "type", "dict_type", "ref_class", "multi", "required", "unique",
                  "indexed", "pattern", "help_text", "sort"]


class CIClassSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    attributes = serializers.SerializerMethodField()

    class Meta:
        model = CIClass
        fields = ["id", "code", "name", "name_en", "parent", "icon", "is_abstract", "sort", "description",
                  "attributes"]

    def get_attributes(self, obj) -> list[dict]:
        """Own and inherited attributes, parents' first."""
        return AttributeDefSerializer(obj.all_attributes(), many=True).data


class RelationTypeSerializer(serializers.ModelSerializer):
    allowed_sources = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    allowed_targets = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = RelationType
        fields = ["id", "code", "name", "reverse_name", "alias", "cardinality", "is_dependency", "allowed_sources",
                  "allowed_targets", "description"]


class CISerializer(serializers.ModelSerializer):
    ci_class = serializers.SlugRelatedField(slug_field="code", read_only=True)
    ci_class_name = serializers.CharField(source="ci_class.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    owner_name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = CI
        fields = ["id", "code", "name", "ci_class", "ci_class_name", "organization", "organization_name", "owner",
                  "owner_name", "lifecycle", "status", "attrs", "description", "source", "version", "created_at",
                  "updated_at", "url"]
        read_only_fields = fields

    def get_owner_name(self, obj) -> str:
        return (obj.owner.name or obj.owner.username) if obj.owner_id else ""

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class CIWriteSerializer(serializers.Serializer):
    ci_class = serializers.SlugField(required=False, help_text=_("类编码（新建时必填）"))
    code = serializers.CharField(required=False, allow_blank=True, max_length=128, help_text=_("内部标识；留空自动生成"))
    name = serializers.CharField(required=False, max_length=200)
    organization = serializers.CharField(required=False, help_text=_("管理部门：ID、编码或名称"))
    owner = serializers.CharField(required=False, allow_blank=True, allow_null=True, help_text=_("负责人：ID 或用户名"))
    status = serializers.ChoiceField(choices=CI.Status.choices, required=False)
    lifecycle = serializers.ChoiceField(choices=CI.Lifecycle.choices, required=False,
                                        help_text=_("仅新建时有效；之后用 transition 接口"))
    description = serializers.CharField(required=False, allow_blank=True)
    attrs = serializers.JSONField(required=False, help_text=_("属性值，键为属性编码"))


class CIUpsertSerializer(serializers.Serializer):
    source = serializers.SlugField(max_length=32, help_text=_("数据来源标识，例如 monitoring、cloud_api"))
    ci_class = serializers.SlugField(help_text=_("类编码"))
    key = serializers.JSONField(help_text=_("内部标识字符串，或属性值对象，例如 {\"serial_no\": \"2102311QGK\"}"))
    data = serializers.JSONField(help_text=_("字段与属性值"))


class CIUpsertResultSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
    ci = CISerializer()


class CIStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CI.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=255)


class CITransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=["stock", "go_live", "start_maintenance", "end_maintenance", "unstock",
                                            "retire"])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=255)


class CIRestoreSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


class CIVersionSerializer(serializers.ModelSerializer):
    user_name = serializers.SerializerMethodField()

    class Meta:
        model = CIVersion
        fields = ["version", "action", "diff", "data", "source", "user", "user_name", "comment", "created_at"]

    def get_user_name(self, obj) -> str:
        return (obj.user.name or obj.user.username) if obj.user_id else ""


class CIBriefSerializer(serializers.ModelSerializer):
    ci_class = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CI
        fields = ["id", "code", "name", "ci_class", "status"]


class RelationSerializer(serializers.ModelSerializer):
    type = serializers.SlugRelatedField(slug_field="code", queryset=RelationType.objects.all())
    type_name = serializers.CharField(source="type.name", read_only=True)
    source_ci = CIBriefSerializer(source="source", read_only=True)
    target_ci = CIBriefSerializer(source="target", read_only=True)

    class Meta:
        model = Relation
        fields = ["id", "type", "type_name", "source", "target", "source_ci", "target_ci", "source_tag",
                  "description", "created_at"]
        read_only_fields = ["id", "created_at", "type_name", "source_ci", "target_ci"]
        extra_kwargs = {"source": {"queryset": CI.objects.all()}, "target": {"queryset": CI.objects.all()},
                        "source_tag": {"required": False}, "description": {"required": False}}
