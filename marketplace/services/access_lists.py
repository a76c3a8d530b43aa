"""A host's whitelist and blacklist, and private rooms' access lists with email invitations.

Rules and invitations name a person by @handle or by email. An email matches an account only
once that account has confirmed the address, so nobody gains access by signing up with someone
else's email. New rules also decide the host's pending registrations from the person at once.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from marketplace.exceptions import MarketplaceError
from marketplace.models import (
    AccessRule,
    ListKind,
    Registration,
    RegistrationStatus,
    Room,
    RoomAccess,
    Tenant,
    User,
)
from marketplace.notifications import notify
from marketplace.services.audit import audit


class AccessListError(MarketplaceError):
    code = "invalid_person"
    field = "person"


class AlreadyListed(MarketplaceError):
    code = "already_listed"
    status = 409
    field = "person"


def _verified_owner_of(email: str) -> User | None:
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
    return address.user if address is not None else None


def resolve_person(identifier: str) -> tuple[User | None, str]:
    """(user, "") for an @handle or a confirmed email; (None, email) for any other valid email."""
    identifier = (identifier or "").strip()
    if not identifier:
        raise AccessListError("Give an @handle or an email address.")
    if identifier.startswith("@") or "@" not in identifier:
        user = User.objects.filter(handle__iexact=identifier.lstrip("@"), is_active=True).first()
        if user is None:
            raise AccessListError(f"Nobody here has the handle @{identifier.lstrip('@')}.")
        return user, ""
    try:
        validate_email(identifier)
    except ValidationError:
        raise AccessListError(f"{identifier} is not a valid email address.") from None
    email = identifier.lower()
    user = _verified_owner_of(email)
    return (user, "") if user is not None else (None, email)


def _pending_from(owner: User, tenant: Tenant, rule: AccessRule) -> list[Registration]:
    match = (
        Q(user=rule.user)
        if rule.user_id
        else Q(user__emailaddress__email__iexact=rule.email, user__emailaddress__verified=True)
    )
    return list(
        Registration.objects.filter(
            match, tenant=tenant, room__owner=owner, status=RegistrationStatus.PENDING
        )
    )


def set_rule(owner: User, tenant: Tenant, *, kind: str, person: str, note: str = "") -> AccessRule:
    """Put the person on the whitelist or the blacklist (moving them if on the other one)."""
    if kind not in ListKind.values:
        raise AccessListError("Choose the whitelist or the blacklist.", field="kind")
    user, email = resolve_person(person)
    if user is not None and user.pk == owner.pk:
        raise AccessListError("You cannot list yourself.")
    with scope(tenant=tenant), transaction.atomic():
        rule = AccessRule.objects.filter(tenant=tenant, owner=owner, user=user, email=email).first()
        if rule is None:
            rule = AccessRule.objects.create(
                tenant=tenant, owner=owner, kind=kind, user=user, email=email, note=note[:200]
            )
        elif rule.kind == kind:
            raise AlreadyListed("This person is already on that list.")
        else:
            rule.kind, rule.note = kind, note[:200]
            rule.save(update_fields=["kind", "note"])
        pending = _pending_from(owner, tenant, rule)
    audit(rule, "lyceum.access_rule.set", actor=owner, kind=kind)
    _decide_pending(pending, rule, owner)
    return rule


def _decide_pending(pending: list[Registration], rule: AccessRule, owner: User) -> None:
    from marketplace.services.registrations import approve, reject

    for registration in pending:
        if rule.kind == ListKind.BLOCK:
            reject(registration, actor=owner, note="The host is not accepting registrations from you.")
        else:
            approve(registration, actor=owner)


def remove_rule(rule: AccessRule, *, actor: User) -> None:
    with scope(tenant=rule.tenant):
        audit(rule, "lyceum.access_rule.remove", actor=actor)
        rule.delete()


def grant_access(room: Room, *, actor: User, person: str) -> RoomAccess:
    """Add someone to the room's access list; an email without an account gets an invitation."""
    user, email = resolve_person(person)
    if user is not None and user.pk == room.owner_id:
        raise AccessListError("You always have access to your own rooms.")
    try:
        with scope(tenant=room.tenant), transaction.atomic():
            entry = RoomAccess.objects.create(
                tenant=room.tenant,
                room=room,
                user=user,
                email=email,
                invited_by=actor,
                accepted_at=timezone.now() if user is not None else None,
            )
    except IntegrityError:
        raise AlreadyListed("This person is already on the access list.") from None
    audit(entry, "lyceum.room_access.grant", actor=actor)
    notify(
        "room_invitation",
        tenant=room.tenant,
        user=user,
        email=email,
        room=room.name,
        host=room.owner.get_short_name(),
        has_account=user is not None,
        email_address=email,
    )
    return entry


def revoke_access(entry: RoomAccess, *, actor: User) -> None:
    with scope(tenant=entry.tenant):
        audit(entry, "lyceum.room_access.revoke", actor=actor)
        entry.delete()


def claim_invitations(user: User, email: str) -> int:
    """Once an address is confirmed, its invitations (on every site) become the user's."""
    email = email.lower()
    claimed = 0
    with scopes_disabled(), transaction.atomic():
        for entry in RoomAccess.objects.select_for_update().filter(user__isnull=True, email=email):
            if RoomAccess.objects.filter(room_id=entry.room_id, user=user).exists():
                entry.delete()
                continue
            entry.user, entry.email, entry.accepted_at = user, "", timezone.now()
            entry.save(update_fields=["user", "email", "accepted_at"])
            claimed += 1
    return claimed
