"""Capturing an approved PayPal order, once, whoever asks first: the payer's return or the webhook.

The capture runs while the payment's row is locked and only while the payment may still succeed,
so the return page, a repeated return and the CHECKOUT.ORDER.APPROVED webhook never capture twice
(PayPal-Request-Id and ORDER_ALREADY_CAPTURED would absorb a second call anyway) and a payment
marked done is never captured afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django_scopes import scope

from payments.exceptions import GatewayError
from payments.gateways.base import Outcome
from payments.models import Payment
from payments.services.gateway_payments import CAN_SUCCEED, log_call, mark_failed, mark_succeeded

if TYPE_CHECKING:
    from payments.gateways.paypal import CaptureResult, PayPalGateway


def capture_if_open(gateway: PayPalGateway, payment: Payment, *, confirm: bool) -> CaptureResult | None:
    """Capture `payment`'s order unless it can no longer succeed (None then).

    confirm=True (the return page) also applies the result in the same transaction; the webhook
    leaves that to handle_event, which stores the event with it.
    """
    try:
        with scope(tenant=payment.tenant), transaction.atomic():
            locked = Payment.objects.select_for_update().get(pk=payment.pk)
            if locked.status not in CAN_SUCCEED:
                return None
            result = gateway.capture(locked)
            if confirm and result.outcome == Outcome.SUCCEEDED:
                mark_succeeded(locked)
            elif confirm and result.outcome == Outcome.FAILED:
                mark_failed(locked, message=result.message)
    except GatewayError as error:
        # Logged after the rollback, so the failed call stays in the log.
        log_call(
            gateway.name,
            "capture",
            payment=payment,
            ok=False,
            reference=payment.provider_reference,
            detail=error.message,
        )
        raise
    log_call(
        gateway.name,
        "capture",
        payment=payment,
        ok=True,
        reference=result.capture_id or payment.provider_reference,
        detail=f"{result.outcome.value}: {result.message}" if result.message else result.outcome.value,
    )
    return result
