"""A room's schedule: hosts plan sessions; anyone who can see the room reads them and its calendar link."""

from __future__ import annotations

import uuid

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, filters, mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.access import can_see
from marketplace.api.permissions import IsTenantMember
from marketplace.calendar_links import feed_url
from marketplace.models import Room, ScheduledSession
from marketplace.schedule_selectors import upcoming_sessions
from marketplace.services import schedule as schedule_services


class SessionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = ScheduledSession
        fields = [
            "id",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "time_zone",
            "title",
            "canceled",
            "sequence",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class WallTimeField(serializers.DateTimeField):
    """ISO 8601; a time without an offset stays naive, to be read in the session's time zone."""

    def enforce_timezone(self, value):
        return value


class SessionInSerializer(serializers.Serializer):
    starts_at = WallTimeField(
        help_text="ISO 8601. Without an offset (2030-05-01T18:00) it is the wall time in `time_zone`."
    )
    duration_minutes = serializers.IntegerField()
    time_zone = serializers.CharField(max_length=64, help_text="IANA time zone, e.g. Europe/Paris.")
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)


class CalendarLinkSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The iCal feed (text/calendar).")
    webcal_url = serializers.CharField(help_text="The same feed for calendar apps to subscribe to.")
    personal = serializers.BooleanField(help_text="The link carries your token: do not share it.")


class ReadOrMember(IsTenantMember):
    """Reading is for whoever can see the room (checked by the view); changes need a member."""

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or super().has_permission(request, view)


def visible_room(request, room_id) -> Room:
    """The room on this site if the requester may see it; 404 otherwise, never confirming it exists."""
    try:
        public_id = uuid.UUID(str(room_id))
    except ValueError:
        raise exceptions.NotFound() from None
    room = (
        Room.objects.select_related("owner", "tenant__site")
        .filter(tenant=request.tenant, public_id=public_id)
        .first()
    )
    user = request.user if request.user.is_authenticated else None
    if room is None or not can_see(user, room):
        raise exceptions.NotFound()
    return room


ROOM_ID = OpenApiParameter("room_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The room's id.")


@extend_schema_view(
    list=extend_schema(parameters=[ROOM_ID]),
    create=extend_schema(
        parameters=[ROOM_ID], request=SessionInSerializer, responses={201: SessionSerializer}
    ),
    partial_update=extend_schema(
        parameters=[ROOM_ID], request=SessionInSerializer, responses=SessionSerializer
    ),
    destroy=extend_schema(parameters=[ROOM_ID], responses={204: None}),
)
class RoomScheduleViewSet(
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Sessions of a room that have not ended (canceled ones flagged). The host adds, moves and
    cancels them (DELETE cancels: calendars are told)."""

    serializer_class = SessionSerializer
    permission_classes = [ReadOrMember]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filter_backends = [filters.OrderingFilter]
    ordering_fields = ["starts_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def room(self) -> Room:
        if not hasattr(self, "_room"):
            self._room = visible_room(self.request, self.kwargs["room_id"])
        return self._room

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ScheduledSession.objects.none()
        return upcoming_sessions(self.room())

    def _changes(self, data: dict, time_zone: str) -> dict:
        """Naive start times are wall times in the session's zone (the one sent, else the current one)."""
        starts_at = data.get("starts_at")
        if starts_at is not None and timezone.is_naive(starts_at):
            data["starts_at"] = schedule_services.wall_time(starts_at, data.get("time_zone", time_zone))
        return data

    def create(self, request, *args, **kwargs):
        incoming = SessionInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        changes = self._changes(dict(incoming.validated_data), incoming.validated_data["time_zone"])
        session = schedule_services.add_session(self.room(), actor=request.user, **changes)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        session = self.get_object()
        incoming = SessionInSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        changes = self._changes(dict(incoming.validated_data), session.time_zone)
        session = schedule_services.update_session(session, actor=request.user, **changes)
        return Response(SessionSerializer(session).data)

    def destroy(self, request, *args, **kwargs):
        schedule_services.cancel_session(self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CalendarLinkView(APIView):
    """The room's calendar feed link; for rooms not open to everyone it carries your personal token."""

    permission_classes = [ReadOrMember]

    @extend_schema(responses=CalendarLinkSerializer)
    def get(self, request, room_id):
        room = visible_room(request, room_id)
        url = feed_url(room, request.user if request.user.is_authenticated else None)
        body = {"url": url, "webcal_url": "webcal://" + url.split("://", 1)[1], "personal": "?token=" in url}
        return Response(CalendarLinkSerializer(body).data)
