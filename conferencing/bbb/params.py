"""Query parameters of each BBB call, as ordered (name, value) pairs, and their one encoding.

The checksum covers the query string byte for byte, so it is built once here and the very same
string is both signed and sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote_plus, urlencode

from .types import CreateParams, Role, check_id, check_meta_keys

Pairs = list[tuple[str, str]]

# Never accepted from `extra`: the client appends the checksum itself. Names already in the pairs
# are refused too, since a repeated parameter reaches BBB twice and only one value is read.
RESERVED = frozenset({"checksum"})


def encode(pairs: Pairs) -> str:
    # quote_plus as in BBB's own examples (spaces as "+"); BBB checks the checksum against the raw
    # query string it received, so any encoding works as long as we sign what we send.
    return urlencode(pairs, quote_via=quote_plus)


def flag(value: bool) -> str:
    # BBB's booleans are the literal lowercase strings; "True" may be misread.
    return "true" if value else "false"


def _add_extra(pairs: Pairs, extra: Mapping[str, str], what: str) -> None:
    taken = {name for name, _ in pairs} | RESERVED
    for name, value in extra.items():
        if name in taken:
            raise ValueError(f"{what} parameter {name!r} is already set by the client.")
        pairs.append((name, str(value)))


def create_pairs(params: CreateParams) -> Pairs:
    pairs: Pairs = [
        ("meetingID", params.meeting_id),
        ("name", params.name),
        ("record", flag(params.record)),
        ("autoStartRecording", flag(params.auto_start_recording)),
        ("allowStartStopRecording", flag(params.allow_start_stop_recording)),
        ("muteOnStart", flag(params.mute_on_start)),
        ("webcamsOnlyForModerator", flag(params.webcams_only_for_moderator)),
        ("lockSettingsDisablePrivateChat", flag(params.lock_private_chat)),
        ("lockSettingsDisablePublicChat", flag(params.lock_public_chat)),
        ("lockSettingsDisableNotes", flag(params.lock_shared_notes)),
        ("meetingKeepEvents", flag(params.meeting_keep_events)),
    ]
    optional = (
        ("guestPolicy", params.guest_policy),
        ("welcome", params.welcome),
        ("maxParticipants", params.max_participants),
        ("duration", params.duration),
        ("logoutURL", params.logout_url),
    )
    pairs.extend((name, str(value)) for name, value in optional if value is not None)
    callbacks = {
        "endCallbackUrl": params.end_callback_url,
        "bbb-recording-ready-url": params.recording_ready_url,
        "analytics-callback-url": params.analytics_callback_url,
    }
    meta = {key: value for key, value in callbacks.items() if value is not None}
    for key, value in params.meta.items():
        if key in meta:
            raise ValueError(f"meta key {key!r} is set by a dedicated CreateParams field.")
        meta[key] = value
    pairs.extend((f"meta_{key}", value) for key, value in meta.items())
    _add_extra(pairs, params.extra, "create")
    return pairs


def join_pairs(
    meeting_id: str,
    full_name: str,
    *,
    role: Role,
    user_id: str,
    create_time: int | None,
    guest: bool,
    extra: Mapping[str, str] | None,
) -> Pairs:
    if role not in ("MODERATOR", "VIEWER"):
        raise ValueError(f"role must be MODERATOR or VIEWER, got {role!r}.")
    if not full_name.strip():
        raise ValueError("full_name cannot be empty: BBB refuses a join without a name.")
    check_id("meeting_id", meeting_id)
    pairs: Pairs = [
        ("meetingID", meeting_id),
        ("fullName", full_name),
        ("role", role),
        ("userID", user_id),
    ]
    if create_time is not None:
        # BBB refuses the join when this differs from the running meeting's createTime, so an old
        # link cannot enter a later session of the same room.
        pairs.append(("createTime", str(create_time)))
    if guest:
        # The docs ask not to send guest=false at all.
        pairs.append(("guest", "true"))
    pairs.append(("redirect", "true"))
    _add_extra(pairs, extra or {}, "join")
    return pairs


def id_list(kind: str, ids: Iterable[str] | str) -> str:
    # A bare string would otherwise be split into its characters.
    values = [ids] if isinstance(ids, str) else list(ids)
    for value in values:
        if "," in value or not value:
            raise ValueError(f"{kind} {value!r} is empty or contains a comma, the list separator.")
    return ",".join(values)


def recordings_pairs(
    *,
    meeting_ids: Sequence[str],
    record_ids: Sequence[str],
    states: Sequence[str],
    meta: Mapping[str, str] | None,
    offset: int | None,
    limit: int | None,
) -> Pairs:
    if meeting_ids and record_ids:
        # BBB ignores meetingID whenever recordID is present: refuse instead of filtering silently wrong.
        raise ValueError("Filter recordings by meeting_ids or by record_ids, not both.")
    if offset is not None and offset < 0:
        raise ValueError(f"offset must be 0 or more, got {offset}.")
    if limit is not None and not 1 <= limit <= 100:
        raise ValueError(f"limit must be between 1 and 100 (BBB's range), got {limit}.")
    pairs: Pairs = []
    if meeting_ids:
        pairs.append(("meetingID", id_list("meeting id", meeting_ids)))
    if record_ids:
        pairs.append(("recordID", id_list("record id", record_ids)))
    if states:
        pairs.append(("state", id_list("state", states)))
    if meta:
        check_meta_keys(dict(meta))
        pairs.extend((f"meta_{key}", value) for key, value in meta.items())
    if offset is not None:
        pairs.append(("offset", str(offset)))
    if limit is not None:
        pairs.append(("limit", str(limit)))
    return pairs


def record_ids_pair(record_ids: Sequence[str] | str) -> tuple[str, str]:
    if not record_ids:
        raise ValueError("At least one record id is required.")
    return ("recordID", id_list("record id", record_ids))


def meeting_pair(meeting_id: str) -> tuple[str, str]:
    check_id("meeting_id", meeting_id)
    return ("meetingID", meeting_id)
