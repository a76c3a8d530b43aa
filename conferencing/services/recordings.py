"""Recordings: mirrored from BBB's getRecordings; the host's actions go through the BBB API first.

A sync lists a room's recordings on the server and upserts them by record id; recordings we knew
that the server no longer lists are marked gone (kept for the tenant's history, never shown).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from conferencing.bbb.errors import BBBError, BBBUnavailable
from conferencing.bbb.types import Recording as BBBRecording
from conferencing.exceptions import NotAllowed, RecordingGone, ServerUnavailable
from conferencing.models import Recording, Session
from conferencing.servers import client_for, endpoint_by_url, endpoint_for
from conferencing.services.meetings import meeting_id_of
from marketplace.models import Room, User
from marketplace.selectors import is_tenant_admin
from marketplace.services.audit import audit

logger = logging.getLogger(__name__)
PAGE_SIZE = 100


def _endpoints_of(room: Room):
    """Every endpoint this room's meetings ran on (a tenant may have switched servers)."""
    with scope(tenant=room.tenant):
        urls = set(Session.objects.filter(room=room).values_list("endpoint", flat=True))
    endpoints = [e for e in (endpoint_by_url(room.tenant, url) for url in urls) if e is not None]
    return endpoints or [endpoint_for(room.tenant)]


def _formats(recording: BBBRecording) -> list[dict]:
    return [{"type": f.type, "url": f.url, "length": f.length} for f in recording.formats]


def _list_all(client, meeting_id: str) -> list[BBBRecording]:
    found, offset = [], 0
    while True:
        page = client.get_recordings(meeting_ids=[meeting_id], offset=offset, limit=PAGE_SIZE)
        found.extend(page.recordings)
        offset += len(page.recordings)
        if not page.recordings or page.total is None or offset >= page.total:
            return found


def sync_room(room: Room, *, now: datetime | None = None) -> dict[str, int]:
    """Bring the room's recordings in line with the server(s); returns counts of what changed."""
    now = now or timezone.now()
    meeting_id = meeting_id_of(room)
    listed: dict[str, BBBRecording] = {}
    for endpoint in _endpoints_of(room):
        try:
            for recording in _list_all(client_for(endpoint), meeting_id):
                listed[recording.record_id] = recording
        except BBBUnavailable:
            logger.warning("Recordings of room %s not synced: %s unreachable.", room.public_id, endpoint.host)
            return {"skipped": 1}
    counts = {"created": 0, "updated": 0, "gone": 0}
    with scope(tenant=room.tenant), transaction.atomic():
        sessions = {s.internal_meeting_id: s for s in Session.objects.filter(room=room)}
        for record_id, data in listed.items():
            values = {
                "tenant": room.tenant,
                "room": room,
                "session": sessions.get(data.internal_meeting_id),
                "name": (data.metadata.get("name") or data.name or room.name)[:200],
                "state": data.state,
                "published": data.published,
                "started_at": data.start_time,
                "ended_at": data.end_time,
                "participants": data.participants or 0,
                "raw_size": data.raw_size or 0,
                "formats": _formats(data),
                "deleted_at": None,
            }
            _, created = Recording.objects.update_or_create(record_id=record_id, defaults=values)
            counts["created" if created else "updated"] += 1
        counts["gone"] = (
            Recording.objects.filter(room=room, deleted_at__isnull=True)
            .exclude(record_id__in=list(listed))
            .update(deleted_at=now)
        )
    return counts


def sync_recent(*, days: int = 14, now: datetime | None = None) -> int:
    """Scheduled: every room that held a session lately or still has recordings on show."""
    now = now or timezone.now()
    with scopes_disabled():
        room_ids = set(
            Session.objects.filter(started_at__gte=now - timedelta(days=days)).values_list(
                "room_id", flat=True
            )
        ) | set(Recording.objects.filter(deleted_at__isnull=True).values_list("room_id", flat=True))
        rooms = list(Room.objects.filter(pk__in=room_ids).select_related("tenant", "owner"))
    for room in rooms:
        try:
            sync_room(room, now=now)
        except BBBError:
            logger.exception("Recordings of room %s could not be synced.", room.public_id)
    return len(rooms)


def _managed(recording: Recording, actor: User):
    room = recording.room
    if actor.pk != room.owner_id and not is_tenant_admin(actor, room.tenant):
        raise NotAllowed("Only the room's host can change its recordings.")
    if recording.deleted_at is not None:
        raise RecordingGone("This recording is no longer on the server.")
    endpoint = endpoint_by_url(room.tenant, recording.session.endpoint) if recording.session else None
    return client_for(endpoint or endpoint_for(room.tenant))


def _call(action) -> None:
    try:
        action()
    except BBBUnavailable as error:
        raise ServerUnavailable("The meeting server is not answering; nothing was changed.") from error
    except BBBError as error:
        if error.message_key == "notFound":
            raise RecordingGone("This recording is no longer on the server.") from error
        raise


def set_published(recording: Recording, *, published: bool, actor: User) -> Recording:
    client = _managed(recording, actor)
    _call(lambda: client.publish_recordings([recording.record_id], published))
    with scope(tenant=recording.tenant):
        recording.published = published
        recording.save(update_fields=["published", "synced_at"])
    audit(recording, "lyceum.recording.publish" if published else "lyceum.recording.unpublish", actor=actor)
    return recording


def rename(recording: Recording, *, name: str, actor: User) -> Recording:
    name = name.strip()[:200]
    if not name:
        from conferencing.exceptions import ConferencingError

        raise ConferencingError("Give the recording a name.", field="name")
    client = _managed(recording, actor)
    _call(lambda: client.update_recordings([recording.record_id], {"name": name}))
    with scope(tenant=recording.tenant):
        recording.name = name
        recording.save(update_fields=["name", "synced_at"])
    audit(recording, "lyceum.recording.rename", actor=actor, name=name)
    return recording


def delete(recording: Recording, *, actor: User) -> None:
    client = _managed(recording, actor)
    _call(lambda: client.delete_recordings([recording.record_id]))
    with scope(tenant=recording.tenant):
        recording.deleted_at = timezone.now()
        recording.save(update_fields=["deleted_at", "synced_at"])
    audit(recording, "lyceum.recording.delete", actor=actor)
