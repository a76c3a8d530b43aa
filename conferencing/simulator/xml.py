"""BBB's XML answers, element for element as bbb-web's templates write them."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from conferencing.simulator.models import Meeting, Recording, UserSession

CONTENT_TYPE = "text/xml;charset=utf-8"
# Metadata keys become element names; a key that is no XML name would break the whole document.
XML_NAME = re.compile(r"^[A-Za-z_][\w.\-]*$")


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _add(parent: ET.Element, tag: str, value: object = None) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if value is not None:
        child.text = _text(value)
    return child


def _fields(parent: ET.Element, fields: Iterable[tuple[str, object]]) -> None:
    for tag, value in fields:
        _add(parent, tag, value)


def _render(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=False)


def _mapping(parent: ET.Element, tag: str, values: dict[str, str]) -> None:
    element = _add(parent, tag)
    for key, value in values.items():
        if XML_NAME.match(key):
            _add(element, key, value)


def java_date(epoch_ms: int) -> str:
    """Java's Date.toString() in UTC, as in createDate: `Mon Jul 09 17:03:29 UTC 2018`."""
    return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(epoch_ms / 1000))


def simple(returncode: str = "SUCCESS", **fields: object) -> bytes:
    root = ET.Element("response")
    _add(root, "returncode", returncode)
    _fields(root, fields.items())
    return _render(root)


def error(key: str, message: str) -> bytes:
    return simple("FAILED", messageKey=key, message=message)


def version(api_version: str, bbb_version: str, base_url: str) -> bytes:
    websocket = base_url.replace("http", "ws", 1)
    return simple(
        version=api_version,
        apiVersion=api_version,
        bbbVersion=bbb_version,
        graphqlWebsocketUrl=f"{websocket}/graphql",
        graphqlApiUrl=f"{base_url}/api/rest",
    )


def created(meeting: Meeting, message_key: str = "", message: str = "") -> bytes:
    root = ET.Element("response")
    _fields(
        root,
        [
            ("returncode", "SUCCESS"),
            ("meetingID", meeting.meeting_id),
            ("internalMeetingID", meeting.internal_id),
            ("parentMeetingID", "bbb-none"),
        ],
    )
    if meeting.attendee_pw:
        _add(root, "attendeePW", meeting.attendee_pw)
    if meeting.moderator_pw:
        _add(root, "moderatorPW", meeting.moderator_pw)
    _fields(
        root,
        [
            ("createTime", meeting.create_time),
            ("voiceBridge", meeting.voice_bridge),
            ("dialNumber", meeting.dial_number),
            ("createDate", java_date(meeting.create_time)),
            ("hasUserJoined", meeting.has_user_joined),
            ("duration", meeting.duration),
            ("hasBeenForciblyEnded", meeting.forcibly_ended),
            ("messageKey", message_key),
            ("message", message),
        ],
    )
    return _render(root)


def joined(session: UserSession, meeting: Meeting, url: str, message_key: str, message: str) -> bytes:
    return simple(
        messageKey=message_key,
        message=message,
        meeting_id=meeting.internal_id,
        user_id=session.internal_user_id,
        auth_token=session.auth_token,
        session_token=session.token,
        guestStatus=session.guest_status,
        url=url,
    )


def _attendee(parent: ET.Element, session: UserSession, presenter: UserSession | None) -> None:
    attendee = _add(parent, "attendee")
    _fields(
        attendee,
        [
            ("userID", session.ext_user_id),
            ("fullName", session.full_name),
            ("role", session.role),
            ("isPresenter", session is presenter),
            ("isListeningOnly", False),
            ("hasJoinedVoice", False),
            ("hasVideo", False),
            ("clientType", "HTML5"),
        ],
    )
    if session.custom_data:
        _mapping(attendee, "customdata", session.custom_data)


def _meeting_fields(element: ET.Element, meeting: Meeting) -> None:
    """The body getMeetingInfo and each <meeting> of getMeetings share."""
    _fields(
        element,
        [
            ("meetingName", meeting.name),
            ("meetingID", meeting.meeting_id),
            ("internalMeetingID", meeting.internal_id),
            ("createTime", meeting.create_time),
            ("createDate", java_date(meeting.create_time)),
            ("voiceBridge", meeting.voice_bridge),
            ("dialNumber", meeting.dial_number),
        ],
    )
    if meeting.attendee_pw:
        _add(element, "attendeePW", meeting.attendee_pw)
    if meeting.moderator_pw:
        _add(element, "moderatorPW", meeting.moderator_pw)
    present = meeting.present_users()
    _fields(
        element,
        [
            ("running", meeting.running),
            ("duration", meeting.duration),
            ("hasUserJoined", meeting.has_user_joined),
            ("recording", meeting.record),
            ("hasBeenForciblyEnded", meeting.forcibly_ended),
            ("startTime", meeting.start_time),
            ("endTime", meeting.end_time),
            ("participantCount", len(present)),
            ("listenerCount", 0),
            ("voiceParticipantCount", 0),
            ("videoCount", 0),
            ("maxUsers", meeting.max_participants),
            ("moderatorCount", sum(1 for s in present if s.is_moderator)),
        ],
    )
    attendees = _add(element, "attendees")
    presenter = meeting.presenter()
    for session in present:
        _attendee(attendees, session, presenter)
    _mapping(element, "metadata", meeting.metadata)
    _add(element, "isBreakout", False)


def meeting_info(meeting: Meeting) -> bytes:
    root = ET.Element("response")
    _add(root, "returncode", "SUCCESS")
    _meeting_fields(root, meeting)
    return _render(root)


def meetings(items: list[Meeting]) -> bytes:
    root = ET.Element("response")
    _add(root, "returncode", "SUCCESS")
    container = _add(root, "meetings")
    for meeting in items:
        _meeting_fields(_add(container, "meeting"), meeting)
    if not items:
        _fields(root, [("messageKey", "noMeetings"), ("message", "no meetings were found on this server")])
    return _render(root)


def _recording(parent: ET.Element, recording: Recording) -> None:
    element = _add(parent, "recording")
    _fields(
        element,
        [
            ("recordID", recording.record_id),
            ("meetingID", recording.meeting_id),
            ("internalMeetingID", recording.internal_meeting_id),
            ("name", recording.name),
            ("isBreakout", False),
            ("published", recording.published),
            ("state", recording.state),
            ("startTime", recording.start_time),
            ("endTime", recording.end_time),
            ("participants", recording.participants),
            ("rawSize", recording.raw_size),
        ],
    )
    _mapping(element, "metadata", recording.metadata)
    _add(element, "size", sum(f.size for f in recording.formats))
    playback = _add(element, "playback")
    for playback_format in recording.formats:
        _fields(
            _add(playback, "format"),
            [
                ("type", playback_format.type),
                ("url", playback_format.url),
                ("processingTime", playback_format.processing_time),
                ("length", playback_format.length_minutes),
                ("size", playback_format.size),
            ],
        )


def recordings(items: list[Recording], total: int | None = None) -> bytes:
    """getRecordings; `total` is set for a paginated call and becomes <totalElements> (BBB >= 2.6)."""
    root = ET.Element("response")
    _add(root, "returncode", "SUCCESS")
    container = _add(root, "recordings")
    for recording in items:
        _recording(container, recording)
    if not items:
        _fields(
            root, [("messageKey", "noRecordings"), ("message", "There are no recordings for the meeting(s).")]
        )
    if total is not None:
        _add(root, "totalElements", total)
    return _render(root)
