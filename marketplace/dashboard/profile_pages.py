"""Dashboard page of a moderator's public profile; its data and actions go through the API."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from marketplace import profile_selectors, selectors
from marketplace.dashboard.views import member_required
from marketplace.models import ProfileVisibility, Room
from marketplace.models.rooms import Access, GuestPolicy, Visibility
from marketplace.services.moderator_profiles import LANGUAGE_CODES, MAX_LINKS, ROOM_DEFAULT_FIELDS

SWITCH_LABELS = {
    "approval_required": "Approve each registration yourself",
    "record": "Allow recording",
    "auto_start_recording": "Start recording automatically",
    "allow_start_stop_recording": "Let moderators start and stop the recording",
    "mute_on_start": "Mute people when they join",
    "webcams_only_for_moderator": "Webcams visible to moderators only",
    "lock_private_chat": "Turn off private chat",
    "lock_public_chat": "Turn off public chat",
    "lock_shared_notes": "Lock shared notes",
}


def switches() -> list[tuple[str, str]]:
    """Yes/no settings of new rooms, shown as checkboxes (any later BBB switch shows up too)."""
    names = [
        name for name in ROOM_DEFAULT_FIELDS if isinstance(Room._meta.get_field(name), models.BooleanField)
    ]
    return [
        (name, SWITCH_LABELS.get(name) or str(Room._meta.get_field(name).verbose_name).capitalize())
        for name in names
    ]


@member_required
def public_profile(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    if not profile_selectors.is_moderator(request.user, tenant):
        return render(request, "dashboard/public_profile.html", {"not_moderator": True}, status=403)
    room_access = [
        (value, label) for value, label in Access.choices if value != Access.GUESTS or tenant.guests_allowed
    ]
    context = {
        "plan": selectors.active_plan(request.user, tenant),
        "topics": profile_selectors.topics_of(tenant),
        "visibilities": ProfileVisibility.choices,
        "language_codes": " ".join(sorted(LANGUAGE_CODES)),
        "max_links": MAX_LINKS,
        "cover_max_mb": settings.AVATAR_MAX_BYTES // (1024 * 1024),
        "room_visibilities": Visibility.choices,
        "room_access": room_access,
        "guest_policies": GuestPolicy.choices,
        "switches": switches(),
    }
    return render(request, "dashboard/public_profile.html", context)
