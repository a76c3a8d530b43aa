"""The conferencing pages: join, sessions, attendance (with its CSV) and recordings: who sees what."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from conferencing.models import Attendance, Recording, Session, SessionStatus
from marketplace.models import Plan, Room
from marketplace.roles import Role
from marketplace.services import registrations
from marketplace.services.access_lists import grant_access
from marketplace.services.plans import choose_plan
from marketplace.services.rooms import create_room
from tests.factories import make_member
from tests.marketplace.registration_fixtures import usd

pytestmark = pytest.mark.django_db

STARTED = datetime(2030, 3, 14, 9, 0, tzinfo=UTC)
PRESENTATION = {
    "type": "presentation",
    "url": "https://bbb.example.com/playback/presentation/2.3/r1",
    "length": 42,
}
VIDEO = {"type": "video", "url": "https://bbb.example.com/presentation/r1/video.mp4", "length": 42}


def browser(tenant, user=None) -> Client:
    client = Client(HTTP_HOST=tenant.hostname)
    if user is not None:
        client.force_login(user)
    return client


def get(tenant, user, path: str):
    return browser(tenant, user).get(path)


def join_path(room: Room) -> str:
    return f"/rooms/{room.public_id}/join/"


def set_features(plan: Plan, **features: bool) -> None:
    with scope(tenant=plan.tenant):
        Plan.objects.filter(pk=plan.pk).update(**features)


def add_session(room: Room, **fields) -> Session:
    values = {
        "tenant": room.tenant,
        "room": room,
        "meeting_id": f"lyceum-{room.public_id}",
        "create_time": int(STARTED.timestamp() * 1000),
        "endpoint": "http://127.0.0.1:9/bigbluebutton/api/",
        "status": SessionStatus.ENDED,
        "started_at": STARTED,
        "ended_at": STARTED + timedelta(hours=1),
        "participants_peak": 3,
        **fields,
    }
    with scope(tenant=room.tenant):
        return Session.objects.create(**values)


def add_attendance(session: Session, name: str, **fields) -> Attendance:
    values = {
        "tenant": session.tenant,
        "session": session,
        "bbb_user_id": f"id-{name}"[:64],
        "full_name": name,
        "role": "VIEWER",
        "joined_at": STARTED + timedelta(minutes=2),
        "left_at": STARTED + timedelta(minutes=52),
        "duration_seconds": 3000,
        **fields,
    }
    with scope(tenant=session.tenant):
        return Attendance.objects.create(**values)


def add_recording(room: Room, name: str, **fields) -> Recording:
    values = {
        "tenant": room.tenant,
        "room": room,
        "record_id": f"{name.lower().replace(' ', '-')}-{room.public_id}",
        "name": name,
        "state": "published",
        "published": True,
        "started_at": STARTED,
        "ended_at": STARTED + timedelta(minutes=42),
        "participants": 4,
        "formats": [PRESENTATION, VIDEO],
        **fields,
    }
    with scope(tenant=room.tenant):
        return Recording.objects.create(**values)


def approved(user, room: Room):
    registration = registrations.register(user, room)
    assert registration.status == "approved"
    return registration


@pytest.fixture
def outsider_host(other_tenant):
    """A moderator of the other site, with a room there."""
    with scope(tenant=other_tenant):
        plan = Plan.objects.create(
            tenant=other_tenant,
            name="Beta Pro",
            slug="beta-pro",
            price=usd("0"),
            billing_period="monthly",
            max_rooms=5,
            max_attendees_per_room=50,
            max_session_minutes=120,
        )
    user = make_member(other_tenant, Role.MODERATOR, handle="beta-host")
    choose_plan(user, plan, idempotency_key="beta-host-plan")
    return user


# The join page -----------------------------------------------------------------------------------


def test_join_page_joins_people_who_may_see_the_room(tenant, host, make_room, attendee):
    room = make_room(name="Algebra")

    for user in (host, attendee):
        response = get(tenant, user, join_path(room))
        assert response.status_code == 200
        html = response.content.decode()
        assert '<h1 data-testid="room-name">Algebra</h1>' in html
        assert 'x-data="joinRoom"' in html and 'data-mode="member"' in html
        assert f'data-room="{room.public_id}"' in html and 'data-poll-seconds="' in html
        assert "js/pages/join.js" in html
        assert 'data-testid="guest-form"' not in html
        assert f'href="/@host/{room.slug}/" data-testid="back-to-room"' in html


def test_join_page_hides_private_rooms_from_strangers(tenant, host, make_room, attendee):
    room = make_room(name="Tutoring", visibility="private")

    assert get(tenant, attendee, join_path(room)).status_code == 404
    assert get(tenant, None, join_path(room)).status_code == 404
    assert get(tenant, host, join_path(room)).status_code == 200

    grant_access(room, actor=host, person="@attendee")
    assert get(tenant, attendee, join_path(room)).status_code == 200


def test_join_page_of_another_site_is_not_found(tenant, other_tenant, host, make_room, outsider_host):
    room = make_room(name="Algebra", access="guests")
    # The room's id on the other site's address, by anyone, even that site's own host.
    assert get(other_tenant, outsider_host, join_path(room)).status_code == 404
    assert get(other_tenant, None, join_path(room)).status_code == 404
    # And a room of the other site on this one.
    theirs = create_room(outsider_host, other_tenant, name="Beta room")
    assert get(tenant, host, join_path(theirs)).status_code == 404
    assert get(other_tenant, outsider_host, join_path(theirs)).status_code == 200


def test_guest_form_only_where_guests_are_allowed(tenant, host, make_room):
    open_room = make_room(name="Open house", access="guests")
    locked = make_room(name="Locked house", access="guests", passcode="sesame-42")
    members_only = make_room(name="Members", access="registered")

    html = get(tenant, None, join_path(open_room)).content.decode()
    assert 'data-mode="guest"' in html and 'data-testid="guest-form"' in html
    assert 'id="guest-name"' in html and 'id="guest-passcode"' not in html

    html = get(tenant, None, join_path(locked)).content.decode()
    assert 'data-testid="guest-form"' in html and 'id="guest-passcode"' in html

    # A visible room without guests: the visitor is asked to sign in, with no form and no automatic join.
    html = get(tenant, None, join_path(members_only)).content.decode()
    assert 'data-testid="guest-form"' not in html and 'x-data="joinRoom"' not in html
    assert 'data-testid="join-sign-in"' in html and "/accounts/login/?next=%2Frooms%2F" in html


def test_guest_links_stop_working_when_the_site_turns_guests_off(tenant, host, make_room):
    room = make_room(name="Open house", access="guests")
    tenant.guests_allowed = False
    tenant.public_content_visible = False
    tenant.save(update_fields=["guests_allowed", "public_content_visible"])

    assert get(tenant, None, join_path(room)).status_code == 404


def test_a_guest_link_works_where_the_room_page_is_not_public(tenant, host, make_room):
    room = make_room(name="Open house", access="guests")
    tenant.public_content_visible = False
    tenant.save(update_fields=["public_content_visible"])

    html = get(tenant, None, join_path(room)).content.decode()
    assert 'data-testid="guest-form"' in html
    assert 'href="/" data-testid="back-to-room"' in html  # the room page would answer 404


# The Join buttons ------------------------------------------------------------------------------


def test_room_page_offers_join_to_whoever_may_join(tenant, host, make_room, attendee):
    room = make_room(name="Algebra")
    guests = make_room(name="Open house", access="guests")
    link = f"/@host/{room.slug}/"
    button = f'href="{join_path(room)}" data-testid="join"'

    owner = get(tenant, host, link).content.decode()
    assert button in owner and "Start meeting" in owner

    stranger = get(tenant, attendee, link).content.decode()
    assert 'data-testid="join"' not in stranger

    approved(attendee, room)
    registrant = get(tenant, attendee, link).content.decode()
    assert button in registrant and ">Join</a>" in registrant

    anonymous = get(tenant, None, link).content.decode()
    assert 'data-testid="join"' not in anonymous
    anonymous = get(tenant, None, f"/@host/{guests.slug}/").content.decode()
    assert f'href="{join_path(guests)}" data-testid="join">Join as a guest</a>' in anonymous


def test_dashboard_pages_link_to_join_and_recordings(tenant, host, make_room, attendee):
    room = make_room(name="Algebra")
    edit = get(tenant, host, f"/dashboard/rooms/{room.public_id}/").content.decode()
    assert f'href="{join_path(room)}"' in edit
    assert f'href="/dashboard/rooms/{room.public_id}/sessions/"' in edit
    assert f'href="/dashboard/rooms/{room.public_id}/recordings/"' in edit

    shared = get(tenant, attendee, "/dashboard/shared-rooms/").content.decode()
    assert ':href="row.joinUrl"' in shared and ':href="row.recordingsUrl"' in shared
    assert "disabled title=" not in shared


# Sessions and attendance -----------------------------------------------------------------------


def test_sessions_page_is_for_the_host_and_admins(
    tenant, other_tenant, host, make_room, attendee, admin_user, outsider_host
):
    room = make_room(name="Algebra")
    path = f"/dashboard/rooms/{room.public_id}/sessions/"

    html = get(tenant, host, path).content.decode()
    assert 'x-data="roomSessions"' in html and f'data-room="{room.public_id}"' in html
    assert "js/pages/room-sessions.js" in html
    assert get(tenant, admin_user, path).status_code == 200
    assert get(tenant, attendee, path).status_code == 404
    assert get(tenant, outsider_host, path).status_code == 404
    assert get(other_tenant, host, path).status_code == 404  # the room's id on the other site's address
    assert get(tenant, None, path).status_code == 302  # to sign in


def test_attendance_pages_are_not_found_for_others(
    tenant, host, make_room, attendee, outsider_host, pro_plan
):
    set_features(pro_plan, allows_attendance_reports=True)
    room = make_room(name="Algebra")
    session = add_session(room)
    add_attendance(session, "Ada")
    for path in (
        f"/dashboard/sessions/{session.public_id}/attendance/",
        f"/dashboard/sessions/{session.public_id}/attendance.csv",
    ):
        assert get(tenant, host, path).status_code == 200
        assert get(tenant, attendee, path).status_code == 404
        assert get(tenant, outsider_host, path).status_code == 404


def test_attendance_report_lists_who_came(tenant, host, make_room, attendee, pro_plan):
    set_features(pro_plan, allows_attendance_reports=True)
    room = make_room(name="Algebra")
    session = add_session(room, status=SessionStatus.RUNNING, ended_at=None)
    add_attendance(
        session, "Hannah Host", user=host, role="MODERATOR", duration_seconds=3725, talk_seconds=605
    )
    add_attendance(session, "Visitor", guest=True, chat_messages=3, poll_votes=1)
    # Still in the meeting: the current stay counts up to now.
    add_attendance(
        session,
        "Attendee",
        user=attendee,
        left_at=None,
        duration_seconds=60,
        present_since=timezone.now() - timedelta(minutes=2),
    )

    html = get(tenant, host, f"/dashboard/sessions/{session.public_id}/attendance/").content.decode()
    assert "Hannah Host" in html and "@host" in html and "Moderator" in html
    assert "1:02:05" in html and "0:10:05" in html  # time in the meeting and talk time, h:mm:ss
    assert "guest" in html and "@attendee" in html and "in the meeting" in html
    assert "0:03:0" in html  # 60 s before + about 2 min of the current stay
    assert f'href="/dashboard/sessions/{session.public_id}/attendance.csv"' in html
    assert "still running" in html


def test_attendance_csv(tenant, host, make_room, attendee, pro_plan):
    set_features(pro_plan, allows_attendance_reports=True)
    room = make_room(name="Algebra")
    session = add_session(room)
    add_attendance(session, "Ada", user=attendee, talk_seconds=75, chat_messages=2, poll_votes=1)
    add_attendance(session, '=HYPERLINK("http://evil.example","click")', guest=True)
    add_attendance(session, "+1 call me", guest=True)
    add_attendance(session, "-2+3", guest=True)
    add_attendance(session, "@SUM(A1)", guest=True)

    response = get(tenant, host, f"/dashboard/sessions/{session.public_id}/attendance.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f"attachment; filename=attendance-{room.slug}-2030-03-14.csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
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
    assert rows[1] == [
        "Ada",
        "attendee",
        "Viewer",
        "2030-03-14T09:02:00+00:00",
        "2030-03-14T09:52:00+00:00",
        "0:50:00",
        "0:01:15",
        "2",
        "1",
    ]
    names = [row[0] for row in rows[2:]]
    assert names == ['\'=HYPERLINK("http://evil.example","click")', "'+1 call me", "'-2+3", "'@SUM(A1)"]
    assert all(row[1] == "(guest)" for row in rows[2:])


def test_attendance_needs_the_plan_feature(tenant, host, make_room):
    room = make_room(name="Algebra")
    session = add_session(room)
    add_attendance(session, "Ada")

    html = get(tenant, host, f"/dashboard/sessions/{session.public_id}/attendance/").content.decode()
    assert 'data-testid="attendance-not-in-plan"' in html and 'href="/dashboard/plans/"' in html
    assert "Ada" not in html and "attendance.csv" not in html
    sessions = get(tenant, host, f"/dashboard/rooms/{room.public_id}/sessions/").content.decode()
    assert 'data-testid="attendance-not-in-plan"' in sessions

    response = get(tenant, host, f"/dashboard/sessions/{session.public_id}/attendance.csv")
    assert response.status_code == 403
    assert b"Ada" not in response.content


# Recordings ------------------------------------------------------------------------------------


def test_host_sees_every_recording_with_its_controls(tenant, host, make_room):
    room = make_room(name="Algebra")
    add_recording(room, "Week one")
    hidden = add_recording(room, "Week two", published=False, state="unpublished")
    add_recording(room, "Gone", deleted_at=timezone.now())

    html = get(tenant, host, f"/dashboard/rooms/{room.public_id}/recordings/").content.decode()
    assert "Week one" in html and "Week two" in html and "Gone" not in html
    assert 'x-data="recordingRow"' in html and "js/pages/room-recordings.js" in html
    assert f'data-id="{hidden.public_id}" data-name="Week two" data-published="false"' in html
    assert 'data-testid="published-toggle"' in html and 'data-testid="delete-recording"' in html
    assert "42 min" in html and PRESENTATION["url"] in html


def test_registrants_see_only_published_recordings(tenant, host, make_room, attendee):
    room = make_room(name="Algebra")
    add_recording(room, "Week one")
    add_recording(room, "Week two", published=False, state="unpublished")
    approved(attendee, room)

    html = get(tenant, attendee, f"/dashboard/rooms/{room.public_id}/recordings/").content.decode()
    assert "Week one" in html and "Week two" not in html
    assert PRESENTATION["url"] in html
    assert 'x-data="recordingRow"' not in html and 'data-testid="delete-recording"' not in html
    assert "room-recordings.js" not in html


def test_recordings_are_not_found_for_strangers(tenant, host, make_room, attendee, outsider_host):
    room = make_room(name="Algebra")
    add_recording(room, "Week one")
    path = f"/dashboard/rooms/{room.public_id}/recordings/"

    assert get(tenant, attendee, path).status_code == 404  # a member who never registered
    assert get(tenant, outsider_host, path).status_code == 404
    assert get(tenant, None, path).status_code == 302
    registrations.cancel(registrations.register(attendee, room), actor=attendee)
    assert get(tenant, attendee, path).status_code == 404  # approved registrants only, by default


def test_mp4_link_only_when_the_plan_allows_downloads(tenant, host, make_room, attendee, pro_plan):
    room = make_room(name="Algebra")
    add_recording(room, "Week one")
    approved(attendee, room)
    path = f"/dashboard/rooms/{room.public_id}/recordings/"

    for user in (host, attendee):
        html = get(tenant, user, path).content.decode()
        assert 'data-format="presentation">Play</a>' in html
        assert VIDEO["url"] not in html and ">MP4</a>" not in html

    set_features(pro_plan, allows_mp4_download=True)
    for user in (host, attendee):
        html = get(tenant, user, path).content.decode()
        assert f'href="{VIDEO["url"]}"' in html and 'data-format="video">MP4</a>' in html
