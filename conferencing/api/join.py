"""POST /api/v1/rooms/{id}/join/: the one call behind every Join button and guest link."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from conferencing.services.join import join_room
from marketplace import access
from marketplace.models import Room


class JoinInSerializer(serializers.Serializer):
    """Guests give a name (and the passcode, if the room has one); members send nothing."""

    name = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default="", help_text="Guests only."
    )
    passcode = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")


JoinOut = inline_serializer(
    "JoinResult",
    {
        "url": serializers.CharField(help_text="Send the browser here; empty while waiting."),
        "waiting": serializers.BooleanField(help_text="The host has not started the meeting yet: ask again."),
        "role": serializers.CharField(),
        "poll_seconds": serializers.IntegerField(),
    },
)


class RoomJoinView(APIView):
    """Join a room's meeting: a signed BBB join URL, or `waiting` until the host starts it."""

    permission_classes = [AllowAny]  # guests join by link where the room and the site allow it
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "join"

    @extend_schema(request=JoinInSerializer, responses=JoinOut)
    def post(self, request, room_id):
        from django.conf import settings

        room = get_object_or_404(
            Room.objects.select_related("owner", "tenant"), tenant=request.tenant, public_id=room_id
        )
        user = request.user if request.user.is_authenticated else None
        if not (access.can_see(user, room) or access.guests_allowed(room)):
            return Response(
                {"error": {"code": "not_found", "message": "There is no such room here.", "fields": {}}},
                status=404,
            )
        incoming = JoinInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        result = join_room(room, user=user, guest_name=data["name"], passcode=data["passcode"])
        return Response(
            {
                "url": result.url,
                "waiting": result.waiting,
                "role": result.role,
                "poll_seconds": settings.BBB_WAITING_POLL_SECONDS,
            }
        )
