"""The BBB simulator over HTTP: checksums, meetings, meeting page, clock, callbacks, recordings, faults."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import httpx
import jwt
import pytest

from conferencing.bbb.checksum import ALGORITHMS, checksum
from conferencing.simulator.media import top_level_boxes
from tests.conferencing.conftest import TIMEOUT, join_errors, running_simulator, token_of


def xml_of(response: httpx.Response) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/xml")
    return ET.fromstring(response.content)


def by_testid(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}"[^>]*>(.*?)</', html, re.S)
    assert match, f"no data-testid={name} in {html}"
    return match.group(1)


def attendee_ids(root: ET.Element) -> list[str]:
    return [a.findtext("userID") or "" for a in root.iter("attendee")]


def ruby_time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S %z")


def test_version_needs_no_checksum(bbb):
    root = xml_of(httpx.get(bbb.endpoint, timeout=TIMEOUT))
    assert root.findtext("returncode") == "SUCCESS"
    assert root.findtext("version") == "2.0"


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_is_accepted(bbb, algorithm):
    assert bbb.api("getMeetings", algorithm=algorithm).findtext("returncode") == "SUCCESS"


def test_wrong_secret_or_missing_checksum_is_a_checksum_error(bbb):
    query = "name=Algebra&meetingID=room-1"
    forged = checksum("create", query, "not-the-secret")
    for url in (f"{bbb.endpoint}create?{query}&checksum={forged}", f"{bbb.endpoint}create?{query}"):
        root = xml_of(httpx.get(url, timeout=TIMEOUT))
        assert root.findtext("returncode") == "FAILED"
        assert root.findtext("messageKey") == "checksumError"
    assert bbb.api("getMeetings").findtext("messageKey") == "noMeetings"


def test_only_the_configured_algorithms_are_accepted(tmp_path: Path):
    with running_simulator(tmp_path / "sim.log", "--algorithms", "sha512") as only_sha512:
        assert only_sha512.api("getMeetings", algorithm="sha512").findtext("returncode") == "SUCCESS"
        assert only_sha512.api("getMeetings", algorithm="sha256").findtext("messageKey") == "checksumError"


def test_a_post_create_is_checked_over_its_query_string(bbb):
    modules = (
        b'<modules><module name="presentation"><document url="https://x.test/slides.pdf"/></module></modules>'
    )
    url = bbb.api_url("create", {"name": "Algebra", "meetingID": "room-1", "meetingKeepEvents": "true"})
    response = httpx.post(url, content=modules, headers={"Content-Type": "application/xml"}, timeout=TIMEOUT)
    assert xml_of(response).findtext("returncode") == "SUCCESS"
    assert bbb.state()["meetings"][0]["files"] == ["slides.pdf"]


def test_create_is_idempotent_with_a_duplicate_warning(bbb):
    first = bbb.create(record="true", meta_endCallbackUrl="https://app.test/ended", meta_tenant="alpha")
    again = bbb.create()
    assert first.findtext("messageKey") in ("", None)
    assert again.findtext("messageKey") == "duplicateWarning"
    for field in ("internalMeetingID", "createTime", "voiceBridge"):
        assert again.findtext(field) == first.findtext(field)
    info = bbb.api("getMeetingInfo", meetingID="room-1")
    assert info.findtext("metadata/endcallbackurl") == "https://app.test/ended"
    assert info.findtext("metadata/tenant") == "alpha"
    assert info.findtext("recording") == "true"
    refused = bbb.api("create", name="Algebra", meetingID="room-1", attendeePW="ap", moderatorPW="mp")
    assert refused.findtext("messageKey") == "idNotUnique"


def test_join_leads_to_the_meeting_page_with_name_role_and_participants(bbb):
    bbb.create(name="Algebra")
    assert not bbb.running("room-1")
    host_page = bbb.enter("room-1", "Hannah Host", "MODERATOR", userID="host-1")
    assert bbb.running("room-1")
    viewer_page = bbb.enter("room-1", "Vic Viewer", userID="viewer-1")

    assert by_testid(viewer_page, "meeting-name") == "Algebra"
    assert by_testid(viewer_page, "my-name") == "Vic Viewer"
    assert by_testid(viewer_page, "my-role") == "VIEWER"
    assert "Hannah Host" in by_testid(viewer_page, "participants")
    assert 'data-testid="end-meeting"' not in viewer_page
    assert 'data-testid="end-meeting"' in host_page
    assert 'http-equiv="refresh"' in viewer_page

    info = bbb.api("getMeetingInfo", meetingID="room-1")
    assert attendee_ids(info) == ["host-1", "viewer-1"]
    assert info.findtext("participantCount") == "2"
    assert info.findtext("moderatorCount") == "1"
    host = next(a for a in info.iter("attendee") if a.findtext("userID") == "host-1")
    assert [host.findtext(f) for f in ("role", "isPresenter", "clientType")] == ["MODERATOR", "true", "HTML5"]


def test_join_without_redirect_answers_the_session_token(bbb):
    bbb.create()
    root = bbb.api("join", meetingID="room-1", fullName="Gus", role="viewer", guest="true", redirect="false")
    assert root.findtext("messageKey") == "successfullyJoined"
    assert token_of(root.findtext("url")) == root.findtext("session_token")
    assert root.findtext("user_id").startswith("w_")
    [session] = bbb.state()["meetings"][0]["sessions"]
    assert (session["guest"], session["role"]) == (True, "VIEWER")


def test_join_is_refused_like_bbb_does(bbb):
    created = bbb.create(maxParticipants=1)
    ann = {"meetingID": "room-1", "fullName": "Ann", "role": "VIEWER"}
    unknown = bbb.call("join", **{**ann, "meetingID": "no-such-room"})
    assert join_errors(unknown)[0]["key"] == "invalidMeetingIdentifier"

    stale = bbb.call("join", **ann, createTime=123, logoutURL="https://app.test/x")
    assert join_errors(stale)[0]["key"] == "mismatchCreateTimeParam"
    # bbb-web sends the browser to the join call's logoutURL (or its default one), errors attached.
    assert stale.headers["location"].startswith("https://app.test/x?errors=")
    assert unknown.headers["location"].startswith(f"{bbb.base_url}/?errors=")

    fresh = bbb.call("join", **ann, createTime=created.findtext("createTime"))
    assert "/html5client/join?sessionToken=" in fresh.headers["location"]

    bbb.add_participants("room-1", fullName="Early Bird", userID="bird")
    assert join_errors(bbb.call("join", **ann, userID="ann"))[0]["key"] == "maxParticipantsReached"
    # Someone already in the meeting may come back (another tab, a reconnect).
    assert bbb.call("join", **ann, userID="bird").status_code == 302
    assert bbb.api("join", meetingID="room-1", fullName="Ann").findtext("messageKey") == "Params required"


def test_leave_and_end_buttons(bbb):
    bbb.create(logoutURL="https://app.test/bye")
    viewer_url = bbb.join_url("room-1", "Vic", userID="vic")
    host_url = bbb.join_url("room-1", "Hannah", "MODERATOR", userID="host")
    httpx.get(viewer_url, timeout=TIMEOUT)
    httpx.get(host_url, timeout=TIMEOUT)
    viewer, host = {"sessionToken": token_of(viewer_url)}, {"sessionToken": token_of(host_url)}

    assert httpx.post(f"{bbb.base_url}/html5client/end", data=viewer).status_code == 403
    left = httpx.post(f"{bbb.base_url}/html5client/leave", data=viewer)
    assert (left.status_code, left.headers["location"]) == (303, "https://app.test/bye")
    assert attendee_ids(bbb.api("getMeetingInfo", meetingID="room-1")) == ["host"]

    ended = httpx.post(f"{bbb.base_url}/html5client/end", data=host)
    assert (ended.status_code, ended.headers["location"]) == (303, "https://app.test/bye")
    info = bbb.api("getMeetingInfo", meetingID="room-1")
    assert (info.findtext("running"), info.findtext("hasBeenForciblyEnded")) == ("false", "true")
    assert 'data-testid="meeting-ended"' in httpx.get(host_url, timeout=TIMEOUT).text
    late = bbb.call("join", meetingID="room-1", fullName="Late", role="VIEWER")
    assert join_errors(late)[0]["key"] == "meetingForciblyEnded"


def test_guests_wait_for_a_moderator(bbb):
    bbb.create(guestPolicy="ASK_MODERATOR")
    host_url = bbb.join_url("room-1", "Hannah", "MODERATOR")
    guest_url = bbb.join_url("room-1", "Gus", guest="true")
    assert "/html5client/guestWait?" in guest_url
    assert 'data-testid="guest-waiting"' in httpx.get(guest_url, timeout=TIMEOUT).text

    host_page = httpx.get(host_url, timeout=TIMEOUT).text
    assert "Gus" in by_testid(host_page, "waiting-guests")
    guest_id = re.search(r'name="userID" value="([^"]+)"', host_page).group(1)
    admit = {"sessionToken": token_of(host_url), "userID": guest_id, "allow": "true"}
    admitted = httpx.post(f"{bbb.base_url}/html5client/admit", data=admit)
    assert admitted.status_code == 303
    guest_page = httpx.get(guest_url, timeout=TIMEOUT, follow_redirects=True).text
    assert by_testid(guest_page, "my-name") == "Gus"


def test_unknown_meetings_are_not_found(bbb):
    for name in ("getMeetingInfo", "end"):
        root = bbb.api(name, meetingID="no-such-room")
        assert (root.findtext("returncode"), root.findtext("messageKey")) == ("FAILED", "notFound")
    assert bbb.api("isMeetingRunning", meetingID="no-such-room").findtext("running") == "false"


def test_the_duration_limit_ends_the_meeting_once_the_clock_passes_it(bbb, callback_receiver):
    bbb.create(duration=30, meta_endCallbackUrl=callback_receiver.url("/ended?room=7"))
    bbb.add_participants("room-1", fullName="Hannah", role="MODERATOR", userID="host")
    bbb.advance(29 * 60)
    assert bbb.running("room-1")
    bbb.advance(2 * 60)
    assert not bbb.running("room-1")

    [ended] = callback_receiver.wait_for("/ended")
    assert ended.method == "GET"
    assert ended.query == {"room": ["7"], "recordingmarks": ["false"], "meetingID": ["room-1"]}
    info = bbb.meeting_state("room-1")
    assert info["end_time"] - info["start_time"] == 30 * 60 * 1000
    assert info["forcibly_ended"] is False


def test_end_fires_the_end_callback_once(bbb, callback_receiver):
    bbb.create(record="true", meta_endCallbackUrl=callback_receiver.url("/ended"))
    bbb.add_participants("room-1", fullName="Hannah", role="MODERATOR")
    assert bbb.api("end", meetingID="room-1").findtext("messageKey") == "sentEndMeetingRequest"
    assert bbb.api("end", meetingID="room-1").findtext("returncode") == "SUCCESS"
    [ended] = callback_receiver.wait_for("/ended")
    assert ended.query["recordingmarks"] == ["true"]
    assert len(callback_receiver.received("/ended")) == 1
    assert not bbb.running("room-1")


def test_analytics_callback_reports_attendance_on_the_simulated_clock(bbb, callback_receiver):
    bbb.create(
        name="Algebra",
        meetingKeepEvents="true",
        **{"meta_analytics-callback-url": callback_receiver.url("/analytics"), "meta_tenant": "alpha"},
    )
    bbb.enter("room-1", "Hannah Host", "MODERATOR", userID="host")
    bbb.add_participants("room-1", fullName="Vic", userID="vic")
    bbb.add_participants("room-1", fullName="Wanda", userID="wanda")
    bbb.advance(600)
    bbb.control("participants/leave", meetingID="room-1", userID="vic")
    bbb.control("activity", meetingID="room-1", userID="wanda", chats=3, talks=2, talkTime=45)
    bbb.control("polls", meetingID="room-1", question="Ready?", options=["Yes", "No"], votes={"wanda": "Yes"})
    bbb.advance(300)
    bbb.api("end", meetingID="room-1")

    [request] = callback_receiver.wait_for("/analytics")
    assert request.method == "POST"
    scheme, token = request.headers["Authorization"].split(" ")
    assert scheme == "Bearer"
    assert jwt.decode(token, bbb.secret, algorithms=["HS512"])["exp"] > datetime.now().timestamp()
    body = request.json()
    assert (body["version"], body["meeting_id"]) == ("1.0", "room-1")
    assert body["internal_meeting_id"].endswith(f"-{bbb.meeting_state('room-1')['create_time']}")
    data = body["data"]
    assert data["metadata"]["tenant"] == "alpha"
    assert data["metadata"]["meeting_name"] == "Algebra"
    assert data["metadata"]["analytics_callback_url"] == callback_receiver.url("/analytics")
    assert data["duration"] == pytest.approx(900, abs=3)
    attendees = {a["ext_user_id"]: a for a in data["attendees"]}
    assert set(attendees) == {"host", "vic", "wanda"}
    assert attendees["host"]["moderator"] is True
    assert attendees["host"]["duration"] == pytest.approx(900, abs=3)
    assert attendees["vic"]["duration"] == pytest.approx(600, abs=3)
    assert attendees["wanda"]["duration"] == pytest.approx(900, abs=3)
    vic = attendees["vic"]
    stayed = ruby_time(vic["leaves"][0]) - ruby_time(vic["joins"][0])
    assert stayed.total_seconds() == pytest.approx(600, abs=3)
    engagement = {"chats": 3, "talks": 2, "raisehand": 0, "emojis": 0, "poll_votes": 1, "talk_time": 45}
    assert attendees["wanda"]["engagement"] == engagement
    [session] = attendees["vic"]["sessions"].values()
    assert [e["event"] for e in session["joins"] + session["lefts"]] == ["join", "left"]
    [poll] = data["polls"]
    assert (poll["options"], poll["votes"]) == (["Yes", "No"], {"wanda": "Yes"})
    assert data["files"] == ["default.pdf"]


def test_no_analytics_without_kept_events(bbb, callback_receiver):
    bbb.create(
        meta_endCallbackUrl=callback_receiver.url("/ended"),
        **{"meta_analytics-callback-url": callback_receiver.url("/analytics")},
    )
    bbb.add_participants("room-1", fullName="Hannah", role="MODERATOR")
    bbb.api("end", meetingID="room-1")
    # Callbacks go out one by one in order: once a later meeting's callback arrived, the first
    # meeting's analytics would have arrived too.
    bbb.create("room-2", meta_endCallbackUrl=callback_receiver.url("/later"))
    bbb.api("end", meetingID="room-2")
    callback_receiver.wait_for("/later")
    assert len(callback_receiver.received("/ended")) == 1
    assert callback_receiver.received("/analytics") == []


def test_failed_callbacks_are_retried(bbb, callback_receiver):
    callback_receiver.status = 503
    bbb.create(meta_endCallbackUrl=callback_receiver.url("/ended"))
    bbb.add_participants("room-1", fullName="Hannah", role="MODERATOR")
    bbb.api("end", meetingID="room-1")
    assert len(callback_receiver.wait_for("/ended", count=3)) == 3


def recording_ids(root: ET.Element) -> list[str]:
    return [r.findtext("recordID") or "" for r in root.iter("recording")]


def test_recording_ready_callback_and_get_recordings(bbb, callback_receiver):
    ready_url = {"meta_bbb-recording-ready-url": callback_receiver.url("/ready")}
    record_id = bbb.recorded_meeting("room-1", minutes=5, **ready_url)
    [ready] = callback_receiver.wait_for("/ready")
    assert ready.method == "POST"
    claims = jwt.decode(ready.form()["signed_parameters"][0], bbb.secret, algorithms=["HS256"])
    assert claims == {"meeting_id": "room-1", "record_id": record_id}

    [recording] = bbb.api("getRecordings", meetingID="room-1").iter("recording")
    assert recording.findtext("recordID") == record_id
    assert (recording.findtext("state"), recording.findtext("published")) == ("published", "true")
    assert recording.findtext("metadata/meetingId") == "room-1"
    formats = {f.findtext("type"): f for f in recording.iter("format")}
    assert set(formats) == {"presentation", "video"}
    assert formats["presentation"].findtext("length") == "5"

    playback = httpx.get(formats["presentation"].findtext("url"), timeout=TIMEOUT)
    assert playback.status_code == 200
    assert 'data-testid="playback"' in playback.text
    video = httpx.get(formats["video"].findtext("url"), timeout=TIMEOUT)
    assert (video.status_code, video.headers["content-type"]) == (200, "video/mp4")
    assert [kind for kind, _ in top_level_boxes(video.content)] == [b"ftyp", b"moov"]
    assert str(len(video.content)) == formats["video"].findtext("size")


def test_publish_update_and_delete(bbb):
    record_id = bbb.recorded_meeting("room-1", meta_topic="math")
    playback_url = f"{bbb.base_url}/playback/presentation/2.3/{record_id}"

    assert bbb.api("publishRecordings", recordID=record_id, publish="false").findtext("published") == "false"
    [recording] = bbb.api("getRecordings", recordID=record_id).iter("recording")
    assert (recording.findtext("state"), recording.findtext("published")) == ("unpublished", "false")
    assert httpx.get(playback_url, timeout=TIMEOUT).status_code == 404
    assert recording_ids(bbb.api("getRecordings", state="published")) == []
    bbb.api("publishRecordings", recordID=record_id, publish="true")
    assert httpx.get(playback_url, timeout=TIMEOUT).status_code == 200

    updated = bbb.api("updateRecordings", recordID=record_id, meta_topic="", meta_level="2")
    assert updated.findtext("updated") == "true"
    [recording] = bbb.api("getRecordings", recordID=record_id).iter("recording")
    assert recording.find("metadata/topic") is None
    assert recording.findtext("metadata/level") == "2"

    assert bbb.api("deleteRecordings", recordID=record_id).findtext("deleted") == "true"
    gone = bbb.api("getRecordings", meetingID="room-1")
    assert recording_ids(gone) == []
    assert gone.findtext("messageKey") == "noRecordings"
    assert recording_ids(bbb.api("getRecordings", state="deleted")) == [record_id]
    assert bbb.api("deleteRecordings", recordID=record_id).findtext("messageKey") == "notFound"
    assert bbb.api("publishRecordings", publish="true").findtext("messageKey") == "missingParamRecordID"


def test_get_recordings_filters_and_pages(bbb):
    first = bbb.recorded_meeting("room-1", meta_tenant="alpha")
    second = bbb.recorded_meeting("room-2", meta_tenant="alpha")
    third = bbb.recorded_meeting("room-3", meta_tenant="beta")

    assert recording_ids(bbb.api("getRecordings")) == [first, second, third]
    assert recording_ids(bbb.api("getRecordings", meetingID="room-1,room-3")) == [first, third]
    assert recording_ids(bbb.api("getRecordings", recordID=f"{first},{third}")) == [first, third]
    assert recording_ids(bbb.api("getRecordings", recordID=second[:20])) == [second]
    assert recording_ids(bbb.api("getRecordings", meta_tenant="alpha")) == [first, second]
    assert recording_ids(bbb.api("getRecordings", meta_tenant="%et%")) == [third]
    assert recording_ids(bbb.api("getRecordings", state="any")) == [first, second, third]

    page = bbb.api("getRecordings", offset=1, limit=1)
    assert (recording_ids(page), page.findtext("totalElements")) == ([second], "3")
    past_the_end = bbb.api("getRecordings", offset=5, limit=2)
    assert (recording_ids(past_the_end), past_the_end.findtext("totalElements")) == ([], "3")
    assert bbb.api("getRecordings").find("totalElements") is None
    assert bbb.api("getRecordings", meetingID="room-9").findtext("messageKey") == "noRecordings"


def test_the_fault_switch_makes_calls_fail(bbb):
    bbb.fail("error", calls=["create"], count=1)
    assert bbb.call("getMeetings").status_code == 200
    assert bbb.call("create", name="Algebra", meetingID="room-1").status_code == 500
    assert bbb.call("create", name="Algebra", meetingID="room-1").status_code == 200

    bbb.fail("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        bbb.call("getMeetings")
    bbb.fail("hang")
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(bbb.api_url("getMeetings"), timeout=0.5)
    bbb.recover()
    assert bbb.api("getMeetings").findtext("returncode") == "SUCCESS"


def test_reset_forgets_everything(bbb):
    bbb.recorded_meeting("room-1")
    bbb.create("room-2")
    bbb.fail("error", calls=["end"])
    bbb.reset()
    state = bbb.state()
    assert (state["meetings"], state["recordings"], state["clockOffsetMs"]) == ([], [], 0)
    assert state["fault"]["mode"] is None


def test_control_endpoints_explain_mistakes(bbb):
    control = f"{bbb.base_url}/_sim"
    assert httpx.post(f"{control}/participants", json={"meetingID": "nope"}).status_code == 404
    assert httpx.post(f"{control}/fault", json={"mode": "explode"}).status_code == 400
    assert httpx.get(f"{control}/reset").status_code == 405
