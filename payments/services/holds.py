"""Holds: reserve money (wallet → held), settle it to a payee with the commission split,
release the rest. Expired holds are released by a scheduled job."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from djmoney.money import Money

from marketplace.models import Tenant, User
from payments import ledger
from payments.commission import split_sale
from payments.exceptions import InvalidAmount, InvalidTransition
from payments.ledger import Line
from payments.models import AccountKind, EntryKind, Hold, HoldStatus


def place_hold(
    *,
    tenant: Tenant,
    user: User,
    amount: Money,
    idempotency_key: str,
    actor: User | None,
    expires_in: timedelta | None = None,
    memo: str = "",
    reference: str = "",
) -> Hold:
    currency = str(amount.currency)
    with scope(tenant=tenant), transaction.atomic():
        existing = Hold.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        wallet = ledger.wallet_of(user, tenant, currency)
        held = ledger.held_of(user, tenant, currency)
        try:
            with transaction.atomic():
                hold = Hold.objects.create(
                    idempotency_key=idempotency_key,
                    tenant=tenant,
                    wallet=wallet,
                    held_account=held,
                    amount=amount,
                    settled=Money(0, currency),
                    released=Money(0, currency),
                    memo=memo,
                    reference=reference,
                    expires_at=timezone.now()
                    + (expires_in or timedelta(seconds=settings.LYCEUM_HOLD_TTL_SECONDS)),
                )
        except IntegrityError:
            return Hold.objects.get(idempotency_key=idempotency_key)
        ledger.transfer(
            tenant=tenant,
            kind=EntryKind.HOLD,
            idempotency_key=f"hold:{hold.public_id}",
            source=wallet,
            destination=held,
            amount=amount,
            actor=actor,
            memo=memo or "Funds held",
            reference=f"hold:{hold.public_id}",
        )
    return hold


def _locked(hold: Hold) -> Hold:
    return Hold.objects.select_for_update().get(pk=hold.pk)


def settle_hold(
    hold: Hold,
    *,
    payee: User,
    amount: Money | None = None,
    release_rest: bool = True,
    idempotency_key: str,
    actor: User | None,
    memo: str = "",
) -> Hold:
    """Pay `amount` (default: all that remains) of the hold to the payee, split with commission."""
    tenant = hold.tenant
    with scope(tenant=tenant), transaction.atomic():
        from payments.models import Entry

        if Entry.objects.filter(idempotency_key=idempotency_key).exists():
            return Hold.objects.get(pk=hold.pk)
        hold = _locked(hold)
        if hold.status != HoldStatus.ACTIVE:
            raise InvalidTransition(f"This hold is {hold.get_status_display().lower()}.")
        remaining = hold.remaining
        amount = amount if amount is not None else remaining
        if amount.amount <= 0 or amount > remaining:
            raise InvalidAmount(f"At most {remaining} of this hold can be settled.")
        currency = str(amount.currency)
        split = split_sale(
            amount, tenant_rate=tenant.tenant_commission_rate, platform_rate=tenant.platform_commission_rate
        )
        ledger.post(
            tenant=tenant,
            kind=EntryKind.HOLD_SETTLE,
            idempotency_key=idempotency_key,
            lines=[
                Line(hold.held_account, -amount),
                Line(ledger.wallet_of(payee, tenant, currency), split.payee),
                Line(ledger.tenant_account(tenant, AccountKind.COMMISSION, currency), split.tenant),
                Line(ledger.platform_account(tenant, AccountKind.COMMISSION, currency), split.platform),
            ],
            actor=actor,
            memo=memo or hold.memo,
            reference=f"hold:{hold.public_id}",
        )
        hold.settled += amount
        hold.save(update_fields=["settled"])
        if release_rest and hold.remaining.amount > 0:
            _release(hold, actor=actor, status=HoldStatus.SETTLED)
        elif hold.remaining.amount == 0:
            hold.status = HoldStatus.SETTLED
            hold.closed_at = timezone.now()
            hold.save(update_fields=["status", "closed_at"])
    return hold


def _release(hold: Hold, *, actor: User | None, status: HoldStatus) -> Hold:
    remaining = hold.remaining
    if remaining.amount > 0:
        ledger.transfer(
            tenant=hold.tenant,
            kind=EntryKind.HOLD_RELEASE,
            idempotency_key=f"hold-release:{hold.public_id}",
            source=hold.held_account,
            destination=hold.wallet,
            amount=remaining,
            actor=actor,
            memo="Held funds released",
            reference=f"hold:{hold.public_id}",
        )
        hold.released += remaining
    hold.status = status
    hold.closed_at = timezone.now()
    hold.save(update_fields=["released", "status", "closed_at"])
    return hold


def release_hold(hold: Hold, *, actor: User | None) -> Hold:
    """Give everything still held back to the wallet (idempotent: a closed hold stays closed)."""
    with scope(tenant=hold.tenant), transaction.atomic():
        hold = _locked(hold)
        if hold.status != HoldStatus.ACTIVE:
            return hold
        return _release(hold, actor=actor, status=HoldStatus.RELEASED)


def release_expired_holds(*, now=None) -> int:
    """Release every active hold past its expiry, across tenants. Safe to run concurrently."""
    now = now or timezone.now()
    with scopes_disabled():
        expired = list(
            Hold.objects.filter(status=HoldStatus.ACTIVE, expires_at__lte=now).select_related("tenant")
        )
    released = 0
    for hold in expired:
        with scope(tenant=hold.tenant), transaction.atomic():
            locked = _locked(hold)
            if locked.status == HoldStatus.ACTIVE and locked.expires_at <= now:
                _release(locked, actor=None, status=HoldStatus.EXPIRED)
                released += 1
    return released
