"""Reads of conferencing: sessions, attendance and the recordings a person may watch."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django_scopes import scope

from conferencing.models import Attendance, Recording, Session
from marketplace.models import Registration, RegistrationStatus, Room, User
from marketplace.models.rooms import RecordingAccess
from marketplace.selectors import active_plan, is_tenant_admin

# Registrations that were approved at some point (a canceled or lapsed one once was).
_EVER_APPROVED = (RegistrationStatus.APPROVED, RegistrationStatus.CANCELED, RegistrationStatus.LAPSED)


def manages(user: User | None, room: Room) -> bool:
    """The room's host or one of its site's admins."""
    return bool(
        user and user.is_authenticated and (user.pk == room.owner_id or is_tenant_admin(user, room.tenant))
    )


def sessions_of(room: Room) -> QuerySet[Session]:
    return Session.objects.filter(tenant=room.tenant, room=room).annotate(attendees=Count("attendance"))


def attendance_of(session: Session) -> QuerySet[Attendance]:
    return Attendance.objects.filter(tenant=session.tenant, session=session).select_related("user")


def attendance_reports_allowed(room: Room) -> bool:
    plan = active_plan(room.owner, room.tenant)
    return bool(plan and plan.allows_attendance_reports)


def mp4_allowed(room: Room) -> bool:
    plan = active_plan(room.owner, room.tenant)
    return bool(plan and plan.allows_mp4_download)


def may_watch(user: User | None, room: Room) -> bool:
    """Registrants per the room's setting (current ones, or anyone ever approved); never others."""
    if manages(user, room):
        return True
    if user is None or not user.is_authenticated:
        return False
    statuses = (
        (RegistrationStatus.APPROVED,) if room.recording_access == RecordingAccess.CURRENT else _EVER_APPROVED
    )
    with scope(tenant=room.tenant):
        registration = Registration.objects.filter(room=room, user=user, status__in=statuses).first()
    if registration is None:
        return False
    # A canceled or lapsed registration counts only if it was approved once (a decision or a payment).
    return registration.status == RegistrationStatus.APPROVED or registration.decided_at is not None


def recordings_for(user: User | None, room: Room) -> QuerySet[Recording]:
    recordings = Recording.objects.filter(tenant=room.tenant, room=room, deleted_at__isnull=True)
    if manages(user, room):
        return recordings
    if not may_watch(user, room):
        return recordings.none()
    return recordings.filter(published=True)


def formats_for(recording: Recording, user: User | None) -> list[dict]:
    """Playback for everyone allowed; the MP4 video only when the host's plan includes downloads."""
    allowed_video = mp4_allowed(recording.room)
    return [f for f in recording.formats if f.get("type") != "video" or allowed_video]
