"""Who can see a room, register for it and join it: for every visibility, access mode and role.

The room is free and needs approval, so a registration's outcome shows the lists at work:
`pending` (waits for the host), `approved` (whitelist), `rejected` (blacklist) or `refused`
(not allowed to register at all). Join: `moderator`, `viewer`, `guest` (no account, by link) or `-`.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django_scopes import scope

from marketplace import access
from marketplace.exceptions import MarketplaceError
from marketplace.models import Room
from marketplace.roles import Role
from marketplace.services import registrations as services
from marketplace.services.access_lists import set_rule
from marketplace.services.rooms import create_room
from tests.factories import make_member

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "attendee",
    "registered",
    "banned",
    "blacklisted",
    "whitelisted",
    "owner",
    "tenant admin",
    "other tenant's user",
)

# (see, register, join) per role, for listed rooms (public and unlisted behave alike here).
LISTED = {
    "anonymous": (True, "refused", "-"),
    "attendee": (True, "pending", "-"),
    "registered": (True, "refused", "viewer"),
    "banned": (True, "refused", "-"),
    "blacklisted": (True, "rejected", "-"),
    "whitelisted": (True, "approved", "-"),
    "owner": (True, "refused", "moderator"),
    "tenant admin": (True, "pending", "-"),
    "other tenant's user": (True, "pending", "-"),
}
PRIVATE = {
    **{role: (False, "refused", "-") for role in ROLES},
    "registered": (True, "refused", "viewer"),
    "owner": (True, "refused", "moderator"),
    "tenant admin": (True, "pending", "-"),
}

EXPECTED = {
    ("public", "registered"): LISTED,
    ("public", "guests"): {**LISTED, "anonymous": (True, "refused", "guest")},
    ("unlisted", "registered"): LISTED,
    ("unlisted", "guests"): {**LISTED, "anonymous": (True, "refused", "guest")},
    ("private", "registered"): PRIVATE,
    ("private", "guests"): PRIVATE,  # private rooms never admit guests
}


def make_people(tenant, other_tenant, host, admin_user) -> dict:
    """One person per role of the matrix (the owner is `host`); lists set up by the host."""

    def member(handle: str):
        return make_member(tenant, handle=handle)

    found = {
        "anonymous": None,
        "attendee": member("attendee"),
        "registered": member("registered"),
        "banned": member("banned"),
        "blacklisted": member("blacklisted"),
        "whitelisted": member("whitelisted"),
        "owner": host,
        "tenant admin": admin_user,
        "other tenant's user": make_member(other_tenant, Role.MODERATOR, handle="elsewhere"),
    }
    set_rule(host, tenant, kind="block", person="@blacklisted")
    set_rule(host, tenant, kind="allow", person="@whitelisted")
    return found


def room_for_matrix(tenant, host, people, visibility: str, mode: str) -> Room:
    """A free room needing approval; `registered` approved and `banned` banned, then its visibility set."""
    room = create_room(host, tenant, name="Matrix", approval_required=True, visibility="public", access=mode)
    services.approve(services.register(people["registered"], room), actor=host)
    services.ban(room, people["banned"], actor=host)
    with scope(tenant=tenant):
        Room.objects.filter(pk=room.pk).update(visibility=visibility)
        room.refresh_from_db()
    return room


@pytest.fixture
def people(tenant, other_tenant, host, admin_user):
    return make_people(tenant, other_tenant, host, admin_user)


def register_outcome(user, room: Room) -> str:
    """Try to register, then undo it, so each role starts from the same state."""
    with transaction.atomic():
        try:
            outcome = services.register(user, room).status
        except MarketplaceError:
            outcome = "refused"
        transaction.set_rollback(True)
    return str(outcome)


def join_outcome(user, room: Room) -> str:
    if user is None:
        return "guest" if access.guest_may_join(room) else "-"
    role = access.join_role(user, room)
    return str(role) if role else "-"


@pytest.mark.parametrize(("visibility", "mode"), list(EXPECTED))
def test_access_matrix(tenant, host, people, visibility, mode):
    room = room_for_matrix(tenant, host, people, visibility, mode)

    actual = {
        role: (access.can_see(user, room), register_outcome(user, room), join_outcome(user, room))
        for role, user in people.items()
    }
    assert actual == EXPECTED[(visibility, mode)]


def test_hidden_public_content_needs_an_account(tenant, host):
    tenant.public_content_visible = False
    tenant.save()
    room = create_room(host, tenant, name="Members only")
    assert access.can_see(None, room) is False
    assert access.can_see(make_member(tenant), room) is True


def test_private_room_access_list_lets_invitees_see_register_and_join_free_rooms(tenant, host):
    from marketplace.services.access_lists import grant_access

    room = create_room(host, tenant, name="Private", visibility="private")
    invitee = make_member(tenant, handle="invitee")
    assert access.can_see(invitee, room) is False
    grant_access(room, actor=host, person="@invitee")
    assert access.can_see(invitee, room) is True
    assert access.join_role(invitee, room) == access.JoinRole.VIEWER
    assert access.registration_refusal(invitee, room) is None


def test_guest_passcode_and_site_switch(tenant, host):
    room = create_room(host, tenant, name="Guests", access="guests", passcode="secret-42")
    assert access.guest_may_join(room, "secret-42") is True
    assert access.guest_may_join(room, "wrong") is False
    tenant.guests_allowed = False
    tenant.save()
    room.refresh_from_db()
    assert access.guest_may_join(room, "secret-42") is False
