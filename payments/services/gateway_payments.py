"""Payments through a gateway (wallet recharges, tenant subscriptions), following the Payment state machine.

created → pending → succeeded | failed | canceled;  succeeded → partially_refunded → refunded.
Confirmations lock the payment row and are idempotent: the webhook may arrive before the
browser returns, twice, or never. A succeeded payment credits the account its purpose names: the
payer's wallet for a recharge, the platform's revenue for a tenant subscription (which is then
extended in the same transaction).
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from djmoney.money import Money

from marketplace.models import Tenant, User
from payments import ledger
from payments.exceptions import GatewayError, InsufficientFunds, InvalidAmount, InvalidTransition
from payments.gateways.base import Checkout, GatewayEvent, Outcome
from payments.gateways.registry import get_gateway
from payments.models import (
    Account,
    AccountKind,
    EntryKind,
    GatewayCall,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

OPEN = {PaymentStatus.CREATED, PaymentStatus.PENDING}
# A failed attempt is not final at every provider (Stripe lets the payer retry another card on the
# same PaymentIntent): a later success must still credit the wallet.
CAN_SUCCEED = OPEN | {PaymentStatus.FAILED}
REFUNDABLE = {PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED}


def log_call(
    gateway: str, operation: str, *, payment: Payment | None, ok: bool, reference: str = "", detail=""
):
    GatewayCall.objects.create(
        provider=gateway,
        operation=operation,
        payment=payment,
        provider_reference=reference,
        succeeded=ok,
        detail=str(detail)[:500],
    )


def start_recharge(
    *, tenant: Tenant, user: User, amount: Money, gateway_name: str, return_url: str
) -> tuple[Payment, Checkout]:
    gateway = get_gateway(gateway_name)
    with scope(tenant=tenant):
        payment = Payment.objects.create(
            tenant=tenant,
            user=user,
            gateway=gateway.name,
            test_mode=gateway.test_mode,
            amount=amount,
            refunded=Money(0, amount.currency),
        )
    return payment, begin_checkout(payment, return_url=return_url)


def begin_checkout(payment: Payment, *, return_url: str) -> Checkout:
    """Create a new payment at its provider and mark it pending (failed if the provider refuses)."""
    gateway = get_gateway(payment.gateway)
    with scope(tenant=payment.tenant):
        try:
            checkout = gateway.start_payment(payment, return_url=return_url)
        except GatewayError as error:
            log_call(gateway.name, "start_payment", payment=payment, ok=False, detail=error.message)
            payment.status = PaymentStatus.FAILED
            payment.failure_message = error.message[:300]
            payment.save(update_fields=["status", "failure_message", "updated_at"])
            raise
        log_call(
            gateway.name, "start_payment", payment=payment, ok=True, reference=checkout.provider_reference
        )
        payment.provider_reference = checkout.provider_reference
        payment.status = PaymentStatus.PENDING
        payment.save(update_fields=["provider_reference", "status", "updated_at"])
    return checkout


def _locked(payment: Payment) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment.pk)


def credited_account(payment: Payment) -> Account:
    """Where a payment's money goes when it succeeds (and comes back from when refunded)."""
    currency = str(payment.amount.currency)
    if payment.purpose == PaymentPurpose.TENANT_SUBSCRIPTION:
        return ledger.platform_account(payment.tenant, AccountKind.REVENUE, currency)
    return ledger.wallet_of(payment.user, payment.tenant, currency)


def mark_succeeded(payment: Payment) -> Payment:
    """Credit the wallet (or the platform's revenue) once; later confirmations change nothing."""
    with scope(tenant=payment.tenant), transaction.atomic():
        payment = _locked(payment)
        if payment.status not in CAN_SUCCEED:
            return payment
        currency = str(payment.amount.currency)
        subscription = payment.purpose == PaymentPurpose.TENANT_SUBSCRIPTION
        label = get_gateway(payment.gateway).label
        ledger.transfer(
            tenant=payment.tenant,
            kind=EntryKind.TENANT_SUBSCRIPTION if subscription else EntryKind.RECHARGE,
            idempotency_key=f"payment:{payment.public_id}:succeeded",
            source=ledger.platform_account(payment.tenant, AccountKind.GATEWAY_CLEARING, currency),
            destination=credited_account(payment),
            amount=payment.amount,
            actor=payment.user,
            memo=f"Site subscription via {label}" if subscription else f"Recharge via {label}",
            reference=f"payment:{payment.public_id}",
        )
        payment.status = PaymentStatus.SUCCEEDED
        payment.failure_message = ""
        payment.save(update_fields=["status", "failure_message", "updated_at"])
        if subscription:
            from payments.services.tenant_billing import fulfil_subscription_payment

            fulfil_subscription_payment(payment)
    return payment


def mark_failed(payment: Payment, *, message: str, canceled: bool = False) -> Payment:
    with scope(tenant=payment.tenant), transaction.atomic():
        payment = _locked(payment)
        if payment.status not in OPEN:
            return payment
        payment.status = PaymentStatus.CANCELED if canceled else PaymentStatus.FAILED
        payment.failure_message = message[:300]
        payment.save(update_fields=["status", "failure_message", "updated_at"])
        if payment.purpose == PaymentPurpose.TENANT_SUBSCRIPTION:
            from payments.services.tenant_billing import cancel_subscription_payment

            cancel_subscription_payment(payment)
    return payment


def record_refund(payment: Payment, *, refund_id: str, refunded_total: Money) -> Payment:
    """Debit the credited account for refunds the provider made, up to `refunded_total` (idempotent)."""
    with scope(tenant=payment.tenant), transaction.atomic():
        payment = _locked(payment)
        if payment.status not in REFUNDABLE:
            return payment
        new = refunded_total - payment.refunded
        if new.amount <= 0:
            return payment
        currency = str(payment.amount.currency)
        ledger.transfer(
            tenant=payment.tenant,
            kind=EntryKind.GATEWAY_REFUND,
            # Keyed on the running total: the same refund seen twice moves money once.
            idempotency_key=f"payment:{payment.public_id}:refunded-to:{refunded_total.amount}",
            source=credited_account(payment),
            destination=ledger.platform_account(payment.tenant, AccountKind.GATEWAY_CLEARING, currency),
            amount=new,
            actor=None,
            memo="Refunded to card",
            reference=f"payment:{payment.public_id}",
        )
        payment.refunded = refunded_total
        payment.status = (
            PaymentStatus.REFUNDED if payment.refunded >= payment.amount else PaymentStatus.PARTIALLY_REFUNDED
        )
        payment.save(update_fields=["refunded", "status", "updated_at"])
    return payment


def refund_payment(payment: Payment, *, amount: Money | None, actor: User) -> Payment:
    """Refund to the card. The wallet must still hold the money; nothing moves if the provider refuses."""
    gateway = get_gateway(payment.gateway)
    try:
        with scope(tenant=payment.tenant), transaction.atomic():
            payment = _locked(payment)
            if payment.status not in REFUNDABLE:
                state = payment.get_status_display().lower()
                raise InvalidTransition(f"A {state} payment cannot be refunded.")
            refundable = payment.amount - payment.refunded
            amount = amount or refundable
            if amount.amount <= 0 or amount > refundable:
                raise InvalidAmount(f"At most {refundable} can be refunded.", field="amount")
            credited = credited_account(payment)
            if credited.balance < amount:
                holder = "The wallet" if credited.kind == AccountKind.WALLET else "The revenue account"
                raise InsufficientFunds(f"{holder} holds {credited.balance}; it cannot give back {amount}.")
            refund = gateway.refund(payment, amount)
            log_call(gateway.name, "refund", payment=payment, ok=True, reference=refund.refund_id)
            total = payment.refunded + refund.amount
            return record_refund(payment, refund_id=refund.refund_id, refunded_total=total)
    except GatewayError as error:
        # Outside the rolled-back transaction, so the failed call stays in the log.
        log_call(gateway.name, "refund", payment=payment, ok=False, detail=error.message)
        raise


def handle_event(gateway_name: str, event: GatewayEvent) -> WebhookEvent:
    """Store the event once and apply it; the event row and the ledger commit together."""
    with scopes_disabled(), transaction.atomic():
        try:
            with transaction.atomic():
                stored = WebhookEvent.objects.create(
                    provider=gateway_name,
                    event_id=event.event_id,
                    event_type=event.event_type,
                    payload=dict(event.payload),
                )
        except IntegrityError:
            stored = WebhookEvent.objects.get(provider=gateway_name, event_id=event.event_id)
            logger.info("Webhook %s %s replayed; ignored.", gateway_name, event.event_id)
            return stored
        payment = (
            Payment.objects.filter(gateway=gateway_name, provider_reference=event.provider_reference)
            .select_related("tenant", "user")
            .first()
            if event.provider_reference
            else None
        )
        stored.payment = payment
        stored.tenant = payment.tenant if payment else None
        stored.outcome = _apply(payment, event)
        stored.processed_at = timezone.now()
        stored.save(update_fields=["payment", "tenant", "outcome", "processed_at"])
    return stored


def _apply(payment: Payment | None, event: GatewayEvent) -> str:
    if payment is None:
        logger.warning("Webhook %s for unknown payment %r ignored.", event.event_id, event.provider_reference)
        return "ignored: unknown payment"
    before = payment.status
    if event.outcome == Outcome.SUCCEEDED:
        payment = mark_succeeded(payment)
    elif event.outcome in (Outcome.FAILED, Outcome.CANCELED):
        payment = mark_failed(
            payment, message=event.failure_message, canceled=event.outcome == Outcome.CANCELED
        )
    elif event.outcome == Outcome.REFUNDED and event.refunded_total is not None:
        payment = record_refund(payment, refund_id=event.refund_id, refunded_total=event.refunded_total)
    else:
        return f"ignored: {event.event_type}"
    if payment.status == before:
        return f"ignored: payment already {before}"
    return f"{before} → {payment.status}"
