"""Sessions, attendance and recordings through the API: who sees what, and isolation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django_scopes import scope

from conferencing.models import Attendance, Recording, Session
from marketplace.roles import Role
from marketplace.services import registrations
from tests.factories import make_member

pytestmark = pytest.mark.django_db

STARTED = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def room(make_room):
    return make_room(name="Recorded", record=True)


@pytest.fixture
def session(tenant, room):
    with scope(tenant=tenant):
        session = Session.objects.create(
            tenant=tenant,
            room=room,
            meeting_id=f"lyceum-{room.public_id}",
            internal_meeting_id="run-1",
            create_time=1,
            endpoint="http://bbb.test/bigbluebutton/api/",
            started_at=STARTED,
            status="ended",
        )
        Attendance.objects.create(
            tenant=tenant,
            session=session,
            bbb_user_id="user-1",
            full_name="Sam Student",
            role="VIEWER",
            joined_at=STARTED,
            duration_seconds=600,
        )
    return session


def recording(tenant, room, record_id: str, *, published: bool) -> Recording:
    with scope(tenant=tenant):
        return Recording.objects.create(
            tenant=tenant,
            room=room,
            record_id=record_id,
            name=record_id,
            state="published" if published else "unpublished",
            published=published,
            started_at=STARTED,
            formats=[
                {"type": "presentation", "url": f"http://bbb.test/playback/{record_id}", "length": 30},
                {"type": "video", "url": f"http://bbb.test/video/{record_id}.mp4", "length": 30},
            ],
        )


def test_host_sees_sessions_and_attendance(api_for, tenant, host, room, session, pro_plan):
    pro_plan.allows_attendance_reports = True
    pro_plan.save()
    client = api_for(tenant, host)
    listed = client.get(f"/api/v1/rooms/{room.public_id}/sessions/").json()["results"]
    assert [(s["id"], s["attendees"]) for s in listed] == [(str(session.public_id), 1)]
    rows = client.get(f"/api/v1/rooms/{room.public_id}/sessions/{session.public_id}/attendance/").json()
    assert [(r["full_name"], r["duration_seconds"]) for r in rows] == [("Sam Student", 600)]


def test_attendance_needs_the_plan_feature(api_for, tenant, host, room, session):
    response = api_for(tenant, host).get(
        f"/api/v1/rooms/{room.public_id}/sessions/{session.public_id}/attendance/"
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_allowed"


def test_registrants_watch_published_recordings_only(api_for, tenant, host, room):
    recording(tenant, room, "rec-public", published=True)
    recording(tenant, room, "rec-hidden", published=False)
    fan = make_member(tenant, handle="fan")
    registrations.register(fan, room)
    stranger = make_member(tenant, handle="stranger")
    url = f"/api/v1/rooms/{room.public_id}/recordings/"

    assert {r["name"] for r in api_for(tenant, host).get(url).json()["results"]} == {
        "rec-public",
        "rec-hidden",
    }
    watched = api_for(tenant, fan).get(url).json()["results"]
    assert [r["name"] for r in watched] == ["rec-public"]
    assert [f["type"] for f in watched[0]["formats"]] == ["presentation"]  # MP4 needs the plan feature
    assert api_for(tenant, stranger).get(url).json()["count"] == 0
    assert api_for(tenant).get(url).json()["count"] == 0
    # Only the host changes them.
    rec_id = watched[0]["id"]
    assert (
        api_for(tenant, fan).patch(f"{url}{rec_id}/", {"published": False}, format="json").status_code == 403
    )


def test_isolation_room_sessions(api_for, tenant, other_tenant, host, room, session):
    url = f"/api/v1/rooms/{room.public_id}/sessions/"
    assert api_for(tenant, host).get(url).json()["count"] == 1
    outsider = make_member(other_tenant, Role.ADMIN)
    assert api_for(other_tenant, outsider).get(url).status_code == 404
    assert api_for(other_tenant, host).get(url).status_code in (403, 404)  # not a member there
    assert api_for(tenant, make_member(tenant, Role.MODERATOR)).get(url).status_code == 404
    assert api_for(tenant, make_member(tenant, Role.ADMIN)).get(url).json()["count"] == 1


def test_isolation_room_recordings(api_for, tenant, other_tenant, host, room):
    recording(tenant, room, "rec-1", published=True)
    url = f"/api/v1/rooms/{room.public_id}/recordings/"
    outsider = make_member(other_tenant, Role.ADMIN)
    assert api_for(other_tenant, outsider).get(url).status_code == 404
    assert api_for(other_tenant, host).get(url).status_code in (403, 404)  # not a member there
    with scope(tenant=tenant):
        rec = Recording.objects.get(record_id="rec-1")
    assert api_for(other_tenant, outsider).delete(f"{url}{rec.public_id}/").status_code == 404
