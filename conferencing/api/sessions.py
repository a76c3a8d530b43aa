"""Sessions, attendance and recordings of a room, for its host (and registrants, for recordings)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from conferencing import selectors
from conferencing.exceptions import NotAllowed
from conferencing.models import Attendance, Recording, Session
from conferencing.services import recordings as recording_services
from marketplace import access
from marketplace.models import Room


def room_of(request, room_id) -> Room:
    room = get_object_or_404(
        Room.objects.select_related("owner", "tenant"), tenant=request.tenant, public_id=room_id
    )
    user = request.user if request.user.is_authenticated else None
    if not access.can_see(user, room):
        raise Http404
    return room


class AttendanceSerializer(serializers.ModelSerializer):
    handle = serializers.SerializerMethodField()

    class Meta:
        model = Attendance
        fields = [
            "full_name",
            "handle",
            "role",
            "guest",
            "joined_at",
            "left_at",
            "duration_seconds",
            "talk_seconds",
            "chat_messages",
            "poll_votes",
            "from_analytics",
        ]

    def get_handle(self, row: Attendance) -> str | None:
        return row.user.handle if row.user else None


class MeetingSessionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    attendees = serializers.IntegerField(read_only=True)

    class Meta:
        model = Session
        fields = ["id", "status", "started_at", "ended_at", "participants_peak", "attendees", "recorded"]


class RoomSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The room's session history (host and site admins)."""

    serializer_class = MeetingSessionSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Session.objects.none()
        room = room_of(self.request, self.kwargs["room_id"])
        if not selectors.manages(self.request.user, room):
            raise Http404
        return selectors.sessions_of(room).order_by("-started_at")

    @extend_schema(responses=AttendanceSerializer(many=True))
    @action(detail=True, methods=["get"])
    def attendance(self, request, *args, **kwargs):
        """Who attended this session and for how long (plans with attendance reports)."""
        session = self.get_object()
        if not selectors.attendance_reports_allowed(session.room):
            raise NotAllowed("Attendance reports are not part of the host's plan.")
        return Response(AttendanceSerializer(selectors.attendance_of(session), many=True).data)


class RecordingSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    duration_minutes = serializers.IntegerField(read_only=True)
    formats = serializers.SerializerMethodField()

    class Meta:
        model = Recording
        fields = [
            "id",
            "name",
            "published",
            "state",
            "started_at",
            "ended_at",
            "duration_minutes",
            "participants",
            "formats",
        ]

    def get_formats(self, recording: Recording) -> list[dict]:
        return selectors.formats_for(recording, self.context["request"].user)


class RecordingChangeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    published = serializers.BooleanField(required=False)


class RoomRecordingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """A room's recordings: the host sees and manages all; registrants watch the published ones."""

    serializer_class = RecordingSerializer
    permission_classes = [AllowAny]  # visibility is decided per room and person below
    http_method_names = ["get", "patch", "delete", "head", "options"]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Recording.objects.none()
        room = room_of(self.request, self.kwargs["room_id"])
        user = self.request.user if self.request.user.is_authenticated else None
        return selectors.recordings_for(user, room).select_related("room", "session")

    @extend_schema(request=RecordingChangeSerializer, responses=RecordingSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Rename, publish or unpublish (through the BBB API first)."""
        recording = self.get_object()
        incoming = RecordingChangeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        if "name" in incoming.validated_data:
            recording_services.rename(recording, name=incoming.validated_data["name"], actor=request.user)
        if "published" in incoming.validated_data:
            recording_services.set_published(
                recording, published=incoming.validated_data["published"], actor=request.user
            )
        return Response(self.get_serializer(recording).data)

    def destroy(self, request, *args, **kwargs):
        recording_services.delete(self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
