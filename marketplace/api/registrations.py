"""Registrations API: attendees register and cancel; hosts decide on their rooms' registrants."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from marketplace import access
from marketplace.api.permissions import IsTenantMember
from marketplace.models import Registration, Room
from marketplace.registration_selectors import registrants_of, registrations_of
from marketplace.services import registrations as services
from payments.api.fields import MoneyOutField
from payments.idempotency import idempotent


class RoomSummarySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    price = MoneyOutField()
    host = serializers.SerializerMethodField()
    link = serializers.SerializerMethodField()

    class Meta:
        model = Room
        fields = ["id", "name", "link", "host", "fee_model", "price", "status", "visibility"]

    def get_host(self, room: Room) -> dict:
        return {"handle": room.owner.handle, "name": room.owner.get_short_name()}

    def get_link(self, room: Room) -> str:
        return f"/@{room.owner.handle}/{room.slug}/"


class RegistrationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    room = RoomSummarySerializer(read_only=True)
    price = MoneyOutField()
    paid = MoneyOutField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    can_join = serializers.SerializerMethodField()
    next_session = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = [
            "id",
            "room",
            "status",
            "status_label",
            "fee_model",
            "price",
            "paid",
            "paid_at",
            "period_end",
            "cancel_at_period_end",
            "note",
            "can_join",
            "next_session",
            "created_at",
        ]

    def get_can_join(self, registration: Registration) -> bool:
        return access.join_role(registration.user, registration.room) is not None

    def get_next_session(self, registration: Registration) -> str | None:
        from marketplace.schedule_selectors import next_session

        session = next_session(registration.room)
        return session.starts_at.isoformat() if session else None


class RegisterInSerializer(serializers.Serializer):
    room = serializers.UUIDField(help_text="The room's id.")


class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your registrations on this site (Shared rooms): register in one click, cancel."""

    serializer_class = RegistrationSerializer
    permission_classes = [IsTenantMember]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_fields = ["status", "fee_model"]
    ordering_fields = ["created_at"]

    def get_permissions(self):
        # Registering is open to any signed-in user of an open site: it makes them an attendee.
        if self.action == "create":
            from rest_framework.permissions import IsAuthenticated

            return [IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Registration.objects.none()
        return registrations_of(self.request.user, self.request.tenant)

    @extend_schema(request=RegisterInSerializer, responses={201: RegistrationSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        incoming = RegisterInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        room = Room.objects.filter(tenant=request.tenant, public_id=incoming.validated_data["room"]).first()
        if room is None or not access.can_see(request.user, room):
            return Response(
                {"error": {"code": "not_found", "message": "There is no such room here.", "fields": {}}},
                status=status.HTTP_404_NOT_FOUND,
            )
        registration = services.register(request.user, room)
        return Response(self.get_serializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "Cancellation",
            {
                "registration": RegistrationSerializer(),
                "refunded": serializers.DictField(allow_null=True),
                "access_until": serializers.DateTimeField(allow_null=True),
            },
        ),
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, *args, **kwargs):
        from payments.api.fields import money_data

        result = services.cancel(self.get_object(), actor=request.user)
        return Response(
            {
                "registration": self.get_serializer(result.registration).data,
                "refunded": money_data(result.refunded) if result.refunded else None,
                "access_until": result.access_until,
            }
        )


class RegistrantSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    user = serializers.SerializerMethodField()
    price = MoneyOutField()
    paid = MoneyOutField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "user",
            "status",
            "status_label",
            "price",
            "paid",
            "period_end",
            "cancel_at_period_end",
            "note",
            "created_at",
            "decided_at",
        ]

    def get_user(self, registration: Registration) -> dict:
        user = registration.user
        return {"handle": user.handle, "name": user.get_short_name(), "email": user.email}


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class BulkSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=500)
    action = serializers.ChoiceField(choices=services.BULK_ACTIONS)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class BanPersonSerializer(serializers.Serializer):
    person = serializers.CharField(max_length=254, help_text="@handle or email of an account.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RoomRegistrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The registrants of one of your rooms, and your decisions on them."""

    serializer_class = RegistrantSerializer
    permission_classes = [IsTenantMember]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_fields = ["status"]
    search_fields = ["user__handle", "user__display_name", "user__email"]
    ordering_fields = ["created_at", "status"]

    def room(self) -> Room:
        if not hasattr(self, "_room"):
            from marketplace.selectors import is_tenant_admin

            rooms = Room.objects.filter(tenant=self.request.tenant).select_related("owner", "tenant")
            if not is_tenant_admin(self.request.user, self.request.tenant):
                rooms = rooms.filter(owner=self.request.user)
            self._room = get_object_or_404(rooms, public_id=self.kwargs["room_id"])
        return self._room

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Registration.objects.none()
        return registrants_of(self.room())

    def _decided(self, registration: Registration) -> Response:
        registration.refresh_from_db()
        return Response(RegistrantSerializer(registration).data)

    @extend_schema(request=None, responses=RegistrantSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        return self._decided(services.approve(self.get_object(), actor=request.user))

    @extend_schema(request=DecisionSerializer, responses=RegistrantSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        note = DecisionSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        registration = services.reject(
            self.get_object(), actor=request.user, note=note.validated_data["note"]
        )
        return self._decided(registration)

    @extend_schema(request=DecisionSerializer, responses=RegistrantSerializer)
    @action(detail=True, methods=["post"])
    def ban(self, request, *args, **kwargs):
        note = DecisionSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        registration = self.get_object()
        banned = services.ban(
            self.room(), registration.user, actor=request.user, note=note.validated_data["note"]
        )
        return self._decided(banned)

    @extend_schema(request=None, responses=RegistrantSerializer)
    @action(detail=True, methods=["post"])
    def unban(self, request, *args, **kwargs):
        return self._decided(services.unban(self.get_object(), actor=request.user))

    @extend_schema(request=BanPersonSerializer, responses={201: RegistrantSerializer})
    @action(detail=False, methods=["post"], url_path="ban-person")
    def ban_person(self, request, *args, **kwargs):
        """Ban someone who has not registered (yet), by @handle or confirmed email."""
        from marketplace.services.access_lists import resolve_person

        incoming = BanPersonSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user, email = resolve_person(incoming.validated_data["person"])
        if user is None:
            from marketplace.services.access_lists import AccessListError

            raise AccessListError(f"No account has confirmed {email}: add it to your blacklist instead.")
        banned = services.ban(self.room(), user, actor=request.user, note=incoming.validated_data["note"])
        return Response(RegistrantSerializer(banned).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=BulkSerializer,
        responses=inline_serializer(
            "BulkResult", {"results": serializers.DictField(child=serializers.CharField())}
        ),
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request, *args, **kwargs):
        """One decision for many registrants; `results` maps each id to "ok" or the reason it failed."""
        incoming = BulkSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        wanted = {str(i) for i in incoming.validated_data["ids"]}
        found = list(self.get_queryset().filter(public_id__in=wanted))
        results = services.bulk(
            found, incoming.validated_data["action"], actor=request.user, note=incoming.validated_data["note"]
        )
        for missing in wanted - set(results):
            results[missing] = "No such registration in this room."
        return Response({"results": results})
