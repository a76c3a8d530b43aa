"""Starting a room's meeting on BBB (idempotently) and keeping our Session rows in step with it.

The meeting id is stable per room; each run of the meeting is told apart by BBB's createTime and
gets its own Session. Create is called only for the host: attendees who arrive first wait.
"""

from __future__ import annotations

import logging
import uuid

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from cms.branding.context import branding_for_tenant
from conferencing.bbb.errors import BBBError, BBBUnavailable
from conferencing.bbb.types import CreateParams
from conferencing.callbacks_urls import callback_urls
from conferencing.exceptions import ServerUnavailable, SiteSuspended
from conferencing.models import Session, SessionStatus
from conferencing.servers import Endpoint, client_for, endpoint_for
from marketplace.models import Room, Tenant
from marketplace.selectors import active_plan

logger = logging.getLogger(__name__)


def meeting_id_of(room: Room) -> str:
    return f"lyceum-{room.public_id}"


def tenant_may_host(tenant: Tenant) -> bool:
    """A suspended site (inactive, or its subscription unpaid past the grace period) keeps its data
    but cannot start meetings."""
    from payments.tenant_billing_selectors import is_suspended

    return tenant.is_active and not is_suspended(tenant)


def limits_of(room: Room) -> tuple[int, int]:
    """(max participants, max minutes): the room's own, never beyond the owner's current plan."""
    plan = active_plan(room.owner, room.tenant)
    participants, minutes = room.max_participants, room.max_duration_minutes
    if plan is not None:
        participants = min(participants, plan.max_attendees_per_room)
        minutes = min(minutes, plan.max_session_minutes)
    return participants, minutes


def create_params(room: Room, session: Session, *, max_participants: int, minutes: int) -> CreateParams:
    tenant = room.tenant
    plan = active_plan(room.owner, tenant)
    recording = room.record and plan is not None and plan.allows_recording
    urls = callback_urls(session)
    room_page = tenant.root_url + reverse(
        "room-page", kwargs={"handle": room.owner.handle, "slug": room.slug}
    )
    return CreateParams(
        meeting_id=session.meeting_id,
        name=meeting_name(room),
        record=recording,
        auto_start_recording=recording and room.auto_start_recording,
        allow_start_stop_recording=room.allow_start_stop_recording,
        mute_on_start=room.mute_on_start,
        webcams_only_for_moderator=room.webcams_only_for_moderator,
        guest_policy=room.guest_policy,
        lock_private_chat=room.lock_private_chat,
        lock_public_chat=room.lock_public_chat,
        lock_shared_notes=room.lock_shared_notes,
        welcome=room.welcome_message or None,
        max_participants=max_participants,
        duration=minutes,
        logout_url=room_page,
        meeting_keep_events=True,  # the analytics callback only fires for meetings that keep events
        meta={
            "lyceum-tenant": tenant.slug,
            "lyceum-room": str(room.public_id),
            "lyceum-session": str(session.public_id),
        },
        end_callback_url=urls["ended"],
        recording_ready_url=urls["recording_ready"],
        analytics_callback_url=urls["analytics"],
        extra=branding_params(tenant),
    )


def meeting_name(room: Room) -> str:
    """BBB wants 2 to 64 characters."""
    name = room.name if len(room.name) >= 2 else f"{room.name} · {room.tenant.name}"
    return name[:64]


def branding_params(tenant: Tenant) -> dict[str, str]:
    """The tenant's name and colour on the BBB client's banner and its logo in the client.

    BBB loads the logo in the participant's browser, so it gets an absolute URL on the tenant's host.
    """
    branding = branding_for_tenant(tenant)
    params = {"bannerText": tenant.name, "bannerColor": branding.primary_color}
    if branding.logo_absolute_url:
        params["logo"] = branding.logo_absolute_url
    return params


def running_session(room: Room) -> Session | None:
    with scope(tenant=room.tenant):
        return Session.objects.filter(room=room, status=SessionStatus.RUNNING).first()


def _still_running(session: Session, endpoint: Endpoint) -> bool:
    try:
        return client_for(endpoint).is_meeting_running(session.meeting_id)
    except BBBUnavailable:
        raise
    except BBBError:
        return False


def end_session(session: Session, *, reason: str, now=None) -> Session:
    """Mark a run as ended (idempotent) and close its open attendance."""
    from conferencing.services.attendance import close_open_attendance

    now = now or timezone.now()
    with scope(tenant=session.tenant), transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.status == SessionStatus.ENDED:
            return session
        session.status, session.ended_at = SessionStatus.ENDED, now
        session.save(update_fields=["status", "ended_at"])
        close_open_attendance(session, now)
    logger.info("Session %s of room %s ended (%s).", session.public_id, session.room_id, reason)
    return session


def start_meeting(room: Room) -> Session:
    """The running Session of the room, creating the meeting on BBB when there is none.

    Raises ServerUnavailable (nothing written) when BBB does not answer.
    """
    tenant = room.tenant
    if not tenant_may_host(tenant):
        raise SiteSuspended(f"{tenant.name} cannot start meetings at the moment.")
    endpoint = endpoint_for(tenant)
    current = running_session(room)
    try:
        if current is not None and current.endpoint == endpoint.url and _still_running(current, endpoint):
            return current
        if current is not None:
            end_session(current, reason="no longer running on the server")
        max_participants, minutes = limits_of(room)
        session = Session(
            public_id=uuid.uuid4(),
            tenant=tenant,
            room=room,
            meeting_id=meeting_id_of(room),
            endpoint=endpoint.url,
            max_participants=max_participants,
            duration_limit_minutes=minutes,
        )
        params = create_params(room, session, max_participants=max_participants, minutes=minutes)
        result = client_for(endpoint).create(params)
    except BBBUnavailable as error:
        raise ServerUnavailable(
            "The meeting server is not answering right now. Nothing was started; try again in a minute."
        ) from error
    meeting = result.meeting
    session.internal_meeting_id = meeting.internal_meeting_id
    session.create_time = meeting.create_time
    session.started_at = timezone.now()
    session.recorded = params.record
    try:
        with scope(tenant=tenant), transaction.atomic():
            session.save()
    except IntegrityError:
        # Another request started the same run (duplicateWarning): use its row.
        with scope(tenant=tenant):
            return Session.objects.get(meeting_id=session.meeting_id, create_time=meeting.create_time)
    return session
