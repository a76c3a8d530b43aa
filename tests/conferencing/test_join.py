"""Joining through the real BBB simulator: who gets which join URL, waiting, limits and faults."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django_scopes import scope

from conferencing.exceptions import (
    ConferencingError,
    JoinRefused,
    RoomFull,
    ServerUnavailable,
    SiteSuspended,
)
from conferencing.models import Attendance, JoinGrant, Session
from conferencing.services.join import join_room
from conferencing.services.meetings import meeting_id_of
from conferencing.services.recordings import sync_room
from marketplace.services import registrations
from tests.factories import make_member
from tests.marketplace.test_access_matrix import EXPECTED, make_people, room_for_matrix

pytestmark = pytest.mark.django_db

MATRIX_TO_JOIN = {"moderator": "MODERATOR", "viewer": "VIEWER", "guest": "VIEWER guest", "-": "refused"}


@pytest.fixture
def simulator(bbb, settings):
    settings.BBB_ENDPOINT = bbb.endpoint
    settings.BBB_SECRET = bbb.secret
    return bbb


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def outcome(room, user) -> str:
    try:
        result = join_room(room, user=user, guest_name="Gus Guest" if user is None else "")
    except ConferencingError:
        return "refused"
    if result.waiting:
        return "waiting"
    query = query_of(result.url)
    return query["role"] + (" guest" if query.get("guest") == "true" else "")


@pytest.mark.parametrize(("visibility", "mode"), list(EXPECTED))
def test_join_matrix(simulator, tenant, other_tenant, host, admin_user, visibility, mode):
    people = make_people(tenant, other_tenant, host, admin_user)
    room = room_for_matrix(tenant, host, people, visibility, mode)
    expected = {role: MATRIX_TO_JOIN[row[2]] for role, row in EXPECTED[(visibility, mode)].items()}
    # The host starts the meeting first, so viewers are not left waiting.
    assert outcome(room, host) == "MODERATOR"
    actual = {role: outcome(room, user) for role, user in people.items()}
    assert actual == expected


def test_join_url_is_signed_with_user_id_and_create_time(simulator, tenant, host, make_room):
    room = make_room(name="Office hours")
    result = join_room(room, user=host)
    query = query_of(result.url)
    session = result.session
    assert query["meetingID"] == meeting_id_of(room) and query["createTime"] == str(session.create_time)
    assert query["userID"].startswith("user-") and query["fullName"] == "Hannah Host"
    # The URL works: BBB (the simulator) accepts it and shows the meeting page.
    page = httpx.get(result.url, follow_redirects=True, timeout=10)
    assert page.status_code == 200 and "Office hours" in page.text
    with scope(tenant=tenant):
        assert JoinGrant.objects.filter(session=session, user=host, role="MODERATOR").count() == 1
        assert Attendance.objects.get(session=session).full_name == "Hannah Host"


def test_attendees_wait_for_the_host(simulator, tenant, host, make_room):
    room = make_room()
    fan = make_member(tenant, handle="fan")
    registrations.register(fan, room)
    assert join_room(room, user=fan).waiting is True
    with scope(tenant=tenant):
        assert not Session.objects.exists()  # waiting never creates the meeting
    join_room(room, user=host)
    assert query_of(join_room(room, user=fan).url)["role"] == "VIEWER"


def test_rejoining_is_one_attendance_row_and_create_is_idempotent(simulator, tenant, host, make_room):
    room = make_room()
    first = join_room(room, user=host)
    second = join_room(room, user=host)
    assert first.session.pk == second.session.pk
    assert query_of(first.url)["userID"] == query_of(second.url)["userID"]
    with scope(tenant=tenant):
        assert Attendance.objects.filter(session=first.session).count() == 1


def test_meeting_uses_the_plan_limits_and_room_settings(simulator, tenant, host, make_room, pro_plan):
    room = make_room(max_participants=8, max_duration_minutes=90, mute_on_start=True, welcome_message="Hi")
    pro_plan.max_session_minutes = 60
    pro_plan.save()
    session = join_room(room, user=host).session
    meeting = simulator.meeting_state(session.meeting_id)
    assert meeting["max_participants"] == 8 and meeting["duration"] == 60  # the plan caps the room
    assert session.max_participants == 8 and session.duration_limit_minutes == 60


def test_full_meeting_refuses_viewers(simulator, tenant, host, make_room):
    room = make_room(max_participants=2)
    fan = make_member(tenant, handle="fan")
    registrations.register(fan, room)
    session = join_room(room, user=host).session
    simulator.add_participants(session.meeting_id, fullName="Someone", count=2)
    with pytest.raises(RoomFull, match="full"):
        join_room(room, user=fan)


def test_guest_passcode(simulator, tenant, host, make_room):
    room = make_room(access="guests", passcode="open-sesame")
    join_room(room, user=host)
    with pytest.raises(JoinRefused) as wrong:
        join_room(room, user=None, guest_name="Gus", passcode="nope")
    assert wrong.value.field == "passcode"
    with pytest.raises(JoinRefused) as nameless:
        join_room(room, user=None, guest_name="  ", passcode="open-sesame")
    assert nameless.value.field == "name"
    assert (
        query_of(join_room(room, user=None, guest_name="Gus", passcode="open-sesame").url)["guest"] == "true"
    )


def test_suspended_site_cannot_start(simulator, tenant, host, make_room):
    room = make_room()
    tenant.is_active = False
    tenant.save()
    room.refresh_from_db()
    with pytest.raises(SiteSuspended):
        join_room(room, user=host)


def test_server_down_at_join_writes_nothing(simulator, api_for, tenant, host, make_room):
    room = make_room()
    simulator.fail(mode="drop", calls=["create", "isMeetingRunning"])
    with pytest.raises(ServerUnavailable, match="not answering"):
        join_room(room, user=host)
    response = api_for(tenant, host).post(f"/api/v1/rooms/{room.public_id}/join/", {}, format="json")
    assert response.status_code == 503 and response.json()["error"]["code"] == "bbb_unavailable"
    with scope(tenant=tenant):
        assert not Session.objects.exists() and not JoinGrant.objects.exists()
    simulator.recover()
    assert join_room(room, user=host).url


def test_recording_deleted_on_the_server_disappears_on_sync(simulator, tenant, host, make_room):
    from conferencing.bbb.client import BBBClient
    from conferencing.models import Recording

    room = make_room(record=True)
    session = join_room(room, user=host).session
    simulator.advance(120)
    simulator.control("end", meetingID=session.meeting_id)
    assert sync_room(room)["created"] == 1
    with scope(tenant=tenant):
        recording = Recording.objects.get(room=room)
    assert recording.session == session and {f["type"] for f in recording.formats} == {
        "presentation",
        "video",
    }

    BBBClient(simulator.endpoint, simulator.secret).delete_recordings([recording.record_id])
    assert sync_room(room)["gone"] == 1
    with scope(tenant=tenant):
        assert Recording.objects.get(pk=recording.pk).deleted_at is not None
    from conferencing.selectors import recordings_for

    with scope(tenant=tenant):
        assert list(recordings_for(host, room)) == []
