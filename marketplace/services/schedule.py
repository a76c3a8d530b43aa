"""Planning a room's sessions: add, move, cancel; what calendar apps see follows every change.

Only the room's owner (or a site admin) changes its schedule. Times are instants (timezone-aware)
in the future, with the IANA time zone the host plans in; a session lasts at most what the owner's
plan allows. Canceling keeps the row, flagged and with a higher SEQUENCE, so subscribed calendars
drop the event instead of keeping a stale one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from marketplace.exceptions import MarketplaceError
from marketplace.models import Room, ScheduledSession, User
from marketplace.models.users import validate_time_zone
from marketplace.schedule_selectors import upcoming_sessions
from marketplace.selectors import active_plan, is_tenant_admin
from marketplace.services.audit import audit
from marketplace.services.rooms import PlanLimitExceeded

MAX_UPCOMING_SESSIONS = 100
TITLE_MAX_LENGTH = 120
EDITABLE = {"starts_at", "duration_minutes", "time_zone", "title"}


class ScheduleError(MarketplaceError):
    code = "invalid_session"


class NotRoomHost(MarketplaceError):
    code = "not_room_host"
    status = 403


class ScheduleFull(MarketplaceError):
    code = "schedule_full"
    status = 409
    field = "starts_at"


class SessionCanceled(MarketplaceError):
    code = "session_canceled"
    status = 409


def wall_time(naive: datetime, time_zone: str) -> datetime:
    """A wall-clock time read in an IANA zone, refusing times that a clock change skips."""
    _check_time_zone(time_zone)
    zone = ZoneInfo(time_zone)
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ScheduleError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {time_zone}: the clocks change then.",
            field="starts_at",
        )
    return aware


def _check_time_zone(time_zone: str) -> None:
    try:
        validate_time_zone(time_zone)
    except ValidationError:
        raise ScheduleError(f"Unknown time zone: {time_zone}.", field="time_zone") from None


def _check_actor(room: Room, actor: User) -> None:
    if actor.pk != room.owner_id and not is_tenant_admin(actor, room.tenant):
        raise NotRoomHost("Only the room's host can change its schedule.")


def _validate(session: ScheduledSession, *, new_start: bool) -> None:
    starts_at = session.starts_at
    if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
        raise ScheduleError("Give the start time with its time zone.", field="starts_at")
    # A session under way keeps its start; only a new start must lie ahead.
    if new_start and starts_at <= timezone.now():
        raise ScheduleError("Choose a start time in the future.", field="starts_at")
    _check_time_zone(session.time_zone)
    duration = session.duration_minutes
    if not isinstance(duration, int) or isinstance(duration, bool) or duration <= 0:
        raise ScheduleError("A session lasts at least one minute.", field="duration_minutes")
    room = session.room
    plan = active_plan(room.owner, room.tenant)
    if plan is None:
        raise PlanLimitExceeded("Only moderators can host rooms here: choose a plan first.", field="plan")
    if duration > plan.max_session_minutes:
        raise PlanLimitExceeded(
            f"Your {plan.name} plan allows sessions up to {plan.max_session_minutes} minutes.",
            field="duration_minutes",
        )
    session.title = (session.title or "").strip()
    if len(session.title) > TITLE_MAX_LENGTH:
        raise ScheduleError(f"A title has at most {TITLE_MAX_LENGTH} characters.", field="title")


def add_session(
    room: Room,
    *,
    actor: User,
    starts_at: datetime,
    duration_minutes: int,
    time_zone: str,
    title: str = "",
) -> ScheduledSession:
    _check_actor(room, actor)
    session = ScheduledSession(
        tenant=room.tenant,
        room=room,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        time_zone=time_zone,
        title=title,
    )
    _validate(session, new_start=True)
    with scope(tenant=room.tenant), transaction.atomic():
        # Lock the room so two concurrent additions cannot both pass the count.
        Room.objects.select_for_update().filter(pk=room.pk).first()
        if upcoming_sessions(room).filter(canceled=False).count() >= MAX_UPCOMING_SESSIONS:
            raise ScheduleFull(f"A room has at most {MAX_UPCOMING_SESSIONS} upcoming sessions.")
        session.save()
    audit(session, "lyceum.schedule.add", actor=actor, starts_at=session.starts_at.isoformat())
    return session


def update_session(session: ScheduledSession, *, actor: User, **changes: Any) -> ScheduledSession:
    """Change time, length, zone or title; bumps SEQUENCE so calendars take the new version."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ScheduleError(f"Not editable: {', '.join(sorted(unknown))}.")
    room = session.room
    _check_actor(room, actor)
    if not changes:
        return session
    with scope(tenant=room.tenant), transaction.atomic():
        session = ScheduledSession.objects.select_for_update().select_related("room").get(pk=session.pk)
        if session.canceled:
            raise SessionCanceled("This session is canceled: add a new one instead.")
        for field, value in changes.items():
            setattr(session, field, value)
        _validate(session, new_start="starts_at" in changes)
        session.sequence += 1
        session.save()
    audit(session, "lyceum.schedule.edit", actor=actor, changed=sorted(changes))
    return session


def cancel_session(session: ScheduledSession, *, actor: User) -> ScheduledSession:
    """Flag the session canceled (idempotent); the row stays so feeds publish STATUS:CANCELLED."""
    room = session.room
    _check_actor(room, actor)
    with scope(tenant=room.tenant), transaction.atomic():
        session = ScheduledSession.objects.select_for_update().select_related("room").get(pk=session.pk)
        if session.canceled:
            return session
        session.canceled = True
        session.sequence += 1
        session.save(update_fields=["canceled", "sequence", "updated_at"])
    audit(session, "lyceum.schedule.cancel", actor=actor)
    return session
