"""The public page of a moderator at /@handle/: who they are and the rooms they run here.

A profile the viewer may not see answers 404 (never 403), like the room page, so the page never
confirms that a handle exists on this site.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, to_locale

from marketplace import access, profile_selectors
from marketplace.models import ModeratorProfile, ProfileVisibility, Room, ScheduledSession, User
from marketplace.public_pages import fee_text
from marketplace.schedule_selectors import next_sessions_for_rooms


@dataclass(frozen=True)
class ListedRoom:
    room: Room
    fee_text: str
    next_session: ScheduledSession | None


def language_names(codes: list[str]) -> list[str]:
    """Names of ISO 639-1 codes in the reader's language, as the dashboard shows them.

    Babel (already behind money formatting) names every two-letter code; Django's own table knows
    only about half of them. A code it cannot name is shown as it is.
    """
    try:
        locale = Locale.parse(to_locale(get_language() or "en"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return [locale.languages.get(code) or code for code in codes]


def visible_rooms(viewer: User | AnonymousUser, rooms: list[Room]) -> list[Room]:
    """The listed rooms the viewer can see, with one access check for all of them.

    Every listed room shares its owner, site, visibility (public) and status (active), the only
    room fields `can_see` reads besides the viewer's registration, which only matters for private
    or paused rooms. So the first room answers for the rest, and the page's query count does not
    grow with the number of rooms.
    """
    if not rooms or not access.can_see(viewer, rooms[0]):
        return []
    return rooms


def _visible_profile(request: HttpRequest, handle: str) -> ModeratorProfile | None:
    # Sites that show their content to signed-in people only hide profiles too, as the profiles API does.
    if not (request.tenant.public_content_visible or request.user.is_authenticated):
        return None
    return profile_selectors.public_profile(handle, request.tenant)


def profile_page(request: HttpRequest, handle: str) -> HttpResponse:
    profile = _visible_profile(request, handle)
    if profile is None:
        raise Http404("No such profile.")
    host = profile.user
    rooms = visible_rooms(request.user, list(profile_selectors.listed_rooms_of(host, request.tenant)))
    sessions = next_sessions_for_rooms(rooms)
    context = {
        "profile": profile,
        "host": host,
        "topics": profile_selectors.topics_of_profile(profile),
        "languages": language_names(profile.languages),
        "rooms": [ListedRoom(room, fee_text(room), sessions.get(room.pk)) for room in rooms],
        "is_owner": request.user.is_authenticated and request.user.pk == host.pk,
        # Unlisted profiles open by their link only: keep them out of search engines.
        "noindex": profile.visibility != ProfileVisibility.PUBLIC,
    }
    return render(request, "rooms/profile_page.html", context)
