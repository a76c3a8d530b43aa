"""One-click join: who may enter a room's meeting, as what, and the URL that takes them there.

Access comes from the marketplace rules (marketplace/access.py): the owner joins as MODERATOR and
starts the meeting; approved registrants (and, in free private rooms, people on the access list)
join as VIEWER; guests with the room's link and passcode join as VIEWER with guest=true where the
room and the site allow guests. People who arrive before the host wait (the page polls). The URL
is built and signed here, and the browser is redirected to it: we never fetch it ourselves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from cms.branding.context import custom_stylesheet_url
from conferencing.bbb.errors import BBBError, BBBUnavailable
from conferencing.exceptions import JoinRefused, RoomFull, ServerUnavailable, SiteSuspended
from conferencing.models import JoinGrant, Session
from conferencing.servers import client_for, endpoint_by_url, endpoint_for
from conferencing.services.attendance import record_join
from conferencing.services.meetings import running_session, start_meeting, tenant_may_host
from marketplace import access
from marketplace.models import Room, Tenant, User

MODERATOR, VIEWER = "MODERATOR", "VIEWER"
GUEST_NAME_MAX = 60


@dataclass(frozen=True)
class JoinResult:
    url: str = ""
    waiting: bool = False
    role: str = ""
    session: Session | None = None


def _role_for(room: Room, user: User | None, guest_name: str, passcode: str) -> tuple[str, bool]:
    """(BBB role, guest?) or JoinRefused with the reason."""
    if user is not None and user.is_authenticated:
        role = access.join_role(user, room)
        if role == access.JoinRole.MODERATOR:
            return MODERATOR, False
        if role == access.JoinRole.VIEWER:
            return VIEWER, False
        registration = access.registration_of(user, room)
        if registration is not None and registration.status == "banned":
            raise JoinRefused("The host has banned you from this room.")
        if registration is not None and registration.status == "pending":
            raise JoinRefused("Your registration is waiting for the host's approval.")
        raise JoinRefused("Register for this room to join it.")
    if not access.guests_allowed(room):
        raise JoinRefused("Sign in and register to join this room.")
    if not access.guest_may_join(room, passcode):
        raise JoinRefused("That passcode is not right.", field="passcode")
    if not guest_name.strip():
        raise JoinRefused("Tell the others your name.", field="name")
    return VIEWER, True


def _check_room_has_space(session: Session, endpoint) -> None:
    try:
        meeting = client_for(endpoint).get_meeting_info(session.meeting_id)
    except BBBError:
        return  # BBB enforces maxParticipants itself; this check only gives a friendlier message
    if session.max_participants and meeting.participant_count >= session.max_participants:
        raise RoomFull(f"The meeting is full ({session.max_participants} participants).")


def _bbb_user_id(session: Session, user: User | None) -> str:
    """Stable per person within a run, so rejoining is one attendance row; never a database id."""
    if user is None:
        return f"guest-{uuid.uuid4().hex[:16]}"
    with scope(tenant=session.tenant):
        earlier = JoinGrant.objects.filter(session=session, user=user).first()
    if earlier is not None:
        return earlier.bbb_user_id
    return f"user-{uuid.uuid4().hex[:16]}"


def join_extras(tenant: Tenant) -> dict[str, str]:
    """Per-user client settings: the tenant's checked stylesheet, loaded by the BBB client from our host."""
    stylesheet = custom_stylesheet_url(tenant)
    return {"userdata-bbb_custom_style_url": stylesheet} if stylesheet else {}


def join_room(room: Room, *, user: User | None, guest_name: str = "", passcode: str = "") -> JoinResult:
    role, guest = _role_for(room, user, guest_name, passcode)
    if not tenant_may_host(room.tenant):
        raise SiteSuspended(f"{room.tenant.name} cannot hold meetings at the moment.")
    if role == MODERATOR:
        session = start_meeting(room)
    else:
        session = running_session(room)
        if session is None:
            return JoinResult(waiting=True, role=role)
    endpoint = endpoint_by_url(room.tenant, session.endpoint) or endpoint_for(room.tenant)
    if role == VIEWER:
        try:
            _check_room_has_space(session, endpoint)
        except BBBUnavailable as error:
            raise ServerUnavailable(
                "The meeting server is not answering right now; try again in a minute."
            ) from error
    full_name = guest_name.strip()[:GUEST_NAME_MAX] if guest else user.get_full_name() or user.handle
    now = timezone.now()
    with scope(tenant=room.tenant), transaction.atomic():
        grant = JoinGrant.objects.create(
            tenant=room.tenant,
            session=session,
            user=None if guest else user,
            full_name=full_name,
            role=role,
            guest=guest,
            bbb_user_id=_bbb_user_id(session, None if guest else user),
        )
        record_join(grant, now)
    url = client_for(endpoint).join_url(
        session.meeting_id,
        full_name,
        role=role,
        user_id=grant.bbb_user_id,
        create_time=session.create_time,
        guest=guest,
        extra=join_extras(room.tenant),
    )
    return JoinResult(url=url, role=role, session=session)
