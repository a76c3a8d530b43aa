"""PayPal: an Orders v2 order per recharge, the payer approves it at PayPal, we capture it.

start_payment creates the order (intent CAPTURE, our payment's public id as custom_id and
invoice_id) and sends the payer to its approval link. PayPal sends the payer back to
/payments/paypal/return/<payment>/?token=<order id>, where the order is captured; the
CHECKOUT.ORDER.APPROVED webhook captures it too when the payer never comes back. Captures and
refunds then arrive as PAYMENT.CAPTURE.* webhooks, each checked with PayPal's
verify-webhook-signature call. Settings: PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET,
PAYPAL_WEBHOOK_ID and PAYPAL_API_BASE (the sandbox unless set to https://api-m.paypal.com).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled
from djmoney.money import Money

from payments.exceptions import GatewayError
from payments.gateways import paypal_events
from payments.gateways.base import (
    Checkout,
    Gateway,
    GatewayEvent,
    GatewaySettingsView,
    InvalidWebhook,
    Outcome,
    Refund,
    mask,
)
from payments.gateways.headers import header
from payments.gateways.paypal_api import (
    LIVE_HOSTS,
    SANDBOX_BASE,
    PayPalAPI,
    PayPalError,
    PayPalUnreachable,
    decimals_for,
    to_money,
    to_value,
)
from payments.gateways.returns import page_url
from payments.models import Payment
from payments.services.gateway_payments import log_call

logger = logging.getLogger(__name__)

TRANSMISSION_HEADERS = {
    "auth_algo": "PAYPAL-AUTH-ALGO",
    "cert_url": "PAYPAL-CERT-URL",
    "transmission_id": "PAYPAL-TRANSMISSION-ID",
    "transmission_sig": "PAYPAL-TRANSMISSION-SIG",
    "transmission_time": "PAYPAL-TRANSMISSION-TIME",
}
DECLINED_CAPTURE = frozenset({"DECLINED", "FAILED"})


@dataclass(frozen=True)
class CaptureResult:
    outcome: Outcome
    capture_id: str = ""
    message: str = ""


def minor_units(amount: Money) -> int:
    """For idempotency keys only: the amount as a whole number of PayPal's smallest unit."""
    return int(amount.amount.scaleb(decimals_for(str(amount.currency))))


class PayPalGateway(Gateway):
    name = "paypal"
    label = "PayPal"

    def __init__(self) -> None:
        self._client_id: str = settings.PAYPAL_CLIENT_ID or ""
        self._client_secret: str = settings.PAYPAL_CLIENT_SECRET or ""
        self._webhook_id: str = settings.PAYPAL_WEBHOOK_ID or ""
        self._api_base: str = (settings.PAYPAL_API_BASE or SANDBOX_BASE).rstrip("/")
        self._api: PayPalAPI | None = None

    # --- settings -----------------------------------------------------------------------------

    @property
    def test_mode(self) -> bool:
        # Only PayPal's live hosts move real money; the sandbox and any local double do not.
        return (urlsplit(self._api_base).hostname or "").lower() not in LIVE_HOSTS

    @property
    def configured(self) -> bool:
        return bool(self._client_id and self._client_secret and self._webhook_id)

    def settings_view(self) -> GatewaySettingsView:
        return GatewaySettingsView(
            name=self.name,
            label=self.label,
            test_mode=self.test_mode,
            configured=self.configured,
            values={
                "client_id": self._client_id,
                "client_secret": mask(self._client_secret),
                "webhook_id": self._webhook_id,
                "api_base": self._api_base,
            },
        )

    @property
    def api(self) -> PayPalAPI:
        if not self.configured:
            raise GatewayError("Payments with PayPal are not set up on this platform.")
        if self._api is None:
            self._api = PayPalAPI(self._api_base, self._client_id, self._client_secret)
        return self._api

    # --- payments -----------------------------------------------------------------------------

    def order_body(self, payment: Payment, *, return_url: str) -> dict[str, Any]:
        reference = str(payment.public_id)
        try:
            value = to_value(payment.amount)
        except ValueError as error:
            raise GatewayError(str(error)) from None
        return {
            "intent": "CAPTURE",
            "purchase_units": [
                {
                    "reference_id": reference,
                    "custom_id": reference,
                    # PayPal refuses a second order with the same invoice id: one payment, one charge.
                    "invoice_id": reference,
                    "description": f"Wallet recharge on {payment.tenant.name}"[:127],
                    "amount": {"currency_code": str(payment.amount.currency), "value": value},
                }
            ],
            "payment_source": {
                "paypal": {
                    "experience_context": {
                        "brand_name": payment.tenant.name[:127],
                        "shipping_preference": "NO_SHIPPING",
                        "user_action": "PAY_NOW",
                        "return_url": page_url(
                            return_url, reverse("payments:paypal-return", args=[payment.public_id])
                        ),
                        "cancel_url": page_url(
                            return_url,
                            reverse("payments:redirect-cancel", args=[self.name, payment.public_id]),
                        ),
                    }
                }
            },
        }

    def start_payment(self, payment: Payment, *, return_url: str) -> Checkout:
        body = self.order_body(payment, return_url=return_url)
        try:
            order = self.api.call(
                "POST", "/v2/checkout/orders", body=body, request_id=f"lyceum-{payment.public_id}-create"
            )
        except (PayPalError, PayPalUnreachable) as error:
            raise self._error(error, "start the payment") from error
        links = {link.get("rel"): link.get("href") for link in order.get("links", [])}
        # With payment_source.paypal PayPal names the link payer-action; older orders call it approve.
        approve = links.get("payer-action") or links.get("approve")
        if not order.get("id") or not approve:
            raise GatewayError("PayPal did not answer with a page where the payer can approve the payment.")
        return Checkout(provider_reference=str(order["id"]), redirect_url=str(approve))

    def capture(self, payment: Payment) -> CaptureResult:
        """Capture the approved order. A repeat (ORDER_ALREADY_CAPTURED) reads the first capture."""
        order_id = quote(payment.provider_reference, safe="")
        try:
            order = self.api.call(
                "POST",
                f"/v2/checkout/orders/{order_id}/capture",
                request_id=f"lyceum-{payment.public_id}-capture",
                prefer="return=representation",
            )
        except PayPalError as error:
            if error.status != 422:
                raise self._error(error, "confirm the payment") from error
            if error.reason == "ORDER_ALREADY_CAPTURED":
                order = self.get_order(payment)
            elif error.reason == "ORDER_NOT_APPROVED":
                return CaptureResult(Outcome.OTHER, message="The payment is not approved at PayPal yet.")
            else:
                # INSTRUMENT_DECLINED, TRANSACTION_REFUSED, PAYER_CANNOT_PAY, …: the payer's PayPal said no.
                logger.info("PayPal declined order %s: %s", payment.provider_reference, error)
                return CaptureResult(Outcome.FAILED, message=_payer_message(error))
        except PayPalUnreachable as error:
            raise self._error(error, "confirm the payment") from error
        return self.capture_outcome(payment, order)

    def capture_outcome(self, payment: Payment, order: Mapping[str, Any]) -> CaptureResult:
        captures = [
            capture
            for unit in order.get("purchase_units", [])
            for capture in (unit.get("payments") or {}).get("captures", [])
        ]
        if not captures:
            return CaptureResult(Outcome.OTHER, message=f"The PayPal order is {order.get('status', 'open')}.")
        capture = captures[0]  # intent CAPTURE with one purchase unit: one capture
        capture_id, status = str(capture.get("id", "")), capture.get("status")
        if status == "COMPLETED":
            outcome, message = paypal_events.checked_amount(payment, to_money(capture["amount"]))
            return CaptureResult(outcome, capture_id=capture_id, message=message)
        if status in DECLINED_CAPTURE:
            return CaptureResult(Outcome.FAILED, capture_id, "PayPal declined the payment.")
        # PENDING (an eCheck, a review): PAYMENT.CAPTURE.COMPLETED or .DENIED follows.
        return CaptureResult(Outcome.OTHER, capture_id, "PayPal is still processing the payment.")

    def get_order(self, payment: Payment) -> dict[str, Any]:
        order_id = quote(payment.provider_reference, safe="")
        try:
            order = self.api.call("GET", f"/v2/checkout/orders/{order_id}")
        except (PayPalError, PayPalUnreachable) as error:
            raise self._error(error, "look up the payment") from error
        log_call(
            self.name,
            "get_order",
            payment=payment,
            ok=True,
            reference=payment.provider_reference,
            detail=order.get("status", ""),
        )
        return order

    def get_capture(self, capture_id: str) -> dict[str, Any]:
        try:
            return self.api.call("GET", f"/v2/payments/captures/{quote(capture_id, safe='')}")
        except (PayPalError, PayPalUnreachable) as error:
            raise self._error(error, "look up the payment") from error

    def refund(self, payment: Payment, amount: Money) -> Refund:
        result = self.capture_outcome(payment, self.get_order(payment))
        if result.outcome != Outcome.SUCCEEDED or not result.capture_id:
            raise GatewayError("PayPal holds no completed capture for this payment to refund.")
        try:
            value = to_value(amount)
        except ValueError as error:
            raise GatewayError(str(error)) from None
        already = minor_units(payment.refunded) if payment.refunded.amount else 0
        try:
            refund = self.api.call(
                "POST",
                f"/v2/payments/captures/{quote(result.capture_id, safe='')}/refund",
                body={
                    "amount": {"currency_code": str(amount.currency), "value": value},
                    # Lets the PAYMENT.CAPTURE.REFUNDED webhook name our payment directly.
                    "custom_id": str(payment.public_id),
                    "note_to_payer": "Wallet recharge refunded",
                },
                # The same refund retried is the same request; a later refund of the same amount is not.
                request_id=f"lyceum-{payment.public_id}-refund-{already}-{minor_units(amount)}",
                prefer="return=representation",
            )
        except (PayPalError, PayPalUnreachable) as error:
            raise self._error(error, "refund the payment") from error
        status = refund.get("status", "")
        if status in ("FAILED", "CANCELLED"):
            raise GatewayError(f"PayPal could not refund this payment ({status.lower()}).")
        # PENDING counts as made: PayPal has accepted it and completes it on its own.
        refunded = to_money(refund["amount"]) if refund.get("amount") else amount
        return Refund(refund_id=str(refund.get("id", "")), amount=refunded)

    # --- webhooks -----------------------------------------------------------------------------

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        if not self.configured:
            raise InvalidWebhook("PayPal is not set up on this platform.")
        try:
            event = json.loads(body)
        except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise InvalidWebhook("The body is not JSON.") from None
        if not isinstance(event, dict) or not event.get("id") or not event.get("event_type"):
            raise InvalidWebhook("The body is not a PayPal event.")
        fields = {field: header(headers, name) for field, name in TRANSMISSION_HEADERS.items()}
        if not all(fields.values()):
            raise InvalidWebhook("PayPal's transmission headers are missing.")
        self._verify(body, fields, event_id=str(event["id"]))
        try:
            return paypal_events.translate(self, event)
        except GatewayError as error:
            # Not applied: answering an error makes PayPal send the event again later.
            raise InvalidWebhook(f"{error.message} PayPal will send it again.") from None
        except (KeyError, TypeError, ValueError, AttributeError):
            raise InvalidWebhook("The body is not a PayPal event.") from None

    def _verify(self, body: bytes, fields: dict[str, str], *, event_id: str) -> None:
        """Ask PayPal whether it sent these bytes. The event goes back byte for byte: PayPal signs
        the body as sent, so a re-serialised copy (other spacing or key order) would not verify."""
        prefix = json.dumps({**fields, "webhook_id": self._webhook_id})[:-1]
        request = prefix.encode() + b', "webhook_event": ' + body + b"}"
        try:
            answer = self.api.call("POST", "/v1/notifications/verify-webhook-signature", body=request)
        except PayPalUnreachable:
            raise InvalidWebhook("PayPal could not be reached to verify it; it will be sent again.") from None
        except PayPalError as error:
            logger.warning("PayPal refused to verify webhook %s: %s", event_id, error)
            raise InvalidWebhook(f"PayPal refused to verify it ({error.name}).") from None
        status = str(answer.get("verification_status", ""))
        log_call(
            self.name,
            "verify_webhook",
            payment=None,
            ok=status == "SUCCESS",
            reference=event_id,
            detail=status,
        )
        if status != "SUCCESS":
            raise InvalidWebhook("PayPal did not confirm the signature.")

    def payment_for_order(self, order_id: str) -> Payment | None:
        with scopes_disabled():
            return (
                Payment.objects.filter(gateway=self.name, provider_reference=order_id)
                .select_related("tenant", "user")
                .first()
            )

    def payment_by_public_id(self, value: str) -> Payment | None:
        try:
            public_id = uuid.UUID(value)
        except (ValueError, TypeError, AttributeError):
            return None
        with scopes_disabled():
            return (
                Payment.objects.filter(gateway=self.name, public_id=public_id)
                .select_related("tenant")
                .first()
            )

    # --- errors -------------------------------------------------------------------------------

    def _error(self, error: PayPalError | PayPalUnreachable, action: str) -> GatewayError:
        """A GatewayError a user can read; PayPal's debug id goes to the log for support."""
        logger.warning("PayPal could not %s: %s", action, error)
        if isinstance(error, PayPalUnreachable):
            return GatewayError("PayPal could not be reached. Please try again in a few minutes.")
        if error.status in (401, 403):
            return GatewayError(
                "PayPal payments are unavailable: PayPal refused the platform's credentials. "
                "The platform owner has to check the PayPal settings."
            )
        if error.status == 429:
            return GatewayError("PayPal is busy right now. Please try again in a minute.")
        if error.status >= 500:
            return GatewayError(f"PayPal could not {action} just now. Please try again in a few minutes.")
        reason = (error.description or error.reason or error.name).rstrip(".")
        return GatewayError(f"PayPal refused to {action}: {reason}.")


def _payer_message(error: PayPalError) -> str:
    if error.reason == "INSTRUMENT_DECLINED":
        return "PayPal declined the chosen way to pay. Please try again with another one."
    return (error.description or "PayPal declined the payment.")[:300]
