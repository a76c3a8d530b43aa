"""The BBB client against the simulator over real HTTP: every call, its errors, a server that is down."""

from __future__ import annotations

import httpx
import pytest

from conferencing.bbb.checksum import ALGORITHMS
from conferencing.bbb.client import BBBClient
from conferencing.bbb.errors import BBBError, BBBUnavailable
from conferencing.bbb.types import CreateParams
from tests.conftest import free_port


def client(bbb, **kwargs) -> BBBClient:
    return BBBClient(bbb.endpoint, kwargs.pop("secret", bbb.secret), backoff=0, **kwargs)


def open_like_a_browser(url: str) -> httpx.Response:
    return httpx.get(url, follow_redirects=True, timeout=10)


def params(meeting_id: str = "room-1", **fields) -> CreateParams:
    return CreateParams(meeting_id=meeting_id, name="Algebra office hours", **fields)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_meeting_call(bbb, algorithm):
    api = client(bbb, algorithm=algorithm)
    created = api.create(params(max_participants=5, duration=30, meta={"lyceum-room": "r1"}))
    assert not created.duplicate_warning and created.meeting.meeting_id == "room-1"
    again = api.create(params())
    assert again.duplicate_warning and again.meeting.create_time == created.meeting.create_time

    url = api.join_url(
        "room-1", "Hannah Host", role="MODERATOR", user_id="user-1", create_time=created.meeting.create_time
    )
    assert open_like_a_browser(url).status_code == 200  # loading the meeting page is what joins
    assert api.is_meeting_running("room-1") is True
    info = api.get_meeting_info("room-1")
    assert [(a.user_id, a.full_name, a.role) for a in info.attendees] == [
        ("user-1", "Hannah Host", "MODERATOR")
    ]
    assert info.metadata.get("lyceum-room") == "r1"
    assert [m.meeting_id for m in api.get_meetings()] == ["room-1"]
    api.end("room-1")
    assert api.is_meeting_running("room-1") is False
    assert api.api_version()


def test_recordings_calls(bbb):
    api = client(bbb)
    bbb.recorded_meeting("room-rec")
    page = api.get_recordings(meeting_ids=["room-rec"])
    assert page.total == 1
    recording = page.recordings[0]
    assert {f.type for f in recording.formats} == {"presentation", "video"} and recording.published

    api.update_recordings([recording.record_id], {"name": "Lesson 1"})
    api.publish_recordings([recording.record_id], False)
    updated = api.get_recordings(record_ids=[recording.record_id]).recordings[0]
    assert updated.metadata.get("name") == "Lesson 1" and updated.published is False

    api.delete_recordings([recording.record_id])
    assert api.get_recordings(meeting_ids=["room-rec"]).recordings == []


def test_wrong_secret_and_unknown_meeting(bbb):
    with pytest.raises(BBBError) as wrong:
        client(bbb, secret="not-the-secret").get_meetings()
    assert wrong.value.message_key == "checksumError"
    with pytest.raises(BBBError) as unknown:
        client(bbb).get_meeting_info("nobody-here")
    assert unknown.value.message_key == "notFound"


def test_server_down_is_a_clear_error_and_changes_nothing(bbb):
    dead = BBBClient(f"http://127.0.0.1:{free_port()}/bigbluebutton/api/", bbb.secret, retries=1, backoff=0)
    with pytest.raises(BBBUnavailable) as down:
        dead.create(params("never"))
    assert "127.0.0.1" in str(down.value.message) and bbb.secret not in str(down.value.message)

    bbb.fail(mode="error", calls=["create"])
    with pytest.raises(BBBUnavailable):
        client(bbb).create(params("failing"))
    bbb.recover()
    assert client(bbb).get_meetings() == []  # nothing was created by the failed calls
