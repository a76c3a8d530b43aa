"""A host's whitelist/blacklist and their private rooms' access lists."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from marketplace.api.permissions import IsTenantMember
from marketplace.models import AccessRule, ListKind, Room, RoomAccess
from marketplace.services import access_lists as services


def _person(user, email: str) -> dict:
    if user is None:
        return {"handle": None, "name": None, "email": email}
    return {"handle": user.handle, "name": user.get_short_name(), "email": user.email}


class AccessRuleSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    person = serializers.SerializerMethodField()

    class Meta:
        model = AccessRule
        fields = ["id", "kind", "person", "note", "created_at"]

    def get_person(self, rule: AccessRule) -> dict:
        return _person(rule.user, rule.email)


class AccessRuleInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ListKind.choices)
    person = serializers.CharField(max_length=254, help_text="@handle or email address.")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AccessRuleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Your whitelist (approved automatically) and blacklist (rejected automatically), for all your rooms."""

    serializer_class = AccessRuleSerializer
    permission_classes = [IsTenantMember]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_fields = ["kind"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AccessRule.objects.none()
        return AccessRule.objects.filter(tenant=self.request.tenant, owner=self.request.user).select_related(
            "user"
        )

    @extend_schema(request=AccessRuleInSerializer, responses={201: AccessRuleSerializer})
    def create(self, request, *args, **kwargs):
        incoming = AccessRuleInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        rule = services.set_rule(request.user, request.tenant, **incoming.validated_data)
        return Response(AccessRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: AccessRule) -> None:
        services.remove_rule(instance, actor=self.request.user)


class RoomAccessSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    person = serializers.SerializerMethodField()
    accepted = serializers.SerializerMethodField()

    class Meta:
        model = RoomAccess
        fields = ["id", "person", "accepted", "created_at", "accepted_at"]

    def get_person(self, entry: RoomAccess) -> dict:
        return _person(entry.user, entry.email)

    def get_accepted(self, entry: RoomAccess) -> bool:
        return entry.user_id is not None


class RoomAccessInSerializer(serializers.Serializer):
    person = serializers.CharField(max_length=254, help_text="@handle or email address (invited).")


class RoomAccessViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Who may see and register for one of your private rooms; emails without an account are invited."""

    serializer_class = RoomAccessSerializer
    permission_classes = [IsTenantMember]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def room(self) -> Room:
        if not hasattr(self, "_room"):
            rooms = Room.objects.filter(tenant=self.request.tenant, owner=self.request.user)
            self._room = get_object_or_404(
                rooms.select_related("owner", "tenant"), public_id=self.kwargs["room_id"]
            )
        return self._room

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RoomAccess.objects.none()
        return RoomAccess.objects.filter(tenant=self.request.tenant, room=self.room()).select_related("user")

    @extend_schema(request=RoomAccessInSerializer, responses={201: RoomAccessSerializer})
    def create(self, request, *args, **kwargs):
        incoming = RoomAccessInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        entry = services.grant_access(
            self.room(), actor=request.user, person=incoming.validated_data["person"]
        )
        return Response(RoomAccessSerializer(entry).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: RoomAccess) -> None:
        services.revoke_access(instance, actor=self.request.user)
