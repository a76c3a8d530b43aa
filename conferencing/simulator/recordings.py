"""Fake recordings: what BBB would publish after a recorded meeting, and getRecordings' filters."""

from __future__ import annotations

from collections.abc import Iterable

from conferencing.simulator.media import tiny_mp4
from conferencing.simulator.models import Meeting, PlaybackFormat, Recording

DEFAULT_STATES = frozenset({"published", "unpublished"})
MAX_PAGE_SIZE = 100


def has_recording_marks(meeting: Meeting, strict: bool) -> bool:
    """Whether BBB would process a recording (and report recordingmarks=true on the end callback)."""
    if not meeting.record:
        return False
    if not strict:
        return True
    return (
        meeting.auto_start_recording or not meeting.allow_start_stop_recording or meeting.marked_for_recording
    )


def recording_metadata(meeting: Meeting) -> dict[str, str]:
    """BBB's metadata.xml: the create call's meta_ parameters, the meeting's id and name, a breakout flag."""
    return {
        **meeting.metadata,
        "isBreakout": "false",
        "meetingId": meeting.meeting_id,
        "meetingName": meeting.name,
    }


def build_recording(meeting: Meeting, base_url: str) -> Recording:
    seconds = max(0, (meeting.end_time - meeting.create_time) // 1000)
    minutes = round(seconds / 60)
    record_id = meeting.internal_id
    video_size = len(tiny_mp4(seconds))
    joins = sum(len(a.joins) for a in meeting.attendance.values())
    raw_size = 4096 + 512 * joins  # grows with the events a real raw archive would hold
    return Recording(
        record_id=record_id,
        meeting_id=meeting.meeting_id,
        internal_meeting_id=meeting.internal_id,
        name=meeting.name,
        state="published",
        start_time=meeting.create_time,
        end_time=meeting.end_time,
        participants=len(meeting.attendance),
        metadata=recording_metadata(meeting),
        raw_size=raw_size,
        formats=[
            PlaybackFormat(
                type="presentation",
                url=f"{base_url}/playback/presentation/2.3/{record_id}",
                length_minutes=minutes,
                processing_time=1200 + 10 * seconds,
                size=raw_size // 2,
            ),
            PlaybackFormat(
                type="video",
                url=f"{base_url}/presentation/{record_id}/video/video.mp4",
                length_minutes=minutes,
                processing_time=2400 + 20 * seconds,
                size=video_size,
            ),
        ],
    )


def split_ids(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def matches_metadata(recording: Recording, filters: dict[str, str]) -> bool:
    """BBB's meta filter: exact value, or `%` wildcards at either end."""
    lowered = {key.lower(): value for key, value in recording.metadata.items()}
    for key, wanted in filters.items():
        actual = lowered.get(key.lower())
        if actual is None:
            return False
        if len(wanted) > 1 and wanted.startswith("%") and wanted.endswith("%"):
            ok = wanted[1:-1] in actual
        elif wanted.startswith("%"):
            ok = actual.endswith(wanted[1:])
        elif wanted.endswith("%"):
            ok = actual.startswith(wanted[:-1])
        else:
            ok = actual == wanted
        if not ok:
            return False
    return True


def filter_recordings(
    recordings: Iterable[Recording],
    *,
    meeting_ids: list[str],
    record_ids: list[str],
    states: list[str],
    metadata: dict[str, str],
) -> list[Recording]:
    """getRecordings' selection. A recordID may be a prefix; with recordIDs the meetingID is ignored."""
    wanted_states = set(states) or set(DEFAULT_STATES)
    selected = []
    for recording in recordings:
        if record_ids:
            if not any(recording.record_id.startswith(prefix) for prefix in record_ids):
                continue
        elif meeting_ids and recording.meeting_id not in meeting_ids:
            continue
        if "any" not in wanted_states and recording.state not in wanted_states:
            continue
        if not matches_metadata(recording, metadata):
            continue
        selected.append(recording)
    return sorted(selected, key=lambda r: (r.start_time, r.record_id))


def page_bounds(offset: str | None, limit: str | None) -> tuple[int, int] | None:
    """(offset, limit) when the caller asked for a page (BBB >= 2.6), else None for the whole list."""
    if offset is None and limit is None:
        return None
    try:
        start = max(0, int(offset or 0))
    except ValueError:
        start = 0
    try:
        size = int(limit) if limit else MAX_PAGE_SIZE
    except ValueError:
        size = MAX_PAGE_SIZE
    return start, min(max(size, 1), MAX_PAGE_SIZE)
