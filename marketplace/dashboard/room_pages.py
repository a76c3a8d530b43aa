"""The room edit page of the dashboard: a shell whose data and saves go through the rooms API."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from marketplace import selectors
from marketplace.dashboard.views import member_required
from marketplace.models import Room
from marketplace.models.rooms import Access, FeeModel, GuestPolicy, RecordingAccess, Visibility
from marketplace.services.rooms import MIN_PASSCODE_LENGTH


@member_required
def room_edit(request: HttpRequest, room_id: UUID) -> HttpResponse:
    room = Room.objects.filter(tenant=request.tenant, owner=request.user, public_id=room_id).first()
    if room is None:
        raise Http404("No such room.")
    context = {
        "room": room,
        "plan": selectors.active_plan(request.user, request.tenant),
        "currency": str(request.tenant.default_currency),
        "min_passcode_length": MIN_PASSCODE_LENGTH,
        "visibilities": Visibility.choices,
        "access_modes": Access.choices,
        "fee_models": FeeModel.choices,
        "guest_policies": GuestPolicy.choices,
        "recording_access": RecordingAccess.choices,
    }
    return render(request, "dashboard/room_edit.html", context)
