"""API representations of users, tenants, memberships and tokens."""

from __future__ import annotations

from rest_framework import serializers

from marketplace.handles import validate_handle
from marketplace.models import ApiToken, Membership, Tenant, User
from marketplace.models.users import validate_avatar_size, validate_time_zone
from marketplace.roles import Role


class MeSerializer(serializers.ModelSerializer):
    avatar_url = serializers.SerializerMethodField()
    profile_path = serializers.SerializerMethodField()
    time_zone = serializers.CharField(max_length=64, validators=[validate_time_zone], required=False)
    handle = serializers.CharField(max_length=31, validators=[validate_handle], required=False)

    class Meta:
        model = User
        fields = [
            "email",
            "handle",
            "display_name",
            "time_zone",
            "language",
            "avatar_url",
            "profile_path",
            "date_joined",
        ]
        read_only_fields = ["email", "date_joined"]

    def get_avatar_url(self, user: User) -> str | None:
        return user.avatar.url if user.avatar else None

    def get_profile_path(self, user: User) -> str:
        return f"/@{user.handle}/"


class AvatarSerializer(serializers.Serializer):
    avatar = serializers.ImageField(validators=[validate_avatar_size])


class TenantSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="root_url", read_only=True)
    roles = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = Tenant
        fields = ["slug", "name", "url", "default_currency", "roles", "is_current"]

    def get_roles(self, tenant: Tenant) -> list[str]:
        return self.context["roles_by_tenant"].get(tenant.pk, [])

    def get_is_current(self, tenant: Tenant) -> bool:
        current = getattr(self.context["request"], "tenant", None)
        return current is not None and current.pk == tenant.pk


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["handle", "display_name", "email"]


class MembershipSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    user = MemberSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]


class MembershipCreateSerializer(serializers.Serializer):
    user = serializers.CharField(help_text="The member's email address or @handle.")
    role = serializers.ChoiceField(choices=Role.choices)


class ApiTokenSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "key_hint", "created_at", "last_used_at", "revoked_at", "is_active"]
        read_only_fields = ["key_hint", "created_at", "last_used_at", "revoked_at"]


class NewApiTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The secret; shown only once.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]


class ObtainTokenSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(max_length=80, required=False, default="API token")
