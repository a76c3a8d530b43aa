"""BBB's callbacks: forged proofs change nothing; replays are harmless; analytics settle attendance."""

from __future__ import annotations

import time
import uuid
import warnings
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope
from jwt.warnings import InsecureKeyLengthWarning

from conferencing.callbacks_urls import callback_urls, ended_token
from conferencing.models import Attendance, JoinGrant, Session, SessionStatus
from conferencing.services.attendance import mark_left, record_join

pytestmark = pytest.mark.django_db

SECRET = "callback-test-secret"
STARTED = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _platform_server(settings):
    settings.BBB_ENDPOINT = "http://bbb.test/bigbluebutton/api/"
    settings.BBB_SECRET = SECRET


@pytest.fixture
def session(tenant, make_room):
    room = make_room(name="Callbacks")
    with scope(tenant=tenant):
        return Session.objects.create(
            tenant=tenant,
            room=room,
            meeting_id=f"lyceum-{room.public_id}",
            internal_meeting_id="abc123-1777885200000",
            create_time=1777885200000,
            endpoint="http://bbb.test/bigbluebutton/api/",
            started_at=STARTED,
        )


def client_for(tenant) -> Client:
    return Client(HTTP_HOST=tenant.hostname)


def reload(session) -> Session:
    with scope(tenant=session.tenant):
        return Session.objects.get(pk=session.pk)


def grant(session, name: str, user_id: str, role: str = "VIEWER") -> JoinGrant:
    with scope(tenant=session.tenant):
        return JoinGrant.objects.create(
            tenant=session.tenant, session=session, full_name=name, role=role, bbb_user_id=user_id
        )


class TestMeetingEnded:
    def test_forged_token_is_refused_and_changes_nothing(self, tenant, session):
        forged = ended_token(session)[:-4] + "AAAA"
        response = client_for(tenant).get(reverse("bbb-meeting-ended", kwargs={"token": forged}))
        assert response.status_code == 401
        assert reload(session).status == SessionStatus.RUNNING

    def test_ends_the_session_once_even_when_replayed(self, tenant, session):
        url = callback_urls(session)["ended"].removeprefix(tenant.root_url)
        assert client_for(tenant).get(url, {"meetingID": session.meeting_id}).status_code == 200
        ended_at = reload(session).ended_at
        assert reload(session).status == SessionStatus.ENDED and ended_at is not None
        assert client_for(tenant).get(url).status_code == 200
        assert reload(session).ended_at == ended_at

    def test_another_tenants_host_cannot_use_the_token(self, tenant, other_tenant, session):
        url = callback_urls(session)["ended"].removeprefix(tenant.root_url)
        assert client_for(other_tenant).get(url).status_code == 401
        assert reload(session).status == SessionStatus.RUNNING


def analytics_payload(session) -> dict:
    return {
        "version": "1.0",
        "meeting_id": session.meeting_id,
        "internal_meeting_id": session.internal_meeting_id,
        "data": {
            "metadata": {"meeting_name": "Callbacks"},
            "duration": 1800,
            "start": "2026-05-04 09:00:00 +0000",
            "finish": "2026-05-04 09:30:00 +0000",
            "attendees": [
                {
                    "ext_user_id": "user-host",
                    "name": "Hannah Host",
                    "moderator": True,
                    "joins": ["2026-05-04 09:00:05 +0000"],
                    "leaves": ["2026-05-04 09:30:00 +0000"],
                    "duration": 1795,
                    "recent_talking_time": "",
                    "engagement": {
                        "chats": 4,
                        "talks": 9,
                        "raisehand": 0,
                        "emojis": 0,
                        "poll_votes": 0,
                        "talk_time": 610,
                    },
                },
                {
                    "ext_user_id": "user-sam",
                    "name": "Sam Student",
                    "moderator": False,
                    "joins": ["2026-05-04 09:02:00 +0200", "2026-05-04 09:20:00 +0200"],
                    "leaves": ["2026-05-04 09:10:00 +0200", "2026-05-04 09:30:00 +0200"],
                    "duration": 1080,
                    "recent_talking_time": "",
                    "engagement": {
                        "chats": 1,
                        "talks": 2,
                        "raisehand": 1,
                        "emojis": 0,
                        "poll_votes": 2,
                        "talk_time": 45,
                    },
                },
            ],
            "files": ["default.pdf"],
            "polls": [],
        },
    }


def bearer(secret: str = SECRET, **claims) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)  # BBB's secrets are this short too
        return "Bearer " + jwt.encode({"exp": int(time.time()) + 3600, **claims}, secret, algorithm="HS512")


def sign(claims: dict, secret: str = SECRET) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        return jwt.encode(claims, secret, algorithm="HS256")


class TestAnalytics:
    def post(self, tenant, payload, authorization):
        return client_for(tenant).post(
            reverse("bbb-analytics"),
            payload,
            content_type="application/json",
            HTTP_AUTHORIZATION=authorization,
        )

    def test_forged_jwt_is_refused(self, tenant, session):
        for authorization in (bearer("not-the-secret"), "", "Basic abc", bearer() + "x"):
            assert self.post(tenant, analytics_payload(session), authorization).status_code == 401
        with scope(tenant=tenant):
            assert not Attendance.objects.exists()

    def test_expired_token_is_refused(self, tenant, session):
        expired = bearer(exp=int(time.time()) - 60)
        assert self.post(tenant, analytics_payload(session), expired).status_code == 401

    def test_settles_durations_and_engagement_and_is_idempotent(self, tenant, session):
        record_join(grant(session, "Sam Student", "user-sam"), STARTED + timedelta(minutes=2))
        for _ in range(2):
            assert self.post(tenant, analytics_payload(session), bearer()).status_code == 200
        with scope(tenant=tenant):
            rows = {r.bbb_user_id: r for r in Attendance.objects.filter(session=session)}
        assert set(rows) == {"user-host", "user-sam"}
        sam = rows["user-sam"]
        assert (sam.duration_seconds, sam.talk_seconds, sam.chat_messages, sam.poll_votes) == (1080, 45, 1, 2)
        assert sam.joined_at == datetime(2026, 5, 4, 7, 2, tzinfo=UTC)  # +0200 read correctly
        assert sam.left_at == datetime(2026, 5, 4, 7, 30, tzinfo=UTC)
        assert rows["user-host"].role == "MODERATOR" and rows["user-host"].talk_seconds == 610
        assert reload(session).status == SessionStatus.ENDED

    def test_unknown_meeting_run_is_refused(self, tenant, session):
        payload = {**analytics_payload(session), "internal_meeting_id": "someone-else"}
        assert self.post(tenant, payload, bearer()).status_code == 401


class TestRecordingReady:
    def post(self, tenant, token):
        return client_for(tenant).post(reverse("bbb-recording-ready"), {"signed_parameters": token})

    def test_forged_or_mismatched_jwt_is_refused(self, tenant, session):
        claims = {"meeting_id": session.meeting_id, "record_id": "rec-1"}
        assert self.post(tenant, sign(claims, "wrong")).status_code == 401
        assert self.post(tenant, "not-a-jwt").status_code == 401
        unknown = {"meeting_id": f"lyceum-{uuid.uuid4()}", "record_id": "rec-1"}
        assert self.post(tenant, sign(unknown)).status_code == 401


def test_attendance_adds_up_every_stay(tenant, session):
    row = record_join(grant(session, "Sam", "user-sam"), STARTED)
    mark_left(row, STARTED + timedelta(minutes=10))
    row = record_join(grant(session, "Sam", "user-sam"), STARTED + timedelta(minutes=20))
    with scope(tenant=tenant):
        row = Attendance.objects.get(pk=row.pk)
        mark_left(row, STARTED + timedelta(minutes=25))
    assert row.duration_seconds == 15 * 60
    assert row.joined_at == STARTED and row.left_at == STARTED + timedelta(minutes=25)
