"""Typed values going to and coming from the BBB API."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Role = Literal["MODERATOR", "VIEWER"]
GuestPolicy = Literal["ALWAYS_ACCEPT", "ALWAYS_DENY", "ASK_MODERATOR"]
GUEST_POLICIES: tuple[str, ...] = ("ALWAYS_ACCEPT", "ALWAYS_DENY", "ASK_MODERATOR")

# BBB stores metadata as XML element names (getMeetingInfo and getRecordings echo them as tags),
# so a key that is not a valid element name would break every later answer about the meeting.
META_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def check_meta_keys(meta: dict[str, str]) -> None:
    for key in meta:
        if not META_KEY.match(key):
            raise ValueError(
                f"Metadata key {key!r} must be a valid XML element name (letters, digits, _ . -)."
            )


def check_id(kind: str, value: str) -> None:
    """BBB ≥ 2.4 refuses meeting ids outside 2 to 256 characters, or with commas (the list separator)."""
    if not 2 <= len(value) <= 256:
        raise ValueError(f"{kind} must be 2 to 256 characters long, got {len(value)}.")
    if "," in value:
        raise ValueError(f"{kind} cannot contain a comma: BBB uses commas to separate lists of ids.")


@dataclass(frozen=True)
class CreateParams:
    """Everything `create` sends. Booleans are always sent, so a server's changed defaults never
    silently override the room's settings."""

    meeting_id: str
    name: str
    record: bool = False
    auto_start_recording: bool = False
    allow_start_stop_recording: bool = True
    mute_on_start: bool = False
    webcams_only_for_moderator: bool = False
    guest_policy: GuestPolicy | None = None
    lock_private_chat: bool = False  # lockSettingsDisablePrivateChat
    lock_public_chat: bool = False  # lockSettingsDisablePublicChat
    lock_shared_notes: bool = False  # lockSettingsDisableNotes
    welcome: str | None = None
    max_participants: int | None = None
    duration: int | None = None  # minutes; BBB ends the meeting when it is exceeded (0 = no limit)
    logout_url: str | None = None
    meeting_keep_events: bool = False
    meta: dict[str, str] = field(default_factory=dict)  # sent as meta_<key>
    end_callback_url: str | None = None  # meta_endCallbackUrl
    recording_ready_url: str | None = None  # meta_bbb-recording-ready-url
    analytics_callback_url: str | None = None  # meta_analytics-callback-url
    extra: dict[str, str] = field(default_factory=dict)  # any other create parameter (logo, bannerText...)

    def __post_init__(self) -> None:
        check_id("meeting_id", self.meeting_id)
        # The 2.4 release notes say 64, but bbb-web's validator (MeetingNameConstraint) allows 256.
        if not 2 <= len(self.name) <= 256:
            raise ValueError(f"name must be 2 to 256 characters long, got {len(self.name)}.")
        if self.guest_policy is not None and self.guest_policy not in GUEST_POLICIES:
            raise ValueError(f"guest_policy must be one of {', '.join(GUEST_POLICIES)}.")
        for label, number in (("max_participants", self.max_participants), ("duration", self.duration)):
            if number is not None and number < 0:
                raise ValueError(f"{label} must be 0 or more, got {number}.")
        check_meta_keys(self.meta)


@dataclass(frozen=True)
class Attendee:
    user_id: str
    full_name: str
    role: str
    is_presenter: bool
    client_type: str


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    internal_meeting_id: str
    create_time: int  # milliseconds since the epoch; join's createTime must repeat it exactly
    create_date: str
    running: bool = False
    duration: int = 0
    has_user_joined: bool = False
    participant_count: int = 0
    moderator_count: int = 0
    max_users: int = 0
    attendees: list[Attendee] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    name: str = ""
    has_been_forcibly_ended: bool = False


@dataclass(frozen=True)
class CreateResult:
    meeting: Meeting
    # True when the meeting already existed: create is idempotent and BBB says so with a warning.
    duplicate_warning: bool = False


@dataclass(frozen=True)
class PlaybackFormat:
    type: str  # "presentation", "video", "podcast", ...
    url: str
    length: int  # minutes
    processing_time: int  # milliseconds


@dataclass(frozen=True)
class Recording:
    record_id: str
    meeting_id: str
    internal_meeting_id: str
    name: str
    published: bool
    state: str
    start_time: datetime
    end_time: datetime | None
    participants: int = 0
    raw_size: int | None = None  # bytes of raw media; older servers do not report it
    metadata: dict[str, str] = field(default_factory=dict)
    formats: list[PlaybackFormat] = field(default_factory=list)


@dataclass(frozen=True)
class RecordingsPage:
    recordings: list[Recording]
    total: int  # totalElements when BBB paginated the answer, else the number of recordings returned
