"""The iCal feed of a room's schedule, for calendar apps that subscribe to /rooms/<id>/calendar.ics.

Anyone who may see a public or unlisted room gets its feed; a private room's feed needs the signed
token of its calendar link. Everything else answers 404, so the feed never confirms that a room exists.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from marketplace.access import can_see
from marketplace.calendar_feed import render_calendar
from marketplace.calendar_links import user_for_token
from marketplace.models import Room, User, Visibility
from marketplace.schedule_selectors import upcoming_sessions

# Ended sessions stay in the feed for a while, so calendars keep recent history.
HISTORY = timedelta(days=30)


def _viewer(request: HttpRequest, room: Room) -> User | None:
    token = request.GET.get("token", "")
    if token:
        user = user_for_token(token, room)
        if user is not None:
            return user
    if room.visibility == Visibility.PRIVATE:
        return None
    return request.user if request.user.is_authenticated else None


@require_GET
def room_calendar(request: HttpRequest, room_id: UUID) -> HttpResponse:
    room = (
        Room.objects.select_related("owner", "tenant__site")
        .filter(tenant=request.tenant, public_id=room_id)
        .first()
    )
    if room is None:
        raise Http404("No such calendar.")
    viewer = _viewer(request, room)
    if room.visibility == Visibility.PRIVATE and viewer is None:
        raise Http404("No such calendar.")
    if not can_see(viewer, room):
        raise Http404("No such calendar.")
    now = timezone.now()
    body = render_calendar(room, upcoming_sessions(room, now - HISTORY), now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{room.slug}.ics"'
    # Private feeds carry a token in the URL: keep them out of shared caches and search engines.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
