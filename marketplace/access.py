"""Who may see a room, register for it and join it: the marketplace's access rules in one place.

- See: public and unlisted rooms are visible to anyone when the site shows public content (to
  members otherwise); private rooms only to the owner, the site's admins, people on the room's
  access list and people registered for it. Paused rooms only to the owner, admins and registrants.
- Register: signed-in, not the owner, the room visible and active, not banned from it, not already
  registered. A blacklist entry of the owner rejects the registration at once; a whitelist entry
  approves it even when the room requires approval.
- Join: the owner as moderator; an approved registrant, or (free rooms) someone on the private
  access list, as viewer; a guest with the link (and the passcode, if set) where the room and the
  site allow guests (free, non-private rooms only). Banned people never.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.hashers import check_password
from django.db.models import Q
from django_scopes import scope

from marketplace.models import (
    AccessRule,
    FeeModel,
    ListKind,
    Registration,
    RegistrationStatus,
    Room,
    RoomAccess,
    RoomStatus,
    User,
    Visibility,
)
from marketplace.models.rooms import Access
from marketplace.selectors import is_tenant_admin


class JoinRole(StrEnum):
    MODERATOR = "moderator"
    VIEWER = "viewer"


# Registrations that still count as "registered" for seeing a private or paused room.
_REGISTERED = (RegistrationStatus.PENDING, RegistrationStatus.APPROVED, RegistrationStatus.LAPSED)


def _signed_in(user: User | None) -> bool:
    return user is not None and user.is_authenticated


def registration_of(user: User | None, room: Room) -> Registration | None:
    if not _signed_in(user):
        return None
    with scope(tenant=room.tenant):
        return Registration.objects.filter(room=room, user=user).first()


def verified_emails(user: User) -> list[str]:
    """The user's confirmed addresses (lower-cased): what email-based rules match."""
    from allauth.account.models import EmailAddress

    return [
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    ]


def on_access_list(user: User | None, room: Room) -> bool:
    if not _signed_in(user):
        return False
    match = Q(user=user)
    emails = verified_emails(user)
    if emails:
        match |= Q(user__isnull=True, email__in=emails)
    with scope(tenant=room.tenant):
        return RoomAccess.objects.filter(match, room=room).exists()


def list_rule(owner: User, user: User | None, tenant) -> str | None:
    """ListKind of the owner's rule matching this user (a block wins over an allow), else None."""
    if not _signed_in(user):
        return None
    match = Q(user=user)
    emails = verified_emails(user)
    if emails:
        match |= Q(user__isnull=True, email__in=emails)
    with scope(tenant=tenant):
        kinds = set(
            AccessRule.objects.filter(match, tenant=tenant, owner=owner).values_list("kind", flat=True)
        )
    if ListKind.BLOCK in kinds:
        return ListKind.BLOCK
    return ListKind.ALLOW if kinds else None


def can_see(user: User | None, room: Room) -> bool:
    tenant = room.tenant
    if _signed_in(user) and (user.pk == room.owner_id or is_tenant_admin(user, tenant)):
        return True
    registration = registration_of(user, room)
    registered = registration is not None and registration.status in _REGISTERED
    if room.status != RoomStatus.ACTIVE:
        return registered
    if room.visibility == Visibility.PRIVATE:
        return registered or on_access_list(user, room)
    return tenant.public_content_visible or _signed_in(user)


def registration_refusal(user: User | None, room: Room) -> str | None:
    """Why this person cannot register for the room now, or None when they can."""
    if not _signed_in(user):
        return "Sign in to register."
    if user.pk == room.owner_id:
        return "This is your own room."
    if not can_see(user, room):
        return "This room is not available."
    if room.status != RoomStatus.ACTIVE:
        return "This room is paused and does not take registrations."
    registration = registration_of(user, room)
    if registration is not None:
        if registration.status == RegistrationStatus.BANNED:
            return "The host has banned you from this room."
        if registration.status in (RegistrationStatus.PENDING, RegistrationStatus.APPROVED):
            return "You are already registered for this room."
    return None


def join_role(user: User | None, room: Room) -> JoinRole | None:
    """The role a signed-in person joins with, or None when they may not join."""
    if not _signed_in(user):
        return None
    if user.pk == room.owner_id:
        return JoinRole.MODERATOR
    if room.status != RoomStatus.ACTIVE:
        return None
    registration = registration_of(user, room)
    if registration is not None:
        if registration.status == RegistrationStatus.APPROVED:
            return JoinRole.VIEWER
        if registration.status == RegistrationStatus.BANNED:
            return None
    if (
        room.fee_model == FeeModel.FREE
        and room.visibility == Visibility.PRIVATE
        and on_access_list(user, room)
    ):
        return JoinRole.VIEWER
    return None


def guests_allowed(room: Room) -> bool:
    """Guests (no account) only for free, active, non-private rooms on sites that allow them."""
    return (
        room.access == Access.GUESTS
        and room.visibility != Visibility.PRIVATE
        and room.tenant.guests_allowed
        and room.status == RoomStatus.ACTIVE
        and room.fee_model == FeeModel.FREE
    )


def guest_may_join(room: Room, passcode: str = "") -> bool:
    """A guest (no account) with the room's link and, if set, its passcode."""
    if not guests_allowed(room):
        return False
    return not room.passcode_hash or check_password(passcode, room.passcode_hash)
