"""The simulator's memory behind one lock, with a clock that tests can move forward.

Every mutation happens inside `Simulator.locked()`. Meetings that end while the lock is held are
handed to the `on_meeting_ended` listeners once the outermost block releases it, so callbacks never
run (or block on the network) under the lock.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from conferencing.simulator.config import Config
from conferencing.simulator.models import (
    ALLOW,
    DENY,
    MODERATOR,
    WAIT,
    ApiError,
    Attendance,
    Meeting,
    Poll,
    Recording,
    UserSession,
    internal_meeting_id,
    random_token,
)
from conferencing.simulator.recordings import build_recording, filter_recordings, has_recording_marks

log = logging.getLogger(__name__)

EndedListener = Callable[[Meeting, Recording | None], None]
HISTORY_LIMIT = 200


def guest_status(policy: str, role: str, guest: bool, authenticated: bool) -> str:
    """BBB's Meeting.calcGuestStatus: who waits in the lobby under each guest policy."""
    if policy == "ALWAYS_DENY":
        return DENY if guest else ALLOW
    if policy == "ASK_MODERATOR":
        return WAIT if guest or (role != MODERATOR and not authenticated) else ALLOW
    if policy == "ALWAYS_ACCEPT_AUTH":
        return WAIT if guest and not authenticated else ALLOW
    return ALLOW


class Simulator:
    def __init__(self, config: Config) -> None:
        self.config = config
        self._lock = threading.RLock()
        self._depth = 0
        self._ended: list[tuple[Meeting, Recording | None]] = []
        self._listeners: list[EndedListener] = []
        self.offset_ms = 0
        self.meetings: dict[str, Meeting] = {}
        self.history: list[Meeting] = []
        self.recordings: dict[str, Recording] = {}
        self.tokens: dict[str, Meeting] = {}

    # -- plumbing ---------------------------------------------------------------------------------

    def on_meeting_ended(self, listener: EndedListener) -> None:
        self._listeners.append(listener)

    @contextmanager
    def locked(self) -> Iterator[None]:
        ended: list[tuple[Meeting, Recording | None]] = []
        try:
            with self._lock:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                    if self._depth == 0:
                        ended, self._ended = self._ended, []
        finally:
            # Also when the block raised: a meeting that expired on the way still gets its callbacks.
            self._notify(ended)

    def _notify(self, ended: list[tuple[Meeting, Recording | None]]) -> None:
        for meeting, recording in ended:
            for listener in self._listeners:
                try:
                    listener(meeting, recording)
                except Exception:
                    log.exception("Meeting-ended listener failed for %s", meeting.meeting_id)

    def now_ms(self) -> int:
        return int(time.time() * 1000) + self.offset_ms

    def advance(self, seconds: float) -> int:
        if seconds < 0:
            raise ValueError("The simulator clock only moves forward.")
        with self.locked():
            self.offset_ms += int(seconds * 1000)
            self._tick()
            return self.now_ms()

    def tick(self) -> None:
        with self.locked():
            self._tick()

    def reset(self) -> None:
        with self.locked():
            self.offset_ms = 0
            self.meetings.clear()
            self.history.clear()
            self.recordings.clear()
            self.tokens.clear()
            self._ended.clear()

    # -- meetings ---------------------------------------------------------------------------------

    def find_meeting(self, meeting_id: str) -> Meeting | None:
        return self.meetings.get(meeting_id)

    def create_meeting(
        self,
        meeting_id: str,
        fields: dict[str, Any],
        voice_bridge: str,
        passwords: tuple[str | None, str | None],
    ) -> tuple[Meeting, bool]:
        """The meeting and whether it already existed (BBB's duplicateWarning)."""
        with self.locked():
            self._tick()
            existing = self.meetings.get(meeting_id)
            if existing is not None and not existing.ended:
                attendee_pw, moderator_pw = passwords
                same = (attendee_pw, moderator_pw) == (existing.attendee_pw, existing.moderator_pw)
                if same or passwords == (None, None):
                    return existing, True
                raise ApiError(
                    "idNotUnique",
                    "A meeting already exists with that meeting ID.  Please use a different meeting ID.",
                )
            busy = {m.voice_bridge for m in self.meetings.values() if not m.ended}
            if voice_bridge and voice_bridge in busy:
                raise ApiError("nonUniqueVoiceBridge", "The selected voice bridge is already in use.")
            while not voice_bridge or voice_bridge in busy:
                voice_bridge = str(random.randint(70000, 79999))
            now = self.now_ms()
            if existing is not None and existing.create_time >= now:
                now = existing.create_time + 1  # a re-created meeting always gets a new internal id
            meeting = Meeting(
                meeting_id=meeting_id,
                internal_id=internal_meeting_id(meeting_id, now),
                create_time=now,
                start_time=now,
                voice_bridge=voice_bridge,
                **fields,
            )
            if existing is not None:
                self._forget(existing)
            self.meetings[meeting_id] = meeting
            return meeting, False

    def register_session(
        self,
        meeting: Meeting,
        *,
        full_name: str,
        role: str,
        ext_user_id: str,
        guest: bool,
        authenticated: bool,
        custom_data: dict[str, str],
    ) -> UserSession:
        with self.locked():
            internal_user_id = f"w_{random_token(12)}"
            session = UserSession(
                token=random_token(16),
                internal_user_id=internal_user_id,
                ext_user_id=ext_user_id or internal_user_id,
                full_name=full_name,
                role=role,
                guest=guest,
                authenticated=authenticated,
                guest_status=guest_status(meeting.guest_policy, role, guest, authenticated),
                auth_token=random_token(12),
                custom_data=custom_data,
            )
            meeting.sessions[session.token] = session
            self.tokens[session.token] = meeting
            return session

    def reached_max_participants(self, meeting: Meeting, ext_user_id: str) -> bool:
        """BBB's rule: count unique external ids in the meeting; someone already in may come back."""
        if meeting.max_participants <= 0:
            return False
        present = meeting.present_users()
        if ext_user_id and any(s.ext_user_id == ext_user_id for s in present):
            return False
        return len({s.ext_user_id for s in present}) >= meeting.max_participants

    def by_token(self, token: str) -> tuple[Meeting, UserSession] | None:
        meeting = self.tokens.get(token)
        if meeting is None:
            return None
        return meeting, meeting.sessions[token]

    def enter(self, meeting: Meeting, session: UserSession) -> str | None:
        """The HTML5 client connects: the user is now in the meeting. Returns an error key if refused."""
        with self.locked():
            self._tick()
            if meeting.ended:
                return "meetingEnded"
            if session.guest_status == WAIT:
                return "guestWait"
            if session.guest_status == DENY:
                return "guestDeniedAccess"
            if session.present:
                return None
            if self.reached_max_participants(meeting, session.ext_user_id):
                return "maxParticipantsReached"
            self._enter(meeting, session)
            return None

    def leave(self, meeting: Meeting, session: UserSession) -> None:
        with self.locked():
            if session.present and not meeting.ended:
                self._leave(meeting, session, self.now_ms())

    def end(self, meeting: Meeting) -> None:
        """An explicit end (API call, moderator button, control endpoint): hasBeenForciblyEnded."""
        with self.locked():
            if not meeting.ended:
                self._end(meeting, self.now_ms(), forcibly=True)

    def add_participant(self, meeting: Meeting, *, full_name: str, role: str, user_id: str) -> UserSession:
        """A fake participant who joined and whose client is connected, without any limit check."""
        with self.locked():
            if meeting.ended:
                raise ApiError("meetingForciblyEnded", "The meeting has already ended.")
            session = self.register_session(
                meeting,
                full_name=full_name,
                role=role,
                ext_user_id=user_id,
                guest=False,
                authenticated=True,
                custom_data={},
            )
            self._enter(meeting, session)
            return session

    def set_guest_status(self, meeting: Meeting, session: UserSession, allow: bool) -> None:
        with self.locked():
            session.guest_status = ALLOW if allow else DENY

    @staticmethod
    def attendance_of(meeting: Meeting, user_id: str) -> Attendance:
        """The attendance of an external (or internal) user id who joined at some point; KeyError if none.

        An ended meeting's attendance is final: its analytics callback has been built from it.
        """
        if meeting.ended:
            raise ApiError("meetingForciblyEnded", "The meeting has already ended.")
        attendance = meeting.attendance.get(user_id)
        if attendance is None:
            session = meeting.session_for_user(user_id)
            attendance = meeting.attendance.get(session.ext_user_id) if session else None
        if attendance is None:
            raise KeyError(user_id)
        return attendance

    def record_activity(self, meeting: Meeting, user_id: str, counters: dict[str, int]) -> Attendance:
        with self.locked():
            attendance = self.attendance_of(meeting, user_id)
            for key, amount in counters.items():
                attendance.engagement[key] += amount
            return attendance

    def add_poll(self, meeting: Meeting, question: str, options: list[str], votes: dict[str, str]) -> Poll:
        with self.locked():
            poll = Poll(
                poll_id=f"{meeting.internal_id}/{len(meeting.polls) + 1}",
                question=question,
                options=options,
                start=self.now_ms(),
            )
            voters = [(self.attendance_of(meeting, user_id), answer) for user_id, answer in votes.items()]
            for attendance, answer in voters:
                attendance.engagement["poll_votes"] += 1
                poll.votes[attendance.ext_user_id] = answer
            meeting.polls.append(poll)
            return poll

    # -- recordings -------------------------------------------------------------------------------

    def list_recordings(self, **filters: Any) -> list[Recording]:
        with self.locked():
            return filter_recordings(self.recordings.values(), **filters)

    # -- views ------------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        with self.locked():
            return {
                "now": self.now_ms(),
                "clockOffsetMs": self.offset_ms,
                "meetings": [self._meeting_view(m) for m in self.meetings.values()],
                "endedMeetings": [self._meeting_view(m) for m in self.history],
                "recordings": [dataclasses.asdict(r) for r in self.recordings.values()],
            }

    @staticmethod
    def _meeting_view(meeting: Meeting) -> dict[str, Any]:
        view = dataclasses.asdict(meeting)
        view["sessions"] = list(view["sessions"].values())
        view["running"] = meeting.running
        view["ended"] = meeting.ended
        return view

    # -- internals (lock held) --------------------------------------------------------------------

    def _enter(self, meeting: Meeting, session: UserSession) -> None:
        now = self.now_ms()
        session.present = True
        session.entered_at = now
        meeting.has_user_joined = True
        meeting.last_left_at = 0
        attendance = meeting.attendance.get(session.ext_user_id)
        if attendance is None:
            attendance = Attendance(session.ext_user_id, session.full_name, session.is_moderator)
            meeting.attendance[session.ext_user_id] = attendance
        attendance.name = session.full_name
        attendance.moderator = attendance.moderator or session.is_moderator
        attendance.joins.append(now)
        times = attendance.sessions.setdefault(session.internal_user_id, {"joins": [], "lefts": []})
        times["joins"].append(now)

    def _leave(self, meeting: Meeting, session: UserSession, at: int) -> None:
        session.present = False
        attendance = meeting.attendance[session.ext_user_id]
        attendance.leaves.append(at)
        attendance.sessions[session.internal_user_id]["lefts"].append(at)
        if not meeting.present_users():
            meeting.last_left_at = at

    def _end(self, meeting: Meeting, at: int, forcibly: bool) -> None:
        for session in meeting.present_users():
            self._leave(meeting, session, at)
        meeting.end_time = max(at, meeting.create_time + 1)
        meeting.forcibly_ended = forcibly
        recording = None
        if has_recording_marks(meeting, self.config.strict_recording_marks):
            recording = build_recording(meeting, self.config.base_url)
            self.recordings[recording.record_id] = recording
        self._ended.append((meeting, recording))

    def _deadline(self, meeting: Meeting) -> int | None:
        """When the meeting ends by itself: its duration, or BBB's expiry of empty meetings."""
        minute = 60_000
        deadlines = []
        if meeting.duration > 0:
            deadlines.append(meeting.start_time + meeting.duration * minute)
        no_join = self.config.expire_if_no_user_joined_minutes
        if not meeting.has_user_joined and no_join > 0:
            deadlines.append(meeting.create_time + no_join * minute)
        last_left = self.config.expire_when_last_user_left_minutes
        if meeting.has_user_joined and meeting.last_left_at and last_left > 0:
            deadlines.append(meeting.last_left_at + last_left * minute)
        return min(deadlines, default=None)

    def _tick(self) -> None:
        now = self.now_ms()
        retention = self.config.ended_meeting_retention_seconds * 1000
        for meeting in list(self.meetings.values()):
            deadline = None if meeting.ended else self._deadline(meeting)
            if deadline is not None and now >= deadline:
                self._end(meeting, deadline, forcibly=False)
            if meeting.ended and now >= meeting.end_time + retention:
                self._forget(meeting)

    def _forget(self, meeting: Meeting) -> None:
        if self.meetings.get(meeting.meeting_id) is meeting:
            del self.meetings[meeting.meeting_id]
        self.history.append(meeting)
        while len(self.history) > HISTORY_LIMIT:
            old = self.history.pop(0)
            for token in old.sessions:
                self.tokens.pop(token, None)
