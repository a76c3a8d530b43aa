"""What the simulator remembers: meetings, user sessions, attendance, polls and recordings."""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass, field

MODERATOR = "MODERATOR"
VIEWER = "VIEWER"

ALLOW = "ALLOW"
WAIT = "WAIT"
DENY = "DENY"
GUEST_POLICIES = ("ALWAYS_ACCEPT", "ALWAYS_DENY", "ASK_MODERATOR", "ALWAYS_ACCEPT_AUTH")

ENGAGEMENT_KEYS = ("chats", "talks", "raisehand", "emojis", "poll_votes", "talk_time")


class ApiError(Exception):
    """A FAILED answer with BBB's messageKey and message."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def random_token(length: int) -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def internal_meeting_id(meeting_id: str, create_time: int) -> str:
    """BBB's internal id: sha1 of the external id, a dash, the create time in milliseconds."""
    return f"{hashlib.sha1(meeting_id.encode()).hexdigest()}-{create_time}"


@dataclass
class UserSession:
    """One successful join call: what the session token in the client URL stands for."""

    token: str
    internal_user_id: str
    ext_user_id: str
    full_name: str
    role: str
    guest: bool
    authenticated: bool
    guest_status: str
    auth_token: str
    custom_data: dict[str, str] = field(default_factory=dict)
    present: bool = False
    entered_at: int = 0

    @property
    def is_moderator(self) -> bool:
        return self.role == MODERATOR


@dataclass
class Attendance:
    """Everything the analytics callback reports about one external user id."""

    ext_user_id: str
    name: str
    moderator: bool
    joins: list[int] = field(default_factory=list)
    leaves: list[int] = field(default_factory=list)
    sessions: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    engagement: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENGAGEMENT_KEYS, 0))
    recent_talking_time: int = 0


@dataclass
class Poll:
    poll_id: str
    question: str
    options: list[str]
    start: int
    published: bool = True
    votes: dict[str, str] = field(default_factory=dict)


@dataclass
class Meeting:
    meeting_id: str
    internal_id: str
    name: str
    create_time: int
    voice_bridge: str
    dial_number: str
    attendee_pw: str
    moderator_pw: str
    welcome: str
    moderator_only_message: str
    logout_url: str
    duration: int
    max_participants: int
    record: bool
    keep_events: bool
    auto_start_recording: bool
    allow_start_stop_recording: bool
    guest_policy: str
    meeting_ended_url: str
    metadata: dict[str, str]
    files: list[str]
    start_time: int
    end_time: int = 0
    has_user_joined: bool = False
    forcibly_ended: bool = False
    marked_for_recording: bool = False
    last_left_at: int = 0
    sessions: dict[str, UserSession] = field(default_factory=dict)
    attendance: dict[str, Attendance] = field(default_factory=dict)
    polls: list[Poll] = field(default_factory=list)

    @property
    def ended(self) -> bool:
        return self.end_time != 0

    @property
    def running(self) -> bool:
        return self.has_user_joined and not self.ended

    def present_users(self) -> list[UserSession]:
        return sorted((s for s in self.sessions.values() if s.present), key=lambda s: s.entered_at)

    def presenter(self) -> UserSession | None:
        """BBB makes the first moderator to arrive the presenter."""
        return next((s for s in self.present_users() if s.is_moderator), None)

    def waiting_guests(self) -> list[UserSession]:
        return [s for s in self.sessions.values() if s.guest_status == WAIT]

    def session_for_user(self, user_id: str) -> UserSession | None:
        """The newest session of an external (or internal) user id."""
        found = [s for s in self.sessions.values() if user_id in (s.ext_user_id, s.internal_user_id)]
        return found[-1] if found else None


@dataclass
class PlaybackFormat:
    type: str
    url: str
    length_minutes: int
    processing_time: int
    size: int


@dataclass
class Recording:
    record_id: str
    meeting_id: str
    internal_meeting_id: str
    name: str
    state: str
    start_time: int
    end_time: int
    participants: int
    metadata: dict[str, str]
    raw_size: int
    formats: list[PlaybackFormat]

    @property
    def published(self) -> bool:
        return self.state == "published"
