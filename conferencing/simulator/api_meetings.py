"""Meeting calls: create, join, isMeetingRunning, end, getMeetingInfo, getMeetings."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlsplit

from conferencing.simulator import xml
from conferencing.simulator.models import DENY, GUEST_POLICIES, MODERATOR, VIEWER, WAIT, ApiError, Meeting
from conferencing.simulator.state import Simulator, guest_status
from conferencing.simulator.web import Request, Response

CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
POST_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "application/xml", "text/xml"}
)


def _boolean(params: dict[str, str], name: str, default: bool, message: str) -> bool:
    value = params.get(name)
    if value is None or value == "":
        return default
    if value.lower() not in ("true", "false"):
        raise ApiError("validationError", message)
    return value.lower() == "true"


def _flag(params: dict[str, str], name: str, default: bool) -> bool:
    """A create option bbb-web reads with Boolean.parseBoolean: anything but "true" is false."""
    value = params.get(name)
    return default if not value else value.lower() == "true"


def _number(value: str | None) -> int:
    """bbb-web falls back to 0 for a missing or unparsable number."""
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _meeting_id(params: dict[str, str]) -> str:
    meeting_id = params.get("meetingID", "")
    if not meeting_id.strip():
        raise ApiError("validationError", "You must provide a meeting ID")
    if not 2 <= len(meeting_id) <= 256:
        raise ApiError("validationError", "Meeting ID must be between 2 and 256 characters")
    if "," in meeting_id:
        raise ApiError("validationError", "Meeting ID cannot contain ','")
    return meeting_id


def _existing(sim: Simulator, params: dict[str, str], key: str = "notFound") -> Meeting:
    meeting = sim.find_meeting(_meeting_id(params))
    if meeting is None:
        raise ApiError(key, "A meeting with that ID does not exist")
    return meeting


def _documents(request: Request) -> list[str]:
    """File names of the presentations a POSTed <modules> body pre-uploads."""
    if request.content_type not in ("application/xml", "text/xml") or not request.body.strip():
        return []
    try:
        root = ET.fromstring(request.body)
    except ET.ParseError as exc:
        raise ApiError("validationError", f"Invalid modules XML: {exc}") from exc
    names = []
    for document in root.iter("document"):
        url_name = urlsplit(document.get("url", "")).path.rsplit("/", 1)[-1]
        name = document.get("filename") or document.get("name") or url_name
        if name:
            names.append(name)
    return names


def create(sim: Simulator, request: Request) -> Response:
    if request.method == "POST" and request.body and request.content_type not in POST_CONTENT_TYPES:
        raise ApiError("unsupportedContentType", "POST request Content-Type is missing or unsupported")
    params = request.params
    config = sim.config
    meeting_id = _meeting_id(params)
    name = params.get("name", "")
    if not name.strip():
        raise ApiError("validationError", "You must provide a meeting name")
    if not 2 <= len(name) <= 256:
        raise ApiError("validationError", "Meeting name must be between 2 and 256 characters")
    for password in ("attendeePW", "moderatorPW"):
        if params.get(password) and not 2 <= len(params[password]) <= 64:
            raise ApiError("validationError", "Password must be between 8 and 20 characters")
    voice_bridge = params.get("voiceBridge", "")
    if voice_bridge and not voice_bridge.isdigit():
        raise ApiError("validationError", "Voice bridge must be an integral value")
    policy = params.get("guestPolicy", "ALWAYS_ACCEPT").upper()
    fields: dict[str, Any] = {
        "name": name,
        "dial_number": params.get("dialNumber") or config.dial_number,
        "attendee_pw": params.get("attendeePW", ""),
        "moderator_pw": params.get("moderatorPW", ""),
        "welcome": (params.get("welcome") or config.default_welcome).replace("%%CONFNAME%%", name),
        "moderator_only_message": params.get("moderatorOnlyMessage", ""),
        "logout_url": params.get("logoutURL") or config.default_logout_url,
        "duration": max(0, _number(params.get("duration"))),
        "max_participants": max(0, _number(params.get("maxParticipants"))),
        "record": _boolean(params, "record", False, "Record must be a boolean value (true or false)"),
        "keep_events": _flag(params, "meetingKeepEvents", False),
        "auto_start_recording": _flag(params, "autoStartRecording", False),
        "allow_start_stop_recording": _flag(params, "allowStartStopRecording", True),
        "guest_policy": policy if policy in GUEST_POLICIES else "ALWAYS_ACCEPT",
        "meeting_ended_url": params.get("meetingEndedURL", ""),
        # bbb-web keeps meta_ parameters with lower-cased names (getMeetingInfo shows <endcallbackurl>).
        "metadata": {
            key[5:].lower(): value for key, value in params.items() if key.startswith("meta_") and key[5:]
        },
        "files": _documents(request) or ["default.pdf"],
    }
    passwords = (params.get("attendeePW"), params.get("moderatorPW"))
    meeting, duplicate = sim.create_meeting(meeting_id, fields, voice_bridge, passwords)
    with sim.locked():
        if duplicate:
            return Response.xml(
                xml.created(
                    meeting,
                    "duplicateWarning",
                    "This conference was already in existence and may currently be in progress.",
                )
            )
        return Response.xml(xml.created(meeting))


def _role(meeting: Meeting, params: dict[str, str]) -> str | Response:
    """ApiController.join: a valid `role` wins, else the password decides; mistakes answer XML."""
    role = params.get("role", "").lower()
    if role in ("moderator", "viewer"):
        return MODERATOR if role == "moderator" else VIEWER
    password = params.get("password", "")
    if password:
        if meeting.moderator_pw and meeting.attendee_pw:
            if password == meeting.moderator_pw:
                return MODERATOR
            if password == meeting.attendee_pw:
                return VIEWER
            return Response.xml(xml.error("Params required", "You must enter a valid password"))
        return Response.xml(
            xml.error(
                "Params required",
                "You must send the 'role' parameter, since this meeting doesn't have any password.",
            )
        )
    return Response.xml(
        xml.error(
            "Params required",
            "You must either send the valid role of the user, or the password, sould the meeting has one.",
        )
    )


def _custom_data(params: dict[str, str]) -> dict[str, str]:
    """userdata-<name> parameters, kept under <name> as bbb-web does (only names without another dash)."""
    data = {}
    for key, value in params.items():
        parts = key.split("-")
        if key.startswith("userdata") and len(parts) == 2:
            data[parts[1]] = value
    return data


def join(sim: Simulator, request: Request) -> Response:
    params = request.params
    base = sim.config.base_url
    with sim.locked():
        meeting = _existing(sim, params, key="invalidMeetingIdentifier")
        if meeting.ended:
            raise ApiError(
                "meetingForciblyEnded", "You can not re-join a meeting that has already been forcibly ended."
            )
        full_name = CONTROL_CHARS.sub("", params.get("fullName", "")).strip()
        if not full_name:
            raise ApiError("missingParamFullName", "You must provide your name")
        guest_given = bool(params.get("guest"))
        guest = _boolean(params, "guest", False, "Guest must be a boolean value (true or false)")
        # Without a guest parameter bbb-web treats the user as authenticated.
        authenticated = _boolean(
            params, "auth", not guest_given, "Auth must be a boolean value (true or false)"
        )
        if "createTime" in params:
            create_time = int(params["createTime"]) if params["createTime"].isdigit() else -1
            if create_time != meeting.create_time:
                raise ApiError(
                    "mismatchCreateTimeParam",
                    "The createTime parameter submitted mismatches with the current meeting.",
                )
        role = _role(meeting, params)
        if isinstance(role, Response):
            return role
        ext_user_id = params.get("userID", "")
        status = guest_status(meeting.guest_policy, role, guest, authenticated)
        if sim.reached_max_participants(meeting, ext_user_id):
            raise ApiError(
                "maxParticipantsReached",
                "The number of participants allowed for this meeting has been reached.",
            )
        if status == DENY:
            raise ApiError(
                "guestDeniedAccess",
                "You have been denied access to this meeting based on the meeting's guest policy",
            )
        session = sim.register_session(
            meeting,
            full_name=full_name,
            role=role,
            ext_user_id=ext_user_id,
            guest=guest,
            authenticated=authenticated,
            custom_data=_custom_data(params),
        )
        if status == WAIT:
            url = f"{base}/html5client/guestWait?sessionToken={session.token}"
            key, message = "guestWait", "Guest waiting for approval to join meeting."
        else:
            url = f"{base}/html5client/join?sessionToken={session.token}"
            key, message = "successfullyJoined", "You have joined successfully."
        redirect = params.get("redirect")
        # Java's Boolean.parseBoolean: anything but "true" is false.
        if redirect is None or redirect.lower() == "true":
            return Response.redirect(url)
        return Response.xml(xml.joined(session, meeting, url, key, message))


def is_meeting_running(sim: Simulator, request: Request) -> Response:
    meeting_id = _meeting_id(request.params)
    with sim.locked():
        meeting = sim.find_meeting(meeting_id)
        return Response.xml(xml.simple(running=bool(meeting and meeting.running)))


def end(sim: Simulator, request: Request) -> Response:
    params = request.params
    with sim.locked():
        meeting = _existing(sim, params)
        password = params.get("password")
        if password and meeting.moderator_pw and password != meeting.moderator_pw:
            raise ApiError("invalidPassword", "Provided moderator password is incorrect")
        sim.end(meeting)
    return Response.xml(
        xml.simple(
            messageKey="sentEndMeetingRequest",
            message="A request to end the meeting was sent.  Please wait a few seconds, and then use the "
            "getMeetingInfo or isMeetingRunning API calls to verify that it was ended.",
        )
    )


def get_meeting_info(sim: Simulator, request: Request) -> Response:
    with sim.locked():
        return Response.xml(xml.meeting_info(_existing(sim, request.params)))


def get_meetings(sim: Simulator, request: Request) -> Response:
    with sim.locked():
        return Response.xml(xml.meetings(list(sim.meetings.values())))


MEETING_CALLS = {
    "create": create,
    "join": join,
    "isMeetingRunning": is_meeting_running,
    "end": end,
    "getMeetingInfo": get_meeting_info,
    "getMeetings": get_meetings,
}
