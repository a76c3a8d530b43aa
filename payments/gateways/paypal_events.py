"""PayPal webhook events (already verified) in gateway-neutral terms.

Every event is tied to our payment by its PayPal order id, the reference stored at start_payment:
an order event names it as the resource id, a capture names it in supplementary_data (or in its
"up" link), a refund only names its capture, so our payment's public id (custom_id) is read first.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from djmoney.money import Money

from payments.gateways.base import GatewayEvent, Outcome
from payments.gateways.paypal_api import to_money
from payments.gateways.paypal_capture import capture_if_open
from payments.models import Payment

if TYPE_CHECKING:
    from payments.gateways.paypal import PayPalGateway

logger = logging.getLogger(__name__)

CAPTURE_FAILED = frozenset({"PAYMENT.CAPTURE.DENIED", "PAYMENT.CAPTURE.DECLINED"})


def checked_amount(payment: Payment | None, captured: Money) -> tuple[Outcome, str]:
    """SUCCEEDED only when PayPal captured exactly the payment's amount, in its currency."""
    if payment is None or captured == payment.amount:
        return Outcome.SUCCEEDED, ""
    logger.error("PayPal captured %s for payment %s of %s.", captured, payment.public_id, payment.amount)
    # Never credit a different amount; the payment stays visible as failed for the platform owner.
    return Outcome.FAILED, "PayPal captured another amount than this payment's; contact support."


def translate(gateway: PayPalGateway, event: Mapping[str, Any]) -> GatewayEvent:
    event_type = str(event["event_type"])
    resource: Mapping[str, Any] = event.get("resource") or {}
    common: dict[str, Any] = {"event_id": str(event["id"]), "event_type": event_type, "payload": dict(event)}

    if event_type == "CHECKOUT.ORDER.APPROVED":
        return _approved(gateway, str(resource["id"]), common)
    if event_type == "PAYMENT.CAPTURE.REFUNDED":
        return _refunded(gateway, resource, common)
    if event_type.startswith("PAYMENT.CAPTURE."):
        order_id = _order_of_capture(gateway, resource)
        if event_type == "PAYMENT.CAPTURE.COMPLETED":
            outcome, message = checked_amount(
                gateway.payment_for_order(order_id), to_money(resource["amount"])
            )
            return GatewayEvent(
                provider_reference=order_id, outcome=outcome, failure_message=message, **common
            )
        if event_type in CAPTURE_FAILED:
            return GatewayEvent(
                provider_reference=order_id,
                outcome=Outcome.FAILED,
                failure_message="PayPal declined the payment.",
                **common,
            )
        return GatewayEvent(provider_reference=order_id, outcome=Outcome.OTHER, **common)
    reference = str(resource.get("id", "")) if event_type.startswith("CHECKOUT.ORDER.") else ""
    return GatewayEvent(provider_reference=reference, outcome=Outcome.OTHER, **common)


def _approved(gateway: PayPalGateway, order_id: str, common: dict[str, Any]) -> GatewayEvent:
    """The payer approved but may never come back to the site: capture here too (idempotent)."""
    payment = gateway.payment_for_order(order_id)
    result = capture_if_open(gateway, payment, confirm=False) if payment else None
    if result is None:
        return GatewayEvent(provider_reference=order_id, outcome=Outcome.OTHER, **common)
    return GatewayEvent(
        provider_reference=order_id, outcome=result.outcome, failure_message=result.message, **common
    )


def _refunded(gateway: PayPalGateway, refund: Mapping[str, Any], common: dict[str, Any]) -> GatewayEvent:
    payment = gateway.payment_by_public_id(str(refund.get("custom_id", "")))
    if payment is not None:
        order_id = payment.provider_reference
    else:  # refunded in PayPal's dashboard: no custom_id, only the link up to the capture
        capture_id = _last_segment(_link(refund, "up"), "/v2/payments/captures/")
        order_id = _order_of_capture(gateway, gateway.get_capture(capture_id)) if capture_id else ""
    breakdown = refund.get("seller_payable_breakdown") or {}
    total = breakdown.get("total_refunded_amount")
    if not total:
        logger.warning("PayPal refund %s carries no total refunded; ignored.", refund.get("id"))
        return GatewayEvent(provider_reference=order_id, outcome=Outcome.OTHER, **common)
    return GatewayEvent(
        provider_reference=order_id,
        outcome=Outcome.REFUNDED,
        refund_id=str(refund.get("id", "")),
        # The running total, so a repeated or reordered event moves no money twice.
        refunded_total=to_money(total),
        **common,
    )


def _order_of_capture(gateway: PayPalGateway, capture: Mapping[str, Any]) -> str:
    related = (capture.get("supplementary_data") or {}).get("related_ids") or {}
    if related.get("order_id"):
        return str(related["order_id"])
    from_link = _last_segment(_link(capture, "up"), "/v2/checkout/orders/")
    if from_link:
        return from_link
    payment = gateway.payment_by_public_id(str(capture.get("custom_id", "")))
    return payment.provider_reference if payment else ""


def _link(resource: Mapping[str, Any], rel: str) -> str:
    return next(
        (str(link.get("href", "")) for link in resource.get("links", []) if link.get("rel") == rel), ""
    )


def _last_segment(href: str, prefix: str) -> str:
    if prefix not in href:
        return ""
    return href.split(prefix, 1)[1].split("/", 1)[0].split("?", 1)[0]
