"""The browser side: a minimal meeting client at the join URL, a guest lobby and recording playback.

No scripts and no external resources. Elements carry `data-testid` attributes for browser tests:
meeting-name, my-name, my-role, welcome, moderator-message, participants (with one `participant` per
person), participant-count, leave, end-meeting, waiting-guests, admit-guest, deny-guest, guest-waiting,
guest-denied, meeting-ended, join-error, logout-link, playback, join-errors.
"""

from __future__ import annotations

import json
import re
from html import escape

from conferencing.simulator.media import tiny_mp4
from conferencing.simulator.models import ALLOW, DENY, Meeting, UserSession
from conferencing.simulator.state import Simulator
from conferencing.simulator.web import Request, Response

STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:40rem;padding:0 1rem;color:#1b1b1b}"
    "h1{margin-bottom:.25rem}ul{padding-left:1.2rem}form{display:inline-block;margin:.25rem .5rem 0 0}"
    "button{padding:.4rem .9rem;font-size:1rem}.end{background:#b3261e;color:#fff;border:0}"
    "small{color:#666}"
)
REFRESH_SECONDS = 3
# The welcome message may hold HTML (BBB's default has <b>); the page shows its text only.
TAGS = re.compile(r"<[^>]*>")
MESSAGES = {
    "maxParticipantsReached": "The maximum number of participants allowed for this meeting has been reached.",
    "guestDeniedAccess": "You have been denied access to this meeting based on the meeting's guest policy",
}


def _page(title: str, body: str, *, refresh: bool = False, status: int = 200) -> Response:
    meta = f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">' if refresh else ""
    document = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">{meta}'
        f"<title>{escape(title)} · BigBlueButton simulator</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )
    return Response.html(document, status)


def _form(action: str, token: str, label: str, testid: str, extra: str = "", css: str = "") -> str:
    return (
        f'<form method="post" action="{action}">'
        f'<input type="hidden" name="sessionToken" value="{escape(token)}">{extra}'
        f'<button type="submit" class="{css}" data-testid="{testid}">{escape(label)}</button></form>'
    )


def _ended(meeting: Meeting) -> Response:
    body = (
        f'<h1 data-testid="meeting-name">{escape(meeting.name)}</h1>'
        '<p data-testid="meeting-ended">This meeting has ended.</p>'
        f'<p><a data-testid="logout-link" href="{escape(meeting.logout_url)}">Continue</a></p>'
    )
    return _page(meeting.name, body)


def _error(title: str, message: str, status: int, logout_url: str = "") -> Response:
    link = (
        f'<p><a data-testid="logout-link" href="{escape(logout_url)}">Continue</a></p>' if logout_url else ""
    )
    return _page(
        title,
        f'<h1>{escape(title)}</h1><p data-testid="join-error">{escape(message)}</p>{link}',
        status=status,
    )


def _participants(meeting: Meeting) -> str:
    presenter = meeting.presenter()
    items = "".join(
        f'<li data-testid="participant" data-user-id="{escape(s.ext_user_id)}" data-role="{s.role}">'
        f"{escape(s.full_name)} <small>{s.role.lower()}{' · presenter' if s is presenter else ''}"
        "</small></li>"
        for s in meeting.present_users()
    )
    count = len(meeting.present_users())
    return (
        f'<h2>Participants (<span data-testid="participant-count">{count}</span>)</h2>'
        f'<ul data-testid="participants">{items}</ul>'
    )


def _guest_decision(me: UserSession, guest: UserSession, allow: bool) -> str:
    fields = (
        f'<input type="hidden" name="userID" value="{escape(guest.internal_user_id)}">'
        f'<input type="hidden" name="allow" value="{"true" if allow else "false"}">'
    )
    label, testid = ("Admit", "admit-guest") if allow else ("Deny", "deny-guest")
    return _form("/html5client/admit", me.token, label, testid, fields)


def _lobby_controls(meeting: Meeting, me: UserSession) -> str:
    waiting = meeting.waiting_guests()
    if not me.is_moderator or not waiting:
        return ""
    rows = "".join(
        f"<li>{escape(g.full_name)} {_guest_decision(me, g, True)}{_guest_decision(me, g, False)}</li>"
        for g in waiting
    )
    return f'<h2>Waiting room</h2><ul data-testid="waiting-guests">{rows}</ul>'


def meeting_page(sim: Simulator, request: Request) -> Response:
    found = sim.by_token(request.query.get("sessionToken", ""))
    if found is None:
        return _error(
            "Session not found",
            "Your session was not found. Please join again.",
            404,
            sim.config.default_logout_url,
        )
    meeting, me = found
    refused = sim.enter(meeting, me)
    if refused == "meetingEnded":
        return _ended(meeting)
    if refused == "guestWait":
        return Response.redirect(f"/html5client/guestWait?sessionToken={me.token}")
    if refused:
        return _error("Cannot join", MESSAGES.get(refused, refused), 403, meeting.logout_url)
    with sim.locked():
        moderator_message = (
            f'<p data-testid="moderator-message">{escape(meeting.moderator_only_message)}</p>'
            if me.is_moderator and meeting.moderator_only_message
            else ""
        )
        actions = _form("/html5client/leave", me.token, "Leave", "leave")
        if me.is_moderator:
            actions += _form("/html5client/end", me.token, "End meeting", "end-meeting", css="end")
        body = (
            f'<h1 data-testid="meeting-name">{escape(meeting.name)}</h1>'
            f'<p>You are <strong data-testid="my-name">{escape(me.full_name)}</strong> '
            f'(<span data-testid="my-role">{me.role}</span>).</p>'
            f'<p data-testid="welcome">{escape(TAGS.sub("", meeting.welcome))}</p>{moderator_message}'
            f"{_participants(meeting)}{_lobby_controls(meeting, me)}<p>{actions}</p>"
        )
    return _page(meeting.name, body, refresh=True)


def guest_wait_page(sim: Simulator, request: Request) -> Response:
    found = sim.by_token(request.query.get("sessionToken", ""))
    if found is None:
        return _error(
            "Session not found",
            "Your session was not found. Please join again.",
            404,
            sim.config.default_logout_url,
        )
    meeting, me = found
    if meeting.ended:
        return _ended(meeting)
    if me.guest_status == ALLOW:
        return Response.redirect(f"/html5client/join?sessionToken={me.token}")
    if me.guest_status == DENY:
        body = (
            f'<h1>{escape(meeting.name)}</h1><p data-testid="guest-denied">A moderator denied your request '
            "to join.</p>"
            f'<p><a data-testid="logout-link" href="{escape(meeting.logout_url)}">Continue</a></p>'
        )
        return _page(meeting.name, body)
    body = (
        f'<h1 data-testid="meeting-name">{escape(meeting.name)}</h1>'
        '<p data-testid="guest-waiting">Please wait for a moderator to approve you joining the meeting.</p>'
    )
    return _page(meeting.name, body, refresh=True)


def _acting_session(sim: Simulator, request: Request) -> tuple[Meeting, UserSession] | Response:
    if request.method != "POST":
        return Response.text("Use POST.", 405)
    found = sim.by_token(request.form.get("sessionToken", ""))
    if found is None:
        return _error("Session not found", "Your session was not found.", 404, sim.config.default_logout_url)
    return found


def leave(sim: Simulator, request: Request) -> Response:
    found = _acting_session(sim, request)
    if isinstance(found, Response):
        return found
    meeting, me = found
    sim.leave(meeting, me)
    return Response.redirect(meeting.logout_url, 303)


def end(sim: Simulator, request: Request) -> Response:
    found = _acting_session(sim, request)
    if isinstance(found, Response):
        return found
    meeting, me = found
    if not me.is_moderator or not me.present:
        return _error("Not allowed", "Only a moderator in the meeting can end it.", 403, meeting.logout_url)
    sim.end(meeting)
    return Response.redirect(meeting.logout_url, 303)


def admit(sim: Simulator, request: Request) -> Response:
    found = _acting_session(sim, request)
    if isinstance(found, Response):
        return found
    meeting, me = found
    guest = next(
        (g for g in meeting.waiting_guests() if g.internal_user_id == request.form.get("userID")), None
    )
    if not me.is_moderator or guest is None:
        return _error("Not allowed", "Only a moderator can admit a waiting guest.", 403, meeting.logout_url)
    sim.set_guest_status(meeting, guest, request.form.get("allow") == "true")
    return Response.redirect(f"/html5client/join?sessionToken={me.token}", 303)


def index(sim: Simulator, request: Request) -> Response:
    """The default logout URL; BBB sends refused joins here with `errors=[{"key", "message"}]`."""
    errors = ""
    if "errors" in request.query:
        try:
            items = json.loads(request.query["errors"])
            errors = "".join(
                f'<li data-key="{escape(str(e.get("key")))}">{escape(str(e.get("message")))}</li>'
                for e in items
                if isinstance(e, dict)
            )
        except ValueError:
            errors = f"<li>{escape(request.query['errors'])}</li>"
        errors = f'<ul data-testid="join-errors">{errors}</ul>'
    body = f"<h1>BigBlueButton simulator</h1>{errors}<p>API: <code>{escape(sim.config.api_url)}</code></p>"
    return _page("Home", body)


def playback(sim: Simulator, record_id: str) -> Response:
    with sim.locked():
        recording = sim.recordings.get(record_id)
        if recording is None or not recording.published:
            return _error("Recording not found", "This recording does not exist or is not published.", 404)
        minutes = max(1, round((recording.end_time - recording.start_time) / 60000))
        body = (
            f'<h1 data-testid="meeting-name">{escape(recording.name)}</h1>'
            f"<p>{minutes} min · {recording.participants} participants</p>"
            f'<video data-testid="playback" controls width="480" '
            f'src="/presentation/{escape(record_id)}/video/video.mp4"></video>'
        )
    return _page(recording.name, body)


def video(sim: Simulator, record_id: str) -> Response:
    with sim.locked():
        recording = sim.recordings.get(record_id)
        if recording is None or not recording.published:
            return Response.text("Not Found", 404)
        seconds = (recording.end_time - recording.start_time) // 1000
    return Response(200, tiny_mp4(seconds), "video/mp4", [("Accept-Ranges", "none")])
