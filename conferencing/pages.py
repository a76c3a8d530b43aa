"""Pages of conferencing: the join page, and the host's sessions, attendance and recordings pages.

A room or session the viewer may not see answers 404 (never 403), so no page confirms it exists;
the dashboard pages decide by who manages or may watch the room, not by site membership, so the
platform owner gets in and everyone else sees the same 404.
Lists are read through conferencing/selectors.py; every change (rename, publish, delete, join)
goes through the API, whose views call the services.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from conferencing import selectors
from conferencing.models import Attendance, Session
from marketplace import access
from marketplace.models import Room, User

# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROLE_LABELS = {"MODERATOR": "Moderator", "VIEWER": "Viewer"}
FORMAT_LABELS = {"presentation": "Play", "video": "MP4"}
CSV_HEADER = [
    "Name",
    "Handle",
    "Role",
    "Joined",
    "Left",
    "Time in the meeting",
    "Talk time",
    "Chats",
    "Poll votes",
]


def _viewer(request: HttpRequest) -> User | None:
    return request.user if request.user.is_authenticated else None


def _room(request: HttpRequest, room_id: UUID) -> Room | None:
    return (
        Room.objects.select_related("owner", "tenant")
        .filter(tenant=request.tenant, public_id=room_id)
        .first()
    )


def _room_link(room: Room) -> str:
    return reverse("room-page", kwargs={"handle": room.owner.handle, "slug": room.slug})


# The join page ----------------------------------------------------------------------------------


def _join_mode(request: HttpRequest, room: Room) -> str:
    """member: joins at once with their account; guest: fills in the guest form; sign_in: must sign in."""
    if request.user.is_authenticated:
        return "member"
    return "guest" if access.guests_allowed(room) else "sign_in"


def join_page(request: HttpRequest, room_id: UUID) -> HttpResponse:
    room = _room(request, room_id)
    user = _viewer(request)
    # The same rule as the join API: people who may see the room, and guests where they are allowed.
    if room is None or not (access.can_see(user, room) or access.guests_allowed(room)):
        raise Http404("No such room.")
    context = {
        "room": room,
        "host": room.owner,
        "mode": _join_mode(request, room),
        "poll_seconds": settings.BBB_WAITING_POLL_SECONDS,
        # A guest link may reach people who cannot see the room page (a site without public content).
        "back_url": _room_link(room) if access.can_see(user, room) else "/",
        "sign_in_url": f"{reverse('account_login')}?{urlencode({'next': request.path})}",
    }
    return render(request, "conferencing/join.html", context)


# Sessions and attendance ------------------------------------------------------------------------


def _managed_room(request: HttpRequest, room_id: UUID) -> Room:
    room = _room(request, room_id)
    if room is None or not selectors.manages(request.user, room):
        raise Http404("No such room.")
    return room


def _managed_session(request: HttpRequest, session_id: UUID) -> Session:
    session = (
        Session.objects.select_related("room", "room__owner", "room__tenant")
        .filter(tenant=request.tenant, public_id=session_id)
        .first()
    )
    if session is None or not selectors.manages(request.user, session.room):
        raise Http404("No such session.")
    return session


@login_required
def room_sessions(request: HttpRequest, room_id: UUID) -> HttpResponse:
    room = _managed_room(request, room_id)
    context = {
        "room": room,
        "is_owner": room.owner_id == request.user.pk,
        "attendance_allowed": selectors.attendance_reports_allowed(room),
    }
    return render(request, "dashboard/room_sessions.html", context)


def clock(seconds: int) -> str:
    """h:mm:ss, the way people read time spent in a meeting."""
    hours, rest = divmod(max(int(seconds), 0), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


@dataclass(frozen=True)
class AttendanceLine:
    name: str
    handle: str  # "" for guests and for accounts that are gone
    guest: bool
    role: str
    joined_at: datetime
    left_at: datetime | None
    seconds: int
    talk_seconds: int
    chats: int
    poll_votes: int

    @property
    def account_text(self) -> str:
        """@handle, or "guest" for people who joined by link."""
        if self.guest:
            return "guest"
        return f"@{self.handle}" if self.handle else ""

    @property
    def csv_account(self) -> str:
        # The bare handle: "@handle" would start like a spreadsheet formula and get quoted.
        # "(guest)" cannot be a handle, so the column stays unambiguous.
        return "(guest)" if self.guest else self.handle

    @property
    def time_text(self) -> str:
        return clock(self.seconds)

    @property
    def talk_text(self) -> str:
        return clock(self.talk_seconds)


def _line(row: Attendance, now: datetime) -> AttendanceLine:
    seconds = row.duration_seconds
    if row.present_since is not None:
        # Still in the meeting: the current stay counts up to now (it is added to the total on leaving).
        seconds += max(int((now - row.present_since).total_seconds()), 0)
    return AttendanceLine(
        name=row.full_name,
        handle=row.user.handle if row.user and not row.guest else "",
        guest=row.guest,
        role=ROLE_LABELS.get(row.role, row.role.title()),
        joined_at=row.joined_at,
        left_at=row.left_at,
        seconds=seconds,
        talk_seconds=row.talk_seconds,
        chats=row.chat_messages,
        poll_votes=row.poll_votes,
    )


def attendance_lines(session: Session, now: datetime | None = None) -> list[AttendanceLine]:
    now = now or timezone.now()
    return [_line(row, now) for row in selectors.attendance_of(session)]


@login_required
def attendance(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = _managed_session(request, session_id)
    allowed = selectors.attendance_reports_allowed(session.room)
    context = {
        "session": session,
        "room": session.room,
        "allowed": allowed,
        "is_owner": session.room.owner_id == request.user.pk,
        "lines": attendance_lines(session) if allowed else [],
        "time_zone": request.user.time_zone,
    }
    return render(request, "dashboard/attendance.html", context)


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs: formula-like text gets a leading quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def csv_row(line: AttendanceLine) -> list[str]:
    cells = [
        line.name,
        line.csv_account,
        line.role,
        _iso(line.joined_at),
        _iso(line.left_at),
        line.time_text,
        line.talk_text,
        line.chats,
        line.poll_votes,
    ]
    return [safe_cell(cell) for cell in cells]


@login_required
def attendance_csv(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = _managed_session(request, session_id)
    if not selectors.attendance_reports_allowed(session.room):
        return HttpResponse(
            "Attendance reports are not part of the host's plan.", status=403, content_type="text/plain"
        )
    filename = f"attendance-{session.room.slug}-{session.started_at:%Y-%m-%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename={filename}"
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for line in attendance_lines(session):
        writer.writerow(csv_row(line))
    return response


# Recordings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Playback:
    label: str
    url: str
    kind: str


def playbacks(formats: list[dict]) -> list[Playback]:
    return [
        Playback(
            label=FORMAT_LABELS.get(f.get("type", ""), str(f.get("type", "")).title()),
            url=f["url"],
            kind=f.get("type", ""),
        )
        for f in formats
        if f.get("url")
    ]


@login_required
def room_recordings(request: HttpRequest, room_id: UUID) -> HttpResponse:
    room = _room(request, room_id)
    user = request.user
    # The recordings API answers only people who can see the room; the page follows it.
    if room is None or not (access.can_see(user, room) and selectors.may_watch(user, room)):
        raise Http404("No such room.")
    recordings = list(selectors.recordings_for(user, room).select_related("session"))
    rows = [
        {"recording": recording, "playbacks": playbacks(selectors.formats_for(recording, user))}
        for recording in recordings
    ]
    context = {
        "room": room,
        "manages": selectors.manages(user, room),
        "is_owner": room.owner_id == user.pk,
        "room_link": _room_link(room),
        "rows": rows,
        "time_zone": user.time_zone,
    }
    return render(request, "dashboard/room_recordings.html", context)
