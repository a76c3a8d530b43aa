"""Parsing BBB's XML answers into the dataclasses of `types`, refusing anything BBB never sends."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from .errors import BBBError
from .types import Attendee, CreateResult, Meeting, PlaybackFormat, Recording, RecordingsPage

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class InvalidAnswer(ValueError):
    """The body is not a BBB XML answer; the client reports it as the server being unavailable."""


class _NoDoctypeBuilder(ET.TreeBuilder):
    # ElementTree calls this from expat's start-of-DOCTYPE handler, before the internal subset is
    # read, so entity declarations (billion laughs, external entities) never get defined. Doing it
    # in the parser rather than by searching the bytes for "<!DOCTYPE" works in any encoding and
    # leaves alone recording names that merely contain that text in a CDATA section.
    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise InvalidAnswer("the answer declares a DOCTYPE, which BBB never sends")


def parse(body: bytes) -> ET.Element:
    parser = ET.XMLParser(target=_NoDoctypeBuilder())
    try:
        parser.feed(body)
        root = parser.close()
    except ET.ParseError as exc:
        raise InvalidAnswer(f"the answer is not well-formed XML ({exc})") from None
    if root.tag != "response":
        raise InvalidAnswer(f"the answer's root element is <{root.tag}>, not <response>")
    return root


def text(element: ET.Element, tag: str, default: str = "") -> str:
    value = element.findtext(tag)
    return default if value is None else value.strip()


def integer(element: ET.Element, path: str, default: int = 0) -> int:
    value = text(element, path)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise InvalidAnswer(f"<{path}> should be a number, got {value[:40]!r}") from None


def boolean(element: ET.Element, tag: str, default: bool = False) -> bool:
    value = text(element, tag).lower()
    return default if not value else value == "true"


def milliseconds(value: int) -> datetime:
    # timedelta keeps whole milliseconds exact, where a float division could round them.
    return EPOCH + timedelta(milliseconds=value)


def metadata(element: ET.Element | None) -> dict[str, str]:
    if element is None:
        return {}
    return {child.tag: (child.text or "").strip() for child in element}


def check(root: ET.Element, call: str, *, tolerated: frozenset[str] = frozenset()) -> str:
    """Raise BBBError for FAILED answers; return the messageKey (empty when absent).

    `tolerated` lists message keys that mean "nothing found" for this call rather than an error.
    """
    code = text(root, "returncode").upper()
    key = text(root, "messageKey")
    if code == "SUCCESS" or (code == "FAILED" and key in tolerated):
        return key
    if code == "FAILED":
        raise BBBError(key or "unknownError", text(root, "message"), call=call)
    raise InvalidAnswer(f"the answer has returncode {code or 'missing'!r}, expected SUCCESS or FAILED")


def attendee(element: ET.Element) -> Attendee:
    return Attendee(
        user_id=text(element, "userID"),
        full_name=text(element, "fullName"),
        role=text(element, "role"),
        is_presenter=boolean(element, "isPresenter"),
        client_type=text(element, "clientType"),
    )


def meeting(element: ET.Element) -> Meeting:
    """A <meeting> of getMeetings, or the <response> of getMeetingInfo and create (same fields)."""
    attendees = element.find("attendees")
    return Meeting(
        meeting_id=text(element, "meetingID"),
        internal_meeting_id=text(element, "internalMeetingID"),
        create_time=integer(element, "createTime"),
        create_date=text(element, "createDate"),
        running=boolean(element, "running"),
        duration=integer(element, "duration"),
        has_user_joined=boolean(element, "hasUserJoined"),
        participant_count=integer(element, "participantCount"),
        moderator_count=integer(element, "moderatorCount"),
        max_users=integer(element, "maxUsers"),
        attendees=[attendee(a) for a in attendees.findall("attendee")] if attendees is not None else [],
        metadata=metadata(element.find("metadata")),
        name=text(element, "meetingName"),
        has_been_forcibly_ended=boolean(element, "hasBeenForciblyEnded"),
    )


def create_result(root: ET.Element, key: str) -> CreateResult:
    return CreateResult(meeting=meeting(root), duplicate_warning=key == "duplicateWarning")


def meetings(root: ET.Element) -> list[Meeting]:
    container = root.find("meetings")
    return [meeting(m) for m in container.findall("meeting")] if container is not None else []


def playback_format(element: ET.Element) -> PlaybackFormat:
    return PlaybackFormat(
        type=text(element, "type"),
        url=text(element, "url"),
        length=integer(element, "length"),
        processing_time=integer(element, "processingTime"),
    )


def recording(element: ET.Element) -> Recording:
    end = integer(element, "endTime")
    raw_size = text(element, "rawSize")
    playback = element.find("playback")
    return Recording(
        record_id=text(element, "recordID"),
        meeting_id=text(element, "meetingID"),
        # Older servers omit internalMeetingID; the record id is that same internal id.
        internal_meeting_id=text(element, "internalMeetingID") or text(element, "recordID"),
        name=text(element, "name"),
        published=boolean(element, "published"),
        state=text(element, "state"),
        start_time=milliseconds(integer(element, "startTime")),
        end_time=milliseconds(end) if end else None,
        participants=integer(element, "participants"),
        raw_size=integer(element, "rawSize") if raw_size else None,
        metadata=metadata(element.find("metadata")),
        formats=[playback_format(f) for f in playback.findall("format")] if playback is not None else [],
    )


def recordings_page(root: ET.Element) -> RecordingsPage:
    container = root.find("recordings")
    found = [recording(r) for r in container.findall("recording")] if container is not None else []
    # BBB ≥ 2.6 appends <totalElements> to the root when offset/limit were given; the separate
    # recording API nests it in <pagination>. Accept either.
    total = len(found)
    for path in ("totalElements", "pagination/totalElements"):
        if text(root, path):
            total = integer(root, path)
            break
    return RecordingsPage(recordings=found, total=total)
