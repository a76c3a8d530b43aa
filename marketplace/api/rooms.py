"""Rooms API for moderators: your rooms on this site; create in one click, change within your plan."""

from __future__ import annotations

from djmoney.money import Money
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from marketplace.api.permissions import IsTenantMember
from marketplace.models import Room
from marketplace.models.rooms import Access, FeeModel, GuestPolicy, RecordingAccess, Visibility
from marketplace.registration_selectors import sales_of, with_registration_figures
from marketplace.services import rooms as room_services
from marketplace.services.rooms import SETTINGS_FIELDS
from payments.api.fields import MoneyOutField, money_data
from payments.exceptions import InvalidAmount
from payments.money import parse_money


class RoomSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    price = MoneyOutField()
    has_passcode = serializers.BooleanField(read_only=True)
    link = serializers.SerializerMethodField()
    registrants = serializers.SerializerMethodField()
    sales = serializers.SerializerMethodField()

    class Meta:
        model = Room
        fields = [
            "id",
            "name",
            "slug",
            "link",
            "description",
            "visibility",
            "access",
            "has_passcode",
            "max_participants",
            "max_duration_minutes",
            "fee_model",
            "price",
            "approval_required",
            "recording_access",
            "status",
            "paused_reason",
            *SETTINGS_FIELDS,
            "registrants",
            "sales",
            "created_at",
            "updated_at",
        ]

    def get_link(self, room: Room) -> str:
        return f"/@{room.owner.handle}/{room.slug}/"

    @extend_schema_field(
        {"type": "object", "properties": {"approved": {"type": "integer"}, "pending": {"type": "integer"}}}
    )
    def get_registrants(self, room: Room) -> dict:
        return {"approved": getattr(room, "approved_count", 0), "pending": getattr(room, "pending_count", 0)}

    @extend_schema_field(MoneyOutField)
    def get_sales(self, room: Room) -> dict:
        """What attendees paid for this room, less refunds (before commission)."""
        return money_data(Money(sales_of(room), room.price.currency))


class RoomInSerializer(serializers.Serializer):
    """What a moderator may set; every field optional on update, `name` required on create."""

    name = serializers.CharField(max_length=120)
    slug = serializers.CharField(max_length=60, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    access = serializers.ChoiceField(choices=Access.choices, required=False)
    passcode = serializers.CharField(max_length=128, required=False, allow_blank=True, write_only=True)
    max_participants = serializers.IntegerField(min_value=1, required=False)
    max_duration_minutes = serializers.IntegerField(min_value=5, required=False)
    fee_model = serializers.ChoiceField(choices=FeeModel.choices, required=False)
    price = serializers.DictField(required=False, help_text='{"amount": "10.00", "currency": "USD"}')
    approval_required = serializers.BooleanField(required=False)
    recording_access = serializers.ChoiceField(choices=RecordingAccess.choices, required=False)
    record = serializers.BooleanField(required=False)
    auto_start_recording = serializers.BooleanField(required=False)
    allow_start_stop_recording = serializers.BooleanField(required=False)
    mute_on_start = serializers.BooleanField(required=False)
    webcams_only_for_moderator = serializers.BooleanField(required=False)
    guest_policy = serializers.ChoiceField(choices=GuestPolicy.choices, required=False)
    lock_private_chat = serializers.BooleanField(required=False)
    lock_public_chat = serializers.BooleanField(required=False)
    lock_shared_notes = serializers.BooleanField(required=False)
    welcome_message = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def validate_price(self, value: dict):
        try:
            return parse_money(value.get("amount"), value.get("currency"))
        except InvalidAmount as error:
            raise serializers.ValidationError(error.message) from None


class RoomViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Your rooms on this site."""

    serializer_class = RoomSerializer
    permission_classes = [IsTenantMember]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_fields = ["status", "fee_model", "visibility"]
    search_fields = ["name", "slug"]
    ordering_fields = ["created_at", "name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Room.objects.none()
        rooms = Room.objects.filter(tenant=self.request.tenant, owner=self.request.user).select_related(
            "owner"
        )
        return with_registration_figures(rooms).order_by("created_at")

    def create(self, request, *args, **kwargs):
        incoming = RoomInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        room = room_services.create_room(request.user, request.tenant, **incoming.validated_data)
        return Response(RoomSerializer(room).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        incoming = RoomInSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        room = room_services.update_room(self.get_object(), actor=request.user, **incoming.validated_data)
        return Response(RoomSerializer(room).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)
