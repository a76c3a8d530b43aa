"""The analytics callback body, shaped like BBB's post_events_analytics_callback.rb output.

BBB parses the meeting's events.xml with the bbbevents gem and posts
`{"version": "1.0", "meeting_id", "internal_meeting_id", "data": {...}}` where every key is snake_cased,
times are Ruby `Time#to_s` strings, and attendees are grouped by external user id (a user who left and
came back has several joins and leaves, one entry in `sessions` per internal user id).
"""

from __future__ import annotations

import re
import time
from typing import Any

from conferencing.simulator.models import Attendance, Meeting, Poll
from conferencing.simulator.recordings import recording_metadata


def ruby_time(epoch_ms: int) -> str:
    """Ruby's Time#to_s for the server's UTC clock: `2024-05-09 13:35:28 +0000`."""
    return time.strftime("%Y-%m-%d %H:%M:%S +0000", time.gmtime(epoch_ms // 1000))


def underscore(key: str) -> str:
    """ActiveSupport's String#underscore, which BBB applies to every key of the payload."""
    key = re.sub(r"([A-Z\d]+)([A-Z][a-z])", r"\1_\2", key)
    key = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", key)
    return key.replace("-", "_").lower()


def _seconds(epoch_ms: int) -> int:
    # bbbevents works in whole seconds (timestamp / 1000 with integer division).
    return epoch_ms // 1000


def _sessions(attendance: Attendance) -> dict[str, Any]:
    def event(at: int, internal_id: str, kind: str) -> dict[str, str]:
        return {
            "timestamp": ruby_time(at),
            "userid": internal_id,
            "ext_userid": attendance.ext_user_id,
            "event": kind,
        }

    return {
        internal_id: {
            "joins": [event(at, internal_id, "join") for at in times["joins"]],
            "lefts": [event(at, internal_id, "left") for at in times["lefts"]],
        }
        for internal_id, times in attendance.sessions.items()
    }


def _attendee(attendance: Attendance) -> dict[str, Any]:
    joins = [_seconds(at) for at in attendance.joins]
    leaves = [_seconds(at) for at in attendance.leaves]
    # bbbevents only sums the intervals when every join has its leave (the end closes open ones).
    duration = (
        float(sum(b - a for a, b in zip(joins, leaves, strict=True))) if len(joins) == len(leaves) else 0.0
    )
    talking = attendance.recent_talking_time
    return {
        "ext_user_id": attendance.ext_user_id,
        "name": attendance.name,
        "moderator": attendance.moderator,
        "joins": [ruby_time(at) for at in attendance.joins],
        "leaves": [ruby_time(at) for at in attendance.leaves],
        "duration": duration,
        "recent_talking_time": ruby_time(talking) if talking else "",
        "engagement": dict(attendance.engagement),
        "sessions": _sessions(attendance),
    }


def _poll(poll: Poll) -> dict[str, Any]:
    return {
        "id": poll.poll_id,
        "type": "CUSTOM",
        "question": poll.question,
        "published": poll.published,
        "options": list(poll.options),
        "votes": dict(poll.votes),
        "start": ruby_time(poll.start),
    }


def _metadata(meeting: Meeting) -> dict[str, str]:
    metadata = {underscore(k): v for k, v in recording_metadata(meeting).items() if not k.startswith("gl_")}
    # The script strips the meeting id from the metadata: it is reported at the top level instead.
    metadata.pop("meeting_id", None)
    return metadata


def analytics_payload(meeting: Meeting) -> dict[str, Any]:
    start, finish = _seconds(meeting.create_time), _seconds(meeting.end_time)
    return {
        "version": "1.0",
        "meeting_id": meeting.meeting_id,
        "internal_meeting_id": meeting.internal_id,
        "data": {
            "metadata": _metadata(meeting),
            "duration": finish - start,
            "start": ruby_time(meeting.create_time),
            "finish": ruby_time(meeting.end_time),
            "attendees": [_attendee(a) for a in meeting.attendance.values()],
            "files": list(meeting.files),
            "polls": [_poll(p) for p in meeting.polls],
        },
    }
