"""`/_sim/*`: scripting endpoints for tests and demos (JSON in and out, loopback clients only).

Arguments come as a JSON object body, or as form or query parameters. See the package docstring for
the list.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from conferencing.simulator.callbacks import CallbackDispatcher
from conferencing.simulator.faults import Faults
from conferencing.simulator.models import MODERATOR, VIEWER, ApiError, Meeting
from conferencing.simulator.state import Simulator
from conferencing.simulator.web import HttpError, Request, Response

ENGAGEMENT_ARGUMENTS = {
    "chats": "chats",
    "talks": "talks",
    "talkTime": "talk_time",
    "raisehand": "raisehand",
    "emojis": "emojis",
    "pollVotes": "poll_votes",
}


def is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1 on a dual-stack socket
    return ip.is_loopback or bool(mapped and mapped.is_loopback)


def _number(args: dict[str, Any], name: str, default: float | None = None) -> float:
    value = args.get(name, default)
    try:
        return float(str(value))
    except ValueError:
        raise HttpError(400, f"{name} must be a number") from None


def _meeting(sim: Simulator, args: dict[str, Any]) -> Meeting:
    meeting = sim.find_meeting(str(args.get("meetingID", "")))
    if meeting is None:
        raise HttpError(404, f"No meeting {args.get('meetingID')!r}")
    return meeting


class Control:
    def __init__(self, sim: Simulator, faults: Faults, dispatcher: CallbackDispatcher) -> None:
        self.sim = sim
        self.faults = faults
        self.dispatcher = dispatcher
        self.routes: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
            ("GET", "state"): self.state,
            ("GET", "callbacks"): lambda args: self.dispatcher.history(),
            ("GET", "clock"): lambda args: {"now": self.sim.now_ms(), "offsetMs": self.sim.offset_ms},
            ("POST", "clock"): self.advance,
            ("POST", "reset"): self.reset,
            ("POST", "fault"): self.fault,
            ("POST", "recover"): self.recover,
            ("POST", "participants"): self.add_participants,
            ("POST", "participants/leave"): self.leave,
            ("POST", "activity"): self.activity,
            ("POST", "polls"): self.poll,
            ("POST", "guests"): self.guest,
            ("POST", "recording-marks"): self.recording_marks,
            ("POST", "end"): self.end,
        }

    def handle(self, request: Request, name: str) -> Response:
        if not is_loopback(request.remote_addr):
            return Response.json({"error": "The control endpoints answer loopback clients only."}, 403)
        route = self.routes.get((request.method, name))
        if route is None:
            allowed = [method for method, path in self.routes if path == name]
            status = 405 if allowed else 404
            return Response.json({"error": f"No {request.method} /_sim/{name}"}, status)
        try:
            return Response.json(route(request.json()))
        except HttpError as exc:
            return Response.json({"error": exc.message}, exc.status)
        except (ApiError, ValueError, KeyError) as exc:
            return Response.json({"error": str(exc)}, 400)

    def state(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.sim.snapshot(),
            "fault": self.faults.snapshot(),
            "callbacks": self.dispatcher.history(),
        }

    def advance(self, args: dict[str, Any]) -> dict[str, Any]:
        now = self.sim.advance(_number(args, "seconds"))
        return {"now": now, "offsetMs": self.sim.offset_ms}

    def reset(self, args: dict[str, Any]) -> dict[str, Any]:
        self.faults.recover()
        self.dispatcher.clear()
        self.sim.reset()
        return {"reset": True}

    def fault(self, args: dict[str, Any]) -> dict[str, Any]:
        calls = args.get("calls") or []
        if isinstance(calls, str):
            calls = [c.strip() for c in calls.split(",") if c.strip()]
        count = args.get("count")
        self.faults.set(
            str(args.get("mode", "")), list(calls), int(count) if count not in (None, "") else None
        )
        return self.faults.snapshot()

    def recover(self, args: dict[str, Any]) -> dict[str, Any]:
        self.faults.recover()
        return self.faults.snapshot()

    def add_participants(self, args: dict[str, Any]) -> list[dict[str, str]]:
        role = str(args.get("role", VIEWER)).upper()
        if role not in (MODERATOR, VIEWER):
            raise HttpError(400, "role must be MODERATOR or VIEWER")
        count = int(_number(args, "count", 1))
        base_name, base_id = str(args.get("fullName") or ""), str(args.get("userID") or "")
        with self.sim.locked():
            meeting = _meeting(self.sim, args)
            added = []
            for index in range(1, count + 1):
                name = base_name or f"Participant {len(meeting.sessions) + 1}"
                user_id = base_id
                if count > 1:
                    name = f"{base_name} {index}" if base_name else name
                    user_id = f"{base_id}-{index}" if base_id else ""
                session = self.sim.add_participant(meeting, full_name=name, role=role, user_id=user_id)
                added.append(
                    {
                        "userID": session.ext_user_id,
                        "internalUserID": session.internal_user_id,
                        "fullName": session.full_name,
                        "role": session.role,
                        "sessionToken": session.token,
                    }
                )
            return added

    def leave(self, args: dict[str, Any]) -> dict[str, Any]:
        with self.sim.locked():
            meeting = _meeting(self.sim, args)
            user_id = str(args.get("userID", ""))
            sessions = [s for s in meeting.present_users() if user_id in (s.ext_user_id, s.internal_user_id)]
            if not sessions:
                raise HttpError(404, f"No participant {user_id!r} in the meeting")
            for session in sessions:
                self.sim.leave(meeting, session)
            return {"left": len(sessions)}

    def activity(self, args: dict[str, Any]) -> dict[str, Any]:
        counters = {key: int(_number(args, arg)) for arg, key in ENGAGEMENT_ARGUMENTS.items() if arg in args}
        user_id = str(args.get("userID", ""))
        with self.sim.locked():
            meeting = _meeting(self.sim, args)
            try:
                attendance = self.sim.record_activity(meeting, user_id, counters)
            except KeyError:
                raise HttpError(404, f"No participant {user_id!r} ever joined the meeting") from None
            return {"userID": attendance.ext_user_id, "engagement": dict(attendance.engagement)}

    def poll(self, args: dict[str, Any]) -> dict[str, Any]:
        options = args.get("options") or ["Yes", "No"]
        votes = args.get("votes") or {}
        if not isinstance(options, list) or not isinstance(votes, dict):
            raise HttpError(400, "options must be a list and votes an object (userID: answer)")
        with self.sim.locked():
            meeting = _meeting(self.sim, args)
            try:
                poll = self.sim.add_poll(
                    meeting,
                    str(args.get("question", "")),
                    [str(o) for o in options],
                    {str(k): str(v) for k, v in votes.items()},
                )
            except KeyError as exc:
                raise HttpError(404, f"No participant {exc.args[0]!r} ever joined the meeting") from None
            return {"id": poll.poll_id, "votes": poll.votes}

    def guest(self, args: dict[str, Any]) -> dict[str, Any]:
        allow = str(args.get("allow", "true")).lower() in ("true", "1", "yes")
        with self.sim.locked():
            meeting = _meeting(self.sim, args)
            session = meeting.session_for_user(str(args.get("userID", "")))
            if session is None:
                raise HttpError(404, f"No user {args.get('userID')!r} in the meeting")
            self.sim.set_guest_status(meeting, session, allow)
            return {"userID": session.ext_user_id, "guestStatus": session.guest_status}

    def recording_marks(self, args: dict[str, Any]) -> dict[str, Any]:
        with self.sim.locked():
            meeting = _meeting(self.sim, args)
            meeting.marked_for_recording = True
            return {"meetingID": meeting.meeting_id, "markedForRecording": True}

    def end(self, args: dict[str, Any]) -> dict[str, Any]:
        with self.sim.locked():
            meeting = _meeting(self.sim, args)
            self.sim.end(meeting)
            return {"meetingID": meeting.meeting_id, "endTime": meeting.end_time}
