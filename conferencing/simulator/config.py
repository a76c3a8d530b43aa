"""Settings of one simulator process (command-line options end up here)."""

from __future__ import annotations

from dataclasses import dataclass

from conferencing.bbb.checksum import ALGORITHMS


@dataclass
class Config:
    secret: str
    base_url: str = "http://127.0.0.1:8090"
    algorithms: tuple[str, ...] = ALGORITHMS
    # BBB's bbb-web defaults: an empty meeting goes away after 5 minutes, a meeting everyone
    # left after 1 minute. 0 turns the rule off.
    expire_if_no_user_joined_minutes: int = 5
    expire_when_last_user_left_minutes: int = 1
    # How long an ended meeting still answers getMeetingInfo (running=false) before it is forgotten.
    ended_meeting_retention_seconds: int = 60
    # Real BBB only makes a recording when the meeting has recording marks (autoStartRecording, or a
    # moderator pressed the record button). By default every record=true meeting counts as marked.
    strict_recording_marks: bool = False
    callback_attempts: int = 3
    callback_backoff_seconds: float = 0.5
    callback_timeout_seconds: float = 5.0
    # A "hang" fault keeps a request open at most this long, so threads are not held forever.
    max_hang_seconds: float = 300.0
    api_version: str = "2.0"
    bbb_version: str = "3.0.0"
    default_welcome: str = "Welcome to <b>%%CONFNAME%%</b>!"
    dial_number: str = "613-555-1234"

    @property
    def default_logout_url(self) -> str:
        return f"{self.base_url}/"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/bigbluebutton/api/"
