"""Registering for rooms, and the host's decisions: approve, reject, ban; the attendee's cancel.

Money rules (also shown on the room and Shared rooms pages):
- Free and per-minute rooms: registering costs nothing (per-minute rooms bill while you are in).
- One-time and monthly rooms are paid from the wallet when you register, split between the host,
  the site and the platform. When the host approves registrations, the price is held instead:
  paid to the host on approval, released to you on rejection or when the host has not decided
  within REGISTRATION_APPROVAL_DAYS.
- Cancel a one-time registration and get the fee back in full while no scheduled session has
  started since you paid and the next one is more than REGISTRATION_REFUND_CUTOFF_HOURS away;
  after that there is no refund. Cancel a monthly subscription and it runs to the end of the paid
  month, then stops (no partial refunds). A pending registration's held money is released at once.
- A ban releases held money and stops renewals; payments already made stay with the host.

The host's blacklist (by user or email) rejects a registration at once; the whitelist approves it
even when the room needs approval. Seats: pending and approved registrations each take one of the
room's `max_participants`; the room row is locked while counting, so seats never oversell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_scopes import scope
from djmoney.money import Money

from marketplace import access
from marketplace.exceptions import MarketplaceError
from marketplace.models import (
    FeeModel,
    ListKind,
    Registration,
    RegistrationStatus,
    Room,
    ScheduledSession,
    User,
)
from marketplace.models.registrations import SEATED_STATUSES
from marketplace.periods import add_months
from marketplace.roles import Role
from marketplace.selectors import is_member, is_tenant_admin
from marketplace.services import registration_notices as notices
from marketplace.services.audit import audit
from payments.exceptions import InsufficientFunds
from payments.models import Entry, EntryKind, HoldStatus
from payments.services.holds import place_hold, release_hold, settle_hold
from payments.services.sales import pay, refund_sale


class RegistrationError(MarketplaceError):
    code = "registration_error"
    status = 409


class RegistrationRefused(MarketplaceError):
    code = "registration_refused"
    status = 403


class AlreadyRegistered(RegistrationError):
    code = "already_registered"


class Banned(RegistrationRefused):
    code = "banned"


class RoomFull(RegistrationError):
    code = "room_full"


class NotAllowed(MarketplaceError):
    code = "not_allowed"
    status = 403


PAID_MODELS = (FeeModel.ONE_TIME, FeeModel.MONTHLY)


def _key(registration: Registration, what: str) -> str:
    return f"registration:{registration.public_id}:{registration.cycle}:{what}"


def _short_of(registration: Registration) -> InsufficientFunds:
    return InsufficientFunds(
        f"Your wallet does not cover {registration.price} for {registration.room.name}. "
        "Recharge your wallet and try again.",
        field="wallet",
    )


def _not_pending(registration: Registration, action: str) -> RegistrationError:
    state = registration.get_status_display().lower()
    return RegistrationError(f"Only pending registrations can be {action} (this one is {state}).")


def _description(room: Room) -> str:
    return f"{room.name} (monthly subscription)" if room.fee_model == FeeModel.MONTHLY else room.name


def _charge(
    registration: Registration,
    *,
    actor: User | None,
    now: datetime,
    key: str,
    kind: str,
    period_from: datetime | None = None,
) -> Entry:
    room = registration.room
    try:
        entry = pay(
            tenant=registration.tenant,
            payer=registration.user,
            payee=room.owner,
            price=registration.price,
            idempotency_key=key,
            actor=actor,
            memo=_description(room),
            reference=f"registration:{registration.public_id}",
            kind=kind,
        )
    except InsufficientFunds:
        raise _short_of(registration) from None
    registration.sale = entry
    registration.paid += registration.price
    registration.paid_at = now
    if registration.fee_model == FeeModel.MONTHLY:
        # Renewals continue the paid month without a gap; a new registration starts now.
        registration.period_end = add_months(period_from or now, 1)
    notices.receipt(
        registration,
        amount=registration.price,
        description=_description(room),
        reference=str(entry.public_id),
        when=now,
    )
    return entry


def _settle(registration: Registration, *, actor: User | None, now: datetime) -> None:
    key = _key(registration, "settle")
    settle_hold(registration.hold, payee=registration.room.owner, idempotency_key=key, actor=actor)
    registration.sale = Entry.objects.get(idempotency_key=key)
    registration.paid += registration.price
    registration.paid_at = now
    if registration.fee_model == FeeModel.MONTHLY:
        registration.period_end = add_months(now, 1)
    notices.receipt(
        registration,
        amount=registration.price,
        description=_description(registration.room),
        reference=str(registration.sale.public_id),
        when=now,
    )


def _release(registration: Registration, *, actor: User | None) -> Money | None:
    """Give back what is held for this registration; returns the amount released, if any."""
    hold = registration.hold
    if hold is None:
        return None
    hold = release_hold(hold, actor=actor)
    # An expired hold was already given back by the hold-expiry job: still report it.
    closed = hold.status in (HoldStatus.RELEASED, HoldStatus.EXPIRED)
    return hold.released if closed and hold.released.amount > 0 else None


def _ensure_member(user: User, room: Room) -> None:
    tenant = room.tenant
    if is_member(user, tenant):
        return
    if not tenant.registration_open:
        raise RegistrationRefused(f"Only members of {tenant.name} can register for its rooms.")
    from marketplace.services.memberships import ensure_role

    ensure_role(user, tenant, Role.ATTENDEE, actor=user)


@transaction.atomic
def register(user: User, room: Room, *, now: datetime | None = None) -> Registration:
    """One click: free rooms at once (or pending approval); paid rooms charged or held."""
    now = now or timezone.now()
    tenant = room.tenant
    with scope(tenant=tenant):
        room = Room.objects.select_for_update(of=("self",)).select_related("owner", "tenant").get(pk=room.pk)
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .filter(room=room, user=user)
            .select_related("hold")
            .first()
        )
        if (
            registration is not None
            and registration.status == RegistrationStatus.APPROVED
            and registration.cancel_at_period_end
        ):
            registration.cancel_at_period_end = False  # registering again undoes the cancellation
            registration.save(update_fields=["cancel_at_period_end", "updated_at"])
            audit(registration, "lyceum.registration.resume", actor=user)
            return registration
        refusal = access.registration_refusal(user, room)
        if refusal is not None:
            if registration is not None and registration.status == RegistrationStatus.BANNED:
                raise Banned(refusal)
            if registration is not None and registration.status in SEATED_STATUSES:
                raise AlreadyRegistered(refusal)
            raise RegistrationRefused(refusal)
        _ensure_member(user, room)
        taken = Registration.objects.filter(room=room, status__in=SEATED_STATUSES).count()
        if taken >= room.max_participants:
            raise RoomFull(f"{room.name} is full ({room.max_participants} seats).")

        if registration is None:
            registration = Registration(
                tenant=tenant, room=room, user=user, paid=Money(0, room.price.currency)
            )
        else:
            registration.cycle += 1
        registration.fee_model, registration.price = room.fee_model, room.price
        registration.hold, registration.period_end, registration.cancel_at_period_end = None, None, False
        registration.decided_by, registration.decided_at, registration.note = None, None, ""
        registration.reminded_for = None
        registration.save()

        rule = access.list_rule(room.owner, user, tenant)
        if rule == ListKind.BLOCK:
            registration.status = RegistrationStatus.REJECTED
            registration.decided_at = now
            registration.note = "The host is not accepting registrations from you."
            registration.save()
            audit(registration, "lyceum.registration.auto_reject", actor=user)
            notices.rejected(registration, released=None)
            return registration

        needs_approval = room.approval_required and rule != ListKind.ALLOW
        paid = room.fee_model in PAID_MODELS
        held = None
        if paid and needs_approval:
            try:
                registration.hold = place_hold(
                    tenant=tenant,
                    user=user,
                    amount=registration.price,
                    idempotency_key=_key(registration, "hold"),
                    actor=user,
                    expires_in=timedelta(days=settings.REGISTRATION_APPROVAL_DAYS),
                    memo=f"{room.name}: waiting for the host's approval",
                    reference=f"registration:{registration.public_id}",
                )
            except InsufficientFunds:
                raise _short_of(registration) from None
            held = registration.price
        elif paid:
            kind = EntryKind.ROOM_SUBSCRIPTION if room.fee_model == FeeModel.MONTHLY else EntryKind.SALE
            _charge(registration, actor=user, now=now, key=_key(registration, "charge"), kind=kind)
        if needs_approval:
            registration.status = RegistrationStatus.PENDING
        else:
            registration.status = RegistrationStatus.APPROVED
            registration.decided_at = now
        registration.save()
    audit(registration, "lyceum.registration.create", actor=user, status=registration.status)
    notices.received(registration, held=held)
    if registration.status == RegistrationStatus.PENDING:
        notices.pending(registration, held=held)
    else:
        notices.approved(registration)
    return registration


def _ensure_can_manage(actor: User, room: Room) -> None:
    if actor.pk != room.owner_id and not is_tenant_admin(actor, room.tenant):
        raise NotAllowed("Only the room's host or a site admin can do this.")


def _locked(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("room", "room__owner", "user", "hold", "tenant")
        .get(pk=registration.pk)
    )


@transaction.atomic
def approve(registration: Registration, *, actor: User, now: datetime | None = None) -> Registration:
    now = now or timezone.now()
    with scope(tenant=registration.tenant):
        registration = _locked(registration)
        _ensure_can_manage(actor, registration.room)
        if registration.status != RegistrationStatus.PENDING:
            raise _not_pending(registration, "approved")
        if registration.hold is not None:
            if registration.hold.status != HoldStatus.ACTIVE:
                raise RegistrationError("The held payment has expired; the attendee needs to register again.")
            _settle(registration, actor=actor, now=now)
        registration.status = RegistrationStatus.APPROVED
        registration.decided_by, registration.decided_at = actor, now
        registration.save()
    audit(registration, "lyceum.registration.approve", actor=actor)
    notices.approved(registration)
    return registration


@transaction.atomic
def reject(
    registration: Registration, *, actor: User | None, note: str = "", now: datetime | None = None
) -> Registration:
    """Turn down a pending registration; what was held goes back to the attendee."""
    now = now or timezone.now()
    with scope(tenant=registration.tenant):
        registration = _locked(registration)
        if actor is not None:
            _ensure_can_manage(actor, registration.room)
        if registration.status != RegistrationStatus.PENDING:
            raise _not_pending(registration, "rejected")
        released = _release(registration, actor=actor)
        registration.status = RegistrationStatus.REJECTED
        registration.decided_by, registration.decided_at, registration.note = actor, now, note[:300]
        registration.save()
    audit(registration, "lyceum.registration.reject", actor=actor)
    notices.rejected(registration, released=released)
    return registration


@transaction.atomic
def ban(room: Room, user: User, *, actor: User, note: str = "", now: datetime | None = None) -> Registration:
    """Ban someone from the room (registered or not): they can neither register nor join."""
    now = now or timezone.now()
    _ensure_can_manage(actor, room)
    if user.pk == room.owner_id:
        raise RegistrationError("You cannot ban yourself from your own room.")
    with scope(tenant=room.tenant):
        registration = Registration.objects.filter(room=room, user=user).first()
        if registration is None:
            registration = Registration.objects.create(
                tenant=room.tenant,
                room=room,
                user=user,
                status=RegistrationStatus.BANNED,
                fee_model=room.fee_model,
                price=room.price,
                paid=Money(0, room.price.currency),
            )
        registration = _locked(registration)
        if registration.status == RegistrationStatus.PENDING:
            _release(registration, actor=actor)
        registration.status = RegistrationStatus.BANNED
        registration.cancel_at_period_end = False
        registration.decided_by, registration.decided_at, registration.note = actor, now, note[:300]
        registration.save()
    audit(registration, "lyceum.registration.ban", actor=actor)
    return registration


@transaction.atomic
def unban(registration: Registration, *, actor: User) -> Registration:
    with scope(tenant=registration.tenant):
        registration = _locked(registration)
        _ensure_can_manage(actor, registration.room)
        if registration.status != RegistrationStatus.BANNED:
            raise RegistrationError("This person is not banned.")
        registration.status = RegistrationStatus.CANCELED
        registration.note = ""
        registration.save()
    audit(registration, "lyceum.registration.unban", actor=actor)
    return registration


def refund_due(registration: Registration, now: datetime) -> bool:
    """The one-time refund rule: nothing started since payment, next session far enough away."""
    if (
        registration.fee_model != FeeModel.ONE_TIME
        or registration.sale is None
        or registration.paid_at is None
    ):
        return False
    sessions = ScheduledSession.objects.filter(room=registration.room, canceled=False)
    if sessions.filter(starts_at__gte=registration.paid_at, starts_at__lte=now).exists():
        return False
    cutoff = now + timedelta(hours=settings.REGISTRATION_REFUND_CUTOFF_HOURS)
    return not sessions.filter(starts_at__gt=now, starts_at__lte=cutoff).exists()


@dataclass(frozen=True)
class Cancellation:
    registration: Registration
    refunded: Money | None
    access_until: datetime | None


@transaction.atomic
def cancel(registration: Registration, *, actor: User, now: datetime | None = None) -> Cancellation:
    """The attendee cancels, under the refund rule above."""
    now = now or timezone.now()
    with scope(tenant=registration.tenant):
        registration = _locked(registration)
        if actor.pk != registration.user_id:
            raise NotAllowed("Only the attendee can cancel their registration.")
        if registration.status == RegistrationStatus.PENDING:
            released = _release(registration, actor=actor)
            registration.status = RegistrationStatus.CANCELED
            registration.save()
            audit(registration, "lyceum.registration.cancel", actor=actor)
            return Cancellation(registration, released, None)
        if registration.status != RegistrationStatus.APPROVED:
            raise RegistrationError(f"This registration is {registration.get_status_display().lower()}.")
        if (
            registration.fee_model == FeeModel.MONTHLY
            and registration.period_end
            and registration.period_end > now
        ):
            registration.cancel_at_period_end = True
            registration.save(update_fields=["cancel_at_period_end", "updated_at"])
            audit(registration, "lyceum.registration.cancel", actor=actor, at_period_end=True)
            return Cancellation(registration, None, registration.period_end)
        refunded = None
        if refund_due(registration, now):
            refund_sale(
                registration.sale,
                idempotency_key=_key(registration, "refund"),
                actor=actor,
                memo=f"Refund: {registration.room.name}",
            )
            refunded = registration.price
            registration.paid -= refunded
        registration.status = RegistrationStatus.CANCELED
        registration.save()
    audit(registration, "lyceum.registration.cancel", actor=actor, refunded=str(refunded or ""))
    return Cancellation(registration, refunded, None)


BULK_ACTIONS = ("approve", "reject", "ban")


def bulk(registrations: list[Registration], action: str, *, actor: User, note: str = "") -> dict[str, str]:
    """Apply one decision to many registrations; each succeeds or fails on its own."""
    if action not in BULK_ACTIONS:
        raise RegistrationError(
            f"Unknown action {action!r}: use one of {', '.join(BULK_ACTIONS)}.", field="action"
        )
    results: dict[str, str] = {}
    for registration in registrations:
        try:
            if action == "approve":
                approve(registration, actor=actor)
            elif action == "reject":
                reject(registration, actor=actor, note=note)
            else:
                ban(registration.room, registration.user, actor=actor, note=note)
            results[str(registration.public_id)] = "ok"
        except (MarketplaceError, InsufficientFunds) as error:
            results[str(registration.public_id)] = error.message
    return results
