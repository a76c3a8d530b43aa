"""Dashboard pages of registrations: an attendee's shared rooms, a room's registrants, the host's lists.

Shells only: their data and actions go through the registrations and access-list APIs.
"""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from marketplace import profile_selectors, selectors
from marketplace.dashboard.views import member_required
from marketplace.models import RegistrationStatus, Room, Visibility

# Pending first: the registrants waiting for a decision are what the host opens the page for.
TAB_ORDER = (
    RegistrationStatus.PENDING,
    RegistrationStatus.APPROVED,
    RegistrationStatus.REJECTED,
    RegistrationStatus.BANNED,
    RegistrationStatus.CANCELED,
    RegistrationStatus.LAPSED,
)


def _rules() -> dict[str, int]:
    return {
        "approval_days": settings.REGISTRATION_APPROVAL_DAYS,
        "refund_cutoff_hours": settings.REGISTRATION_REFUND_CUTOFF_HOURS,
    }


@member_required
def shared_rooms(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/shared_rooms.html", _rules())


@member_required
def registrants(request: HttpRequest, room_id: UUID) -> HttpResponse:
    room = Room.objects.select_related("owner").filter(tenant=request.tenant, public_id=room_id).first()
    is_owner = room is not None and room.owner_id == request.user.pk
    if room is None or not (is_owner or selectors.is_tenant_admin(request.user, request.tenant)):
        raise Http404("No such room.")
    tabs = [{"value": status.value, "label": status.label} for status in TAB_ORDER]
    context = {
        "room": room,
        "is_owner": is_owner,
        # The access list is the owner's to keep (its API answers the owner only).
        "show_access_list": is_owner and room.visibility == Visibility.PRIVATE,
        "tabs": [*tabs, {"value": "", "label": "All"}],
    }
    return render(request, "dashboard/registrants.html", context)


@member_required
def lists(request: HttpRequest) -> HttpResponse:
    if not profile_selectors.is_moderator(request.user, request.tenant):
        return render(request, "dashboard/lists.html", {"not_moderator": True}, status=403)
    return render(request, "dashboard/lists.html")
