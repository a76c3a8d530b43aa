"""Stripe: a PaymentIntent per recharge, the Payment Element on the page, results by signed webhooks.

The server creates the PaymentIntent and hands its client secret to the page; the browser confirms
it with Stripe.js; Stripe then tells us the outcome with a signed `payment_intent.*` event, and
refunds with `charge.refunded`. Amounts travel in the currency's minor units, currencies in lower
case. Settings: STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET, and
STRIPE_API_BASE to talk to a local Stripe double (localstripe) instead of api.stripe.com.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import stripe
from django.conf import settings
from djmoney.money import Money

from payments.exceptions import GatewayError
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
from payments.models import Payment
from payments.money import minor_exponent

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Stripe-Signature"
# (connect, read) seconds. Stripe's own default read timeout is 80 s; a recharge page cannot wait that long.
TIMEOUTS = (5.0, 30.0)
LOCAL_TIMEOUTS = (2.0, 10.0)
RETRIES = 2

_KEY_LIKE = re.compile(r"\b(?:sk|rk|pk|whsec)_[A-Za-z0-9_*]+")


def to_minor(amount: Money) -> int:
    """Money → Stripe's integer amount in the currency's minor unit (USD 12.34 → 1234, JPY 500 → 500)."""
    minor = amount.amount.scaleb(minor_exponent(str(amount.currency)))
    if minor != minor.to_integral_value():
        raise GatewayError(f"{amount} is not a whole number of the currency's smallest unit.")
    return int(minor)


def from_minor(minor: int, currency: str) -> Money:
    code = currency.upper()
    return Money(Decimal(int(minor)).scaleb(-minor_exponent(code)), code)


def is_local_address(url: str) -> bool:
    """True for loopback URLs: a Stripe double on this machine, never Stripe itself."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _header(headers: Mapping[str, str], name: str) -> str:
    """A header's value whatever the case of its name (Django's headers are case-insensitive, dicts not)."""
    value = headers.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == wanted), None)
    return value or ""


class StripeGateway(Gateway):
    name = "stripe"
    label = "Stripe"

    def __init__(self) -> None:
        self._secret_key: str = settings.STRIPE_SECRET_KEY or ""
        self._publishable_key: str = settings.STRIPE_PUBLISHABLE_KEY or ""
        self._webhook_secret: str = settings.STRIPE_WEBHOOK_SECRET or ""
        self._api_base: str = (settings.STRIPE_API_BASE or "").rstrip("/")
        self._client: stripe.StripeClient | None = None

    # --- settings -----------------------------------------------------------------------------

    @property
    def uses_local_double(self) -> bool:
        return bool(self._api_base) and is_local_address(self._api_base)

    @property
    def test_mode(self) -> bool:
        return self._secret_key.startswith(("sk_test_", "rk_test_")) or self.uses_local_double

    @property
    def configured(self) -> bool:
        return bool(self._secret_key)

    def settings_view(self) -> GatewaySettingsView:
        return GatewaySettingsView(
            name=self.name,
            label=self.label,
            test_mode=self.test_mode,
            configured=self.configured,
            values={
                "secret_key": mask(self._secret_key),
                "publishable_key": self._publishable_key,
                "webhook_secret": mask(self._webhook_secret),
                "api_base": self._api_base or "https://api.stripe.com",
            },
        )

    @property
    def client(self) -> stripe.StripeClient:
        if not self.configured:
            raise GatewayError("Card payments with Stripe are not set up on this platform.")
        if self._client is None:
            local = self.uses_local_double
            base_addresses = {}
            if self._api_base:
                base_addresses = {
                    "api": self._api_base,
                    "files": self._api_base,
                    "connect": self._api_base,
                    "meter_events": self._api_base,
                }
            self._client = stripe.StripeClient(
                self._secret_key,
                base_addresses=base_addresses,
                max_network_retries=0 if local else RETRIES,
                http_client=stripe.RequestsClient(timeout=LOCAL_TIMEOUTS if local else TIMEOUTS),
            )
        return self._client

    # --- payments -----------------------------------------------------------------------------

    def intent_params(self, payment: Payment) -> dict[str, Any]:
        params: dict[str, Any] = {
            "amount": to_minor(payment.amount),
            "currency": str(payment.amount.currency).lower(),
            "payment_method_types": ["card"],
            "metadata": {"payment": str(payment.public_id), "tenant": payment.tenant.slug},
        }
        # localstripe answers 400 "Unexpected description"; Stripe shows it in the dashboard.
        if not self.uses_local_double:
            params["description"] = f"Wallet recharge on {payment.tenant.name}"
        return params

    def start_payment(self, payment: Payment, *, return_url: str) -> Checkout:
        try:
            intent = self.client.v1.payment_intents.create(
                params=self.intent_params(payment),
                options={"idempotency_key": f"lyceum-payment-{payment.public_id}"},
            )
        except stripe.StripeError as error:
            raise self._error(error, "start the payment") from error
        return Checkout(
            provider_reference=intent.id,
            client_secret=intent.client_secret,
            publishable_key=self._publishable_key or None,
        )

    def refund(self, payment: Payment, amount: Money) -> Refund:
        minor = to_minor(amount)
        already = to_minor(payment.refunded) if payment.refunded.amount else 0
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": payment.provider_reference, "amount": minor},
                # The same refund retried is the same request; a later refund of the same amount is not.
                options={"idempotency_key": f"lyceum-refund-{payment.public_id}-{already}-{minor}"},
            )
        except stripe.StripeError as error:
            raise self._error(error, "refund the payment") from error
        if refund.status in ("failed", "canceled"):
            reason = getattr(refund, "failure_reason", None) or refund.status
            raise GatewayError(f"Stripe could not refund this payment ({reason}).")
        return Refund(refund_id=refund.id, amount=from_minor(refund.amount, refund.currency))

    # --- webhooks -----------------------------------------------------------------------------

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        signature = _header(headers, SIGNATURE_HEADER)
        if not signature:
            raise InvalidWebhook("Missing Stripe-Signature header.")
        if not self._webhook_secret:
            raise InvalidWebhook("No Stripe webhook secret is configured.")
        try:
            event = stripe.Webhook.construct_event(body, signature, self._webhook_secret)
        except stripe.SignatureVerificationError:
            raise InvalidWebhook("The Stripe signature does not verify.") from None
        except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise InvalidWebhook("The body is not JSON.") from None
        try:
            data = event.to_dict(for_json=True)
            return self._translate(data)
        except (KeyError, TypeError, AttributeError, ValueError):
            raise InvalidWebhook("The body is not a Stripe event.") from None

    def _translate(self, data: dict[str, Any]) -> GatewayEvent:
        event_id: str = data["id"]
        event_type: str = data["type"]
        obj: dict[str, Any] = data["data"]["object"]
        common = {"event_id": event_id, "event_type": event_type, "payload": data}

        if event_type.startswith("payment_intent."):
            reference = obj["id"]
            if event_type == "payment_intent.succeeded":
                return GatewayEvent(provider_reference=reference, outcome=Outcome.SUCCEEDED, **common)
            if event_type == "payment_intent.payment_failed":
                error = obj.get("last_payment_error") or {}
                message = error.get("message") or "The payment did not go through."
                return GatewayEvent(
                    provider_reference=reference, outcome=Outcome.FAILED, failure_message=message, **common
                )
            if event_type == "payment_intent.canceled":
                return GatewayEvent(
                    provider_reference=reference,
                    outcome=Outcome.CANCELED,
                    failure_message="The payment was canceled.",
                    **common,
                )
            return GatewayEvent(provider_reference=reference, outcome=Outcome.OTHER, **common)

        if event_type == "charge.refunded":
            return GatewayEvent(
                provider_reference=_id_of(obj.get("payment_intent")),
                outcome=Outcome.REFUNDED,
                refund_id=_newest_refund_id(obj) or event_id,
                refunded_total=from_minor(obj["amount_refunded"], obj["currency"]),
                **common,
            )

        reference = _id_of(obj.get("payment_intent")) if event_type.startswith("charge.") else ""
        return GatewayEvent(provider_reference=reference, outcome=Outcome.OTHER, **common)

    # --- errors -------------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        for secret in (self._secret_key, self._webhook_secret):
            if secret:
                text = text.replace(secret, "[redacted]")
        return _KEY_LIKE.sub("[redacted]", text)

    def _error(self, error: stripe.StripeError, action: str) -> GatewayError:
        """A GatewayError whose message a user can read and that holds no secret."""
        provider_message = self._scrub(str(error.user_message or "").strip())
        logger.warning(
            "Stripe could not %s: %s (HTTP %s, request %s): %s",
            action,
            type(error).__name__,
            error.http_status,
            error.request_id,
            provider_message,
        )
        if isinstance(error, stripe.CardError):
            # Stripe writes card errors for the person paying ("Your card was declined.").
            message = provider_message or "Your card was declined."
        elif isinstance(error, stripe.APIConnectionError):
            message = "Stripe could not be reached. Please try again in a few minutes."
        elif isinstance(error, stripe.RateLimitError):
            message = "Stripe is busy right now. Please try again in a minute."
        elif isinstance(error, (stripe.AuthenticationError, stripe.PermissionError)):
            message = (
                "Card payments are unavailable: Stripe refused the platform's credentials. "
                "The platform owner has to check the Stripe keys."
            )
        elif isinstance(error, stripe.InvalidRequestError):
            message = f"Stripe refused to {action}: {provider_message or 'the request was invalid'}"
            message = message if message.endswith(".") else message + "."
        else:
            message = f"Stripe could not {action} just now. Please try again in a few minutes."
        return GatewayError(message)


def _id_of(value: Any) -> str:
    """An id whether Stripe sent it as a string or as the expanded object."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _newest_refund_id(charge: dict[str, Any]) -> str:
    """The id of the charge's newest refund, when the event carries the list and one is newest.

    API versions since 2022-11-15 leave `refunds` out unless expanded. Refunds made in the same
    second tie (localstripe even lists them oldest first): then no id is sure to be the refund
    this event reports, and the caller falls back on the event id.
    """
    refunds = charge.get("refunds")
    listed = refunds.get("data") if isinstance(refunds, dict) else None
    if not listed:
        return ""
    newest = max(refund.get("created", 0) for refund in listed)
    ids = [refund["id"] for refund in listed if refund.get("created", 0) == newest]
    return ids[0] if len(ids) == 1 else ""
