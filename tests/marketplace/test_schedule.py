"""Room schedules: the services' rules, the reads, and the schedule API with its isolation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope
from wagtail.models import ModelLogEntry

from marketplace.models import Room, RoomAccess, ScheduledSession
from marketplace.roles import Role
from marketplace.schedule_selectors import next_session, next_sessions_for_rooms, upcoming_sessions
from marketplace.services.rooms import PlanLimitExceeded, create_room, update_room
from marketplace.services.schedule import (
    MAX_UPCOMING_SESSIONS,
    NotRoomHost,
    ScheduleError,
    ScheduleFull,
    SessionCanceled,
    add_session,
    cancel_session,
    update_session,
    wall_time,
)
from tests.factories import make_member

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def host(tenant):
    return make_member(tenant, Role.MODERATOR, handle="host")


@pytest.fixture
def room(tenant, host):
    return create_room(host, tenant, name="Office hours")


def soon(days: int = 7, hour: int = 18) -> datetime:
    day = (timezone.now() + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS)


def sessions_of(room) -> list[ScheduledSession]:
    with scope(tenant=room.tenant):
        return list(ScheduledSession.objects.filter(room=room).order_by("starts_at"))


def plan(room, **fields):
    return {"starts_at": soon(), "duration_minutes": 30, "time_zone": "Europe/Paris", **fields}


# Services


def test_add_session_is_audited(room, host):
    session = add_session(room, actor=host, **plan(room), title="Kick-off")
    assert (session.sequence, session.canceled, session.title) == (0, False, "Kick-off")
    assert session.starts_at == soon()
    assert ModelLogEntry.objects.filter(action="lyceum.schedule.add", object_id=str(session.pk)).exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"starts_at": soon().replace(tzinfo=None)}, "starts_at", "with its time zone"),
        ({"starts_at": timezone.now() - timedelta(minutes=1)}, "starts_at", "in the future"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Unknown time zone"),
        ({"duration_minutes": 0}, "duration_minutes", "at least one minute"),
        ({"duration_minutes": -5}, "duration_minutes", "at least one minute"),
        ({"title": "x" * 121}, "title", "at most 120 characters"),
    ],
)
def test_invalid_sessions_are_refused_and_change_nothing(room, host, fields, field, message):
    with pytest.raises(ScheduleError, match=message) as raised:
        add_session(room, actor=host, **plan(room, **fields))
    assert raised.value.field == field and raised.value.status == 400
    assert sessions_of(room) == []


def test_duration_is_limited_by_the_owners_plan(room, host):
    with pytest.raises(PlanLimitExceeded, match="allows sessions up to 45 minutes") as raised:
        add_session(room, actor=host, **plan(room, duration_minutes=46))
    error = raised.value
    assert (error.code, error.status, error.field) == ("plan_limit", 403, "duration_minutes")
    assert sessions_of(room) == []
    assert add_session(room, actor=host, **plan(room, duration_minutes=45)).duration_minutes == 45


def test_only_the_host_or_a_site_admin_changes_the_schedule(tenant, room, host, admin_user):
    neighbour = make_member(tenant, Role.MODERATOR)
    with pytest.raises(NotRoomHost):
        add_session(room, actor=neighbour, **plan(room))
    session = add_session(room, actor=admin_user, **plan(room))
    with pytest.raises(NotRoomHost):
        cancel_session(session, actor=neighbour)
    with pytest.raises(NotRoomHost):
        update_session(session, actor=neighbour, title="Mine")
    assert [(s.canceled, s.title) for s in sessions_of(room)] == [(False, "")]


def test_update_bumps_sequence_and_a_refused_update_changes_nothing(room, host):
    session = add_session(room, actor=host, **plan(room))
    moved = update_session(session, actor=host, starts_at=soon(days=8), title="Moved")
    assert (moved.sequence, moved.title, moved.starts_at) == (1, "Moved", soon(days=8))
    with pytest.raises(PlanLimitExceeded):
        update_session(moved, actor=host, duration_minutes=90)
    with pytest.raises(ScheduleError, match="Not editable"):
        update_session(moved, actor=host, canceled=True)
    [stored] = sessions_of(room)
    assert (stored.sequence, stored.duration_minutes, stored.canceled) == (1, 30, False)
    assert ModelLogEntry.objects.filter(action="lyceum.schedule.edit", object_id=str(session.pk)).count() == 1


def test_cancel_keeps_the_row_and_bumps_sequence(room, host):
    session = add_session(room, actor=host, **plan(room))
    canceled = cancel_session(session, actor=host)
    assert (canceled.canceled, canceled.sequence) == (True, 1)
    assert cancel_session(canceled, actor=host).sequence == 1  # canceling again changes nothing
    [stored] = sessions_of(room)
    assert (stored.pk, stored.canceled, stored.sequence) == (session.pk, True, 1)
    with pytest.raises(SessionCanceled):
        update_session(stored, actor=host, title="Back")
    assert (
        ModelLogEntry.objects.filter(action="lyceum.schedule.cancel", object_id=str(session.pk)).count() == 1
    )


def test_at_most_100_upcoming_sessions_per_room(tenant, room, host):
    start = timezone.now() + timedelta(days=1)
    with scope(tenant=tenant):
        ScheduledSession.objects.bulk_create(
            ScheduledSession(
                tenant=tenant,
                room=room,
                starts_at=start + timedelta(hours=i),
                ends_at=start + timedelta(hours=i, minutes=45),  # bulk_create skips save()
            )
            for i in range(MAX_UPCOMING_SESSIONS)
        )
    with pytest.raises(ScheduleFull, match="at most 100 upcoming sessions"):
        add_session(room, actor=host, **plan(room))
    cancel_session(sessions_of(room)[0], actor=host)
    add_session(room, actor=host, **plan(room))  # a canceled session frees its place


def test_wall_time_refuses_a_time_skipped_by_a_clock_change():
    assert wall_time(datetime(2030, 7, 1, 18, 0), "Europe/Paris").astimezone(UTC).hour == 16
    with pytest.raises(ScheduleError, match="does not exist in Europe/Paris"):
        wall_time(datetime(2030, 3, 31, 2, 30), "Europe/Paris")


# Selectors


def test_next_session_skips_canceled_and_ended_sessions(tenant, room, host):
    now = timezone.now()
    with scope(tenant=tenant):
        running = ScheduledSession.objects.create(
            tenant=tenant, room=room, starts_at=now - timedelta(minutes=10), duration_minutes=30
        )
        ScheduledSession.objects.create(
            tenant=tenant, room=room, starts_at=now - timedelta(hours=2), duration_minutes=30
        )
    first = add_session(room, actor=host, **plan(room))
    cancel_session(first, actor=host)
    later = add_session(room, actor=host, **plan(room, starts_at=soon(days=9)))

    assert next_session(room) == running
    assert next_session(room, now=now + timedelta(hours=1)) == later
    assert [s.pk for s in upcoming_sessions(room)] == [running.pk, first.pk, later.pk]


def test_next_sessions_for_rooms_in_one_query(tenant, room, host, django_assert_num_queries):
    with scope(tenant=tenant):
        Room.objects.filter(owner=host).update(status="paused")  # frees the free plan's one room
    other = create_room(host, tenant, name="Second")
    empty = create_room(make_member(tenant, Role.MODERATOR), tenant, name="Empty")
    add_session(room, actor=host, **plan(room, starts_at=soon(days=3)))
    first = add_session(room, actor=host, **plan(room, starts_at=soon(days=2)))
    second = add_session(other, actor=host, **plan(other, starts_at=soon(days=5)))
    rooms = [room, other, empty]
    with django_assert_num_queries(1):
        found = next_sessions_for_rooms(rooms)
    assert found == {room.pk: first, other.pk: second}
    assert next_sessions_for_rooms([]) == {}


# API


def url(room) -> str:
    return f"/api/v1/rooms/{room.public_id}/schedule/"


def test_owner_plans_moves_and_cancels_through_the_api(api_for, tenant, room, host):
    client = api_for(tenant, host)
    day = soon(days=10).date().isoformat()
    created = client.post(
        url(room),
        {"starts_at": f"{day}T18:00", "duration_minutes": 40, "time_zone": "Europe/Paris", "title": "Q&A"},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    starts = datetime.fromisoformat(body["starts_at"])
    assert starts == datetime.fromisoformat(f"{day}T18:00").replace(tzinfo=PARIS)
    assert datetime.fromisoformat(body["ends_at"]) - starts == timedelta(minutes=40)

    listed = client.get(url(room)).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]

    moved = client.patch(f"{url(room)}{body['id']}/", {"starts_at": f"{day}T19:30+00:00", "title": "Later"})
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["sequence"], moved.json()["title"]) == (1, "Later")
    assert datetime.fromisoformat(moved.json()["starts_at"]).astimezone(UTC).hour == 19

    assert client.delete(f"{url(room)}{body['id']}/").status_code == 204
    [row] = client.get(url(room)).json()["results"]
    assert (row["canceled"], row["sequence"]) == (True, 2)


def test_api_errors_name_the_field(api_for, tenant, room, host):
    client = api_for(tenant, host)
    too_long = client.post(url(room), {**plan(room), "starts_at": soon().isoformat(), "duration_minutes": 50})
    assert too_long.status_code == 403
    error = too_long.json()["error"]
    assert error["code"] == "plan_limit" and "45 minutes" in error["message"]
    assert error["fields"] == {"duration_minutes": [error["message"]]}
    bad_zone = client.post(
        url(room), {"starts_at": "2030-05-01T18:00", "duration_minutes": 30, "time_zone": "Nowhere"}
    )
    assert bad_zone.status_code == 400 and "time_zone" in bad_zone.json()["error"]["fields"]
    assert sessions_of(room) == []


def test_readers_and_outsiders(api_for, tenant, room, host):
    add_session(room, actor=host, **plan(room))
    attendee = make_member(tenant)
    assert api_for(tenant).get(url(room)).json()["count"] == 1  # a public room's schedule is public
    assert api_for(tenant, attendee).get(url(room)).json()["count"] == 1
    refused = api_for(tenant, attendee).post(url(room), {**plan(room), "starts_at": soon().isoformat()})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_room_host"

    update_room(room, actor=host, visibility="private")
    assert api_for(tenant, attendee).get(url(room)).status_code == 404
    assert api_for(tenant).get(f"/api/v1/rooms/{room.public_id}/calendar-link/").status_code == 404
    with scope(tenant=tenant):
        RoomAccess.objects.create(tenant=tenant, room=room, user=attendee)
    assert api_for(tenant, attendee).get(url(room)).json()["count"] == 1
    assert api_for(tenant, attendee).get("/api/v1/rooms/not-a-uuid/schedule/").status_code == 404


def test_calendar_link(api_for, tenant, room, host):
    public = api_for(tenant).get(f"/api/v1/rooms/{room.public_id}/calendar-link/").json()
    assert public == {
        "url": f"http://alpha.localhost/rooms/{room.public_id}/calendar.ics",
        "webcal_url": f"webcal://alpha.localhost/rooms/{room.public_id}/calendar.ics",
        "personal": False,
    }
    update_room(room, actor=host, visibility="private")
    private = api_for(tenant, host).get(f"/api/v1/rooms/{room.public_id}/calendar-link/").json()
    assert private["personal"] is True and "?token=" in private["url"]


def test_isolation_room_schedule(api_for, tenant, other_tenant, room, host):
    session = add_session(room, actor=host, **plan(room))
    outsider = make_member(other_tenant, Role.ADMIN)
    other = api_for(other_tenant, outsider)
    assert other.get(url(room)).status_code == 404
    assert other.post(url(room), {**plan(room), "starts_at": soon().isoformat()}).status_code == 404
    assert other.patch(f"{url(room)}{session.public_id}/", {"title": "Taken over"}).status_code == 404
    assert other.delete(f"{url(room)}{session.public_id}/").status_code == 404
    assert other.get(f"/api/v1/rooms/{room.public_id}/calendar-link/").status_code == 404
    # The host's own session does not open the room on the other tenant's host either.
    assert api_for(other_tenant, host).get(url(room)).status_code == 404
    [stored] = sessions_of(room)
    assert (stored.title, stored.canceled) == ("", False)


# Dashboard page


def test_room_edit_page_only_for_the_rooms_owner(tenant, other_tenant, room, host):
    def page(on, user):
        client = Client(HTTP_HOST=on.hostname)
        client.force_login(user)
        return client.get(f"/dashboard/rooms/{room.public_id}/")

    own = page(tenant, host)
    assert own.status_code == 200
    html = own.content.decode()
    assert 'x-data="roomEditor"' in html and "js/pages/room-edit.js" in html
    assert 'data-time-zone="UTC"' in html and "at least 6 characters" in html
    assert page(tenant, make_member(tenant, Role.MODERATOR)).status_code == 404
    assert page(other_tenant, make_member(other_tenant, Role.ADMIN)).status_code == 404
