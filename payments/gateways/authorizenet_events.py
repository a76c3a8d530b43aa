"""Authorize.net webhook notifications (signature already checked) in gateway-neutral terms.

A notification names only its transaction, so the transaction is read back with
getTransactionDetailsRequest; its invoice number ties it to our payment (the reference stored at
start_payment), and its status, not the event's name, says what the payment becomes. The details
are stored with the event: a later refund finds the approved transaction id there.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from djmoney.money import Money

from payments.gateways.base import GatewayEvent, Outcome
from payments.models import Payment, PaymentStatus, WebhookEvent

if TYPE_CHECKING:
    from payments.gateways.authorizenet import AuthorizeNetGateway

logger = logging.getLogger(__name__)

# Payment events whose transaction decides a payment; other events are stored and ignored
# (refunds made in the merchant interface carry no running total to apply idempotently).
READ_BACK = frozenset(
    {
        "net.authorize.payment.authcapture.created",
        "net.authorize.payment.fraud.approved",
        "net.authorize.payment.fraud.declined",
        "net.authorize.payment.fraud.held",
        "net.authorize.payment.void.created",
    }
)
CAPTURED = frozenset({"capturedPendingSettlement", "settledSuccessfully"})
FAILED = frozenset(
    {"declined", "generalError", "communicationError", "failedReview", "expired", "settlementError"}
)
REFUNDABLE = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED})


def translate(gateway: AuthorizeNetGateway, notification: Mapping[str, Any]) -> GatewayEvent:
    event_type = str(notification.get("eventType", ""))
    payload: Mapping[str, Any] = notification.get("payload") or {}
    common: dict[str, Any] = {"event_id": str(notification["notificationId"]), "event_type": event_type}
    trans_id = str(payload.get("id", ""))
    if event_type not in READ_BACK or payload.get("entityName") != "transaction" or not trans_id.isdigit():
        return GatewayEvent(
            provider_reference=str(payload.get("invoiceNumber", "")),
            outcome=Outcome.OTHER,
            payload={"notification": _plain(notification)},
            **common,
        )
    details = gateway.transaction_details(trans_id)
    invoice = str((details.get("order") or {}).get("invoiceNumber", ""))
    payment = gateway.payment_for_invoice(invoice)
    outcome, message, refunded_total = _outcome(gateway, details, payment)
    return GatewayEvent(
        provider_reference=invoice,
        outcome=outcome,
        failure_message=message,
        refund_id=trans_id if outcome == Outcome.REFUNDED else "",
        refunded_total=refunded_total,
        payload={"notification": _plain(notification), "transaction": _summary(details, outcome)},
        **common,
    )


def _outcome(
    gateway: AuthorizeNetGateway, details: Mapping[str, Any], payment: Payment | None
) -> tuple[Outcome, str, Money | None]:
    status = str(details.get("transactionStatus", ""))
    code = str(details.get("responseCode", ""))
    reason = str(details.get("responseReasonDescription") or "").strip()
    if code == "1" and status in CAPTURED:
        charged = Money(_charged(details), gateway.currency)
        if payment is not None and charged != payment.amount:
            logger.error(
                "Authorize.net charged %s for payment %s of %s.", charged, payment.public_id, payment.amount
            )
            # Never credit a different amount; the payment stays visible as failed for the platform owner.
            return (
                Outcome.FAILED,
                "Authorize.net charged another amount than this payment's; contact support.",
                None,
            )
        return Outcome.SUCCEEDED, "", None
    if status == "voided":
        if payment is not None and payment.status in REFUNDABLE:
            # A void always gives back the whole charge.
            return Outcome.REFUNDED, "", payment.amount
        return Outcome.FAILED, "The payment was voided.", None
    if code == "2" or status == "declined":
        return Outcome.FAILED, _sentence(reason) or "Your card was declined.", None
    if code == "3" or status in FAILED:
        return Outcome.FAILED, _sentence(reason) or "The card payment did not go through.", None
    return Outcome.OTHER, "", None  # held for review: fraud.approved or fraud.declined follows


def approved_transaction_of(payment: Payment) -> str:
    """The id of the payment's approved transaction, as its webhook stored it ("" if none came)."""
    events = WebhookEvent.objects.filter(provider=payment.gateway, payment=payment).order_by("received_at")
    for event in events:
        transaction = (event.payload or {}).get("transaction") or {}
        if transaction.get("approved"):
            return str(transaction.get("transId", ""))
    return ""


def _charged(details: Mapping[str, Any]) -> Decimal:
    settled = Decimal(str(details.get("settleAmount") or 0))
    return settled if settled > 0 else Decimal(str(details.get("authAmount") or 0))


def _summary(details: Mapping[str, Any], outcome: Outcome) -> dict[str, Any]:
    card = ((details.get("payment") or {}).get("creditCard") or {}).get("cardNumber", "")
    return {
        "transId": str(details.get("transId", "")),
        "transactionType": str(details.get("transactionType", "")),
        "transactionStatus": str(details.get("transactionStatus", "")),
        "responseCode": str(details.get("responseCode", "")),
        "responseReasonDescription": str(details.get("responseReasonDescription", "")),
        "invoiceNumber": str((details.get("order") or {}).get("invoiceNumber", "")),
        "authAmount": str(details.get("authAmount", "")),
        "settleAmount": str(details.get("settleAmount", "")),
        "cardNumber": str(card),  # masked by Authorize.net: XXXX1111
        "approved": outcome == Outcome.SUCCEEDED,
    }


def _plain(value: Any) -> Any:
    """JSON-safe copy for storage: Authorize.net's amounts were read as Decimal, kept as text."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return str(value) if isinstance(value, Decimal) else value


def _sentence(text: str) -> str:
    return text if not text or text.endswith(".") else text + "."
