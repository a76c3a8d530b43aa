"""Reads of room schedules, shared by the API, the dashboard and the calendar feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django_scopes import scope

from marketplace.models import Room, ScheduledSession


def _not_over(sessions: QuerySet[ScheduledSession], now: datetime | None) -> QuerySet[ScheduledSession]:
    return sessions.filter(ends_at__gt=now or timezone.now())


def upcoming_sessions(room: Room, now: datetime | None = None) -> QuerySet[ScheduledSession]:
    """Sessions of the room that have not ended yet, canceled ones included (calendars show them)."""
    with scope(tenant=room.tenant):
        sessions = ScheduledSession.objects.filter(tenant=room.tenant, room=room)
        return _not_over(sessions, now).order_by("starts_at", "pk")


def next_session(room: Room, now: datetime | None = None) -> ScheduledSession | None:
    """The first session that still takes place and has not ended: the one to show and to join."""
    return upcoming_sessions(room, now).filter(canceled=False).first()


def next_sessions_for_rooms(
    rooms: Iterable[Room], now: datetime | None = None
) -> dict[int, ScheduledSession]:
    """The next session of each room (by room primary key), in one query; rooms without one are absent."""
    rooms = list(rooms)
    if not rooms:
        return {}
    tenant = rooms[0].tenant
    with scope(tenant=tenant):
        sessions = _not_over(
            ScheduledSession.objects.filter(tenant=tenant, room__in=rooms, canceled=False), now
        ).annotate(rank=Window(RowNumber(), partition_by=[F("room_id")], order_by=[F("starts_at"), F("pk")]))
        return {session.room_id: session for session in sessions.filter(rank=1)}
