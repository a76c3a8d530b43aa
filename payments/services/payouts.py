"""Payouts: a user asks to withdraw; an admin approves, rejects or marks it paid."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scope
from djmoney.money import Money

from marketplace.models import Tenant, User
from marketplace.services.audit import audit
from payments import ledger
from payments.exceptions import InvalidAmount, InvalidTransition
from payments.models import AccountKind, EntryKind, Payout, PayoutStatus


def request_payout(
    *,
    tenant: Tenant,
    user: User,
    amount: Money,
    idempotency_key: str,
    destination: str = "",
    note: str = "",
) -> Payout:
    """Move the amount from the wallet to payouts payable; it waits there for an admin."""
    currency = str(amount.currency)
    with scope(tenant=tenant), transaction.atomic():
        existing = Payout.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                payout = Payout.objects.create(
                    idempotency_key=idempotency_key,
                    tenant=tenant,
                    user=user,
                    amount=amount,
                    destination=destination,
                    note=note,
                )
        except IntegrityError:
            return Payout.objects.get(idempotency_key=idempotency_key)
        ledger.transfer(
            tenant=tenant,
            kind=EntryKind.PAYOUT_REQUEST,
            idempotency_key=f"payout:{payout.public_id}:request",
            source=ledger.wallet_of(user, tenant, currency),
            destination=ledger.platform_account(tenant, AccountKind.PAYOUTS_PAYABLE, currency),
            amount=amount,
            actor=user,
            memo="Payout requested",
            reference=f"payout:{payout.public_id}",
        )
    audit(payout, "wagtail.create", actor=user, amount=str(amount))
    return payout


def _transition(payout: Payout, allowed: set[str], target: str) -> Payout:
    locked = Payout.objects.select_for_update().get(pk=payout.pk)
    if locked.status == target:
        return locked
    if locked.status not in allowed:
        raise InvalidTransition(f"A {locked.get_status_display().lower()} payout cannot become {target}.")
    return locked


def _back_to_wallet(payout: Payout, *, actor: User | None, why: str) -> None:
    currency = str(payout.amount.currency)
    ledger.transfer(
        tenant=payout.tenant,
        kind=EntryKind.PAYOUT_REJECT,
        idempotency_key=f"payout:{payout.public_id}:return",
        source=ledger.platform_account(payout.tenant, AccountKind.PAYOUTS_PAYABLE, currency),
        destination=ledger.wallet_of(payout.user, payout.tenant, currency),
        amount=payout.amount,
        actor=actor,
        memo=why,
        reference=f"payout:{payout.public_id}",
    )


def cancel_payout(payout: Payout, *, actor: User) -> Payout:
    if actor.pk != payout.user_id:
        raise InvalidTransition("Only the person who asked for a payout can cancel it.")
    with scope(tenant=payout.tenant), transaction.atomic():
        locked = _transition(payout, {PayoutStatus.REQUESTED}, PayoutStatus.CANCELED)
        if locked.status != PayoutStatus.CANCELED:
            _back_to_wallet(locked, actor=actor, why="Payout canceled")
            locked.status = PayoutStatus.CANCELED
            locked.decided_at = timezone.now()
            locked.save(update_fields=["status", "decided_at"])
    audit(locked, "lyceum.payout.cancel", actor=actor)
    return locked


def approve_payout(payout: Payout, *, actor: User) -> Payout:
    with scope(tenant=payout.tenant), transaction.atomic():
        locked = _transition(payout, {PayoutStatus.REQUESTED}, PayoutStatus.APPROVED)
        if locked.status != PayoutStatus.APPROVED:
            locked.status = PayoutStatus.APPROVED
            locked.decided_by = actor
            locked.decided_at = timezone.now()
            locked.save(update_fields=["status", "decided_by", "decided_at"])
    audit(locked, "lyceum.payout.approve", actor=actor)
    return locked


def reject_payout(payout: Payout, *, actor: User, reason: str) -> Payout:
    if not reason.strip():
        raise InvalidAmount("Say why the payout is rejected.", field="reason")
    with scope(tenant=payout.tenant), transaction.atomic():
        locked = _transition(payout, {PayoutStatus.REQUESTED, PayoutStatus.APPROVED}, PayoutStatus.REJECTED)
        if locked.status != PayoutStatus.REJECTED:
            _back_to_wallet(locked, actor=actor, why=f"Payout rejected: {reason}")
            locked.status = PayoutStatus.REJECTED
            locked.decided_by = actor
            locked.decided_at = timezone.now()
            locked.note = reason[:500]
            locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit(locked, "lyceum.payout.reject", actor=actor, reason=reason)
    return locked


def mark_payout_paid(payout: Payout, *, actor: User, external_reference: str) -> Payout:
    if not external_reference.strip():
        raise InvalidAmount(
            "Give the bank or provider reference of the transfer.", field="external_reference"
        )
    with scope(tenant=payout.tenant), transaction.atomic():
        locked = _transition(payout, {PayoutStatus.APPROVED}, PayoutStatus.PAID)
        if locked.status != PayoutStatus.PAID:
            currency = str(locked.amount.currency)
            ledger.transfer(
                tenant=locked.tenant,
                kind=EntryKind.PAYOUT_PAID,
                idempotency_key=f"payout:{locked.public_id}:paid",
                source=ledger.platform_account(locked.tenant, AccountKind.PAYOUTS_PAYABLE, currency),
                destination=ledger.platform_account(locked.tenant, AccountKind.PAYOUTS_PAID, currency),
                amount=locked.amount,
                actor=actor,
                memo=f"Paid out, reference {external_reference}",
                reference=f"payout:{locked.public_id}",
            )
            locked.status = PayoutStatus.PAID
            locked.external_reference = external_reference
            locked.paid_at = timezone.now()
            locked.save(update_fields=["status", "external_reference", "paid_at"])
    audit(locked, "lyceum.payout.paid", actor=actor, external_reference=external_reference)
    return locked
