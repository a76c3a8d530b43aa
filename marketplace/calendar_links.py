"""Calendar feed links: the public URL, and for rooms not open to everyone a signed token.

Calendar apps cannot sign in, so the link of a private room carries a token bound to the room and
to the subscriber's membership of the site (a UUID, never a sequential id). The token only says who
is asking: the feed still checks on every request that this person can see the room.
"""

from __future__ import annotations

import uuid

from django.core import signing
from django.urls import reverse
from django_scopes import scope

from marketplace.access import can_see
from marketplace.models import Membership, Room, User
from marketplace.roles import Role

SALT = "lyceum.room-calendar"


def _membership_of(user: User, room: Room) -> Membership | None:
    with scope(tenant=room.tenant):
        memberships = Membership.objects.filter(tenant=room.tenant, user=user).order_by("created_at")
        # The attendee role lasts as long as the person belongs to the site.
        return memberships.filter(role=Role.ATTENDEE).first() or memberships.first()


def calendar_token(room: Room, user: User) -> str | None:
    membership = _membership_of(user, room)
    if membership is None:
        return None
    return signing.dumps({"room": str(room.public_id), "member": str(membership.public_id)}, salt=SALT)


def user_for_token(token: str, room: Room) -> User | None:
    """The subscriber a token names, if it was signed here for this very room."""
    try:
        data = signing.loads(token, salt=SALT)
        member_id = uuid.UUID(str(data["member"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if data.get("room") != str(room.public_id):
        return None
    with scope(tenant=room.tenant):
        membership = (
            Membership.objects.select_related("user").filter(tenant=room.tenant, public_id=member_id).first()
        )
    if membership is None or not membership.user.is_active:
        return None
    return membership.user


def needs_token(room: Room) -> bool:
    """Whether a calendar app, signed out, would be refused the feed without a token."""
    return not can_see(None, room)


def feed_url(room: Room, user: User | None = None) -> str:
    url = room.tenant.root_url + reverse("room-calendar", kwargs={"room_id": room.public_id})
    if user is not None and user.is_authenticated and needs_token(room):
        token = calendar_token(room, user)
        if token:
            url += f"?token={token}"
    return url
