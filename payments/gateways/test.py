"""The built-in test gateway: a local checkout page, no real money, no network.

Test cards (spaces optional):
  4242 4242 4242 4242  succeeds
  4000 0000 0000 0002  is declined
  4000 0027 6000 3184  needs a confirmation step (approve or fail it on the next page)

Its events travel the same path as a real provider's webhooks: the checkout page signs an
event (HMAC-SHA256 with a key derived from SECRET_KEY) and hands it to `parse_webhook`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.urls import reverse
from djmoney.money import Money

from payments.gateways.base import (
    Checkout,
    Gateway,
    GatewayEvent,
    GatewaySettingsView,
    InvalidWebhook,
    Outcome,
    Refund,
)
from payments.models import Payment

CARD_SUCCEEDS = "4242424242424242"
CARD_DECLINED = "4000000000000002"
CARD_NEEDS_CONFIRMATION = "4000002760003184"
SIGNATURE_HEADER = "X-Lyceum-Test-Signature"


def _key() -> bytes:
    return hashlib.sha256(b"lyceum-test-gateway:" + settings.SECRET_KEY.encode()).digest()


def sign(body: bytes) -> str:
    return hmac.new(_key(), body, hashlib.sha256).hexdigest()


def event_body(payment: Payment, outcome: Outcome, *, message: str = "") -> bytes:
    return json.dumps(
        {
            "id": f"test_evt_{uuid.uuid4().hex}",
            "type": f"payment.{outcome.value}",
            "payment": payment.provider_reference,
            "outcome": outcome.value,
            "message": message,
        }
    ).encode()


class TestGateway(Gateway):
    name = "test"
    label = "Test gateway"

    @property
    def test_mode(self) -> bool:
        return True

    @property
    def configured(self) -> bool:
        return True

    def start_payment(self, payment: Payment, *, return_url: str) -> Checkout:
        reference = f"test_pay_{payment.public_id.hex}"
        url = reverse("payments:test-checkout", args=[payment.public_id])
        return Checkout(provider_reference=reference, redirect_url=url)

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        signature = headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(signature, sign(body)):
            raise InvalidWebhook("Bad signature.")
        data = json.loads(body)
        return GatewayEvent(
            event_id=data["id"],
            event_type=data["type"],
            provider_reference=data["payment"],
            outcome=Outcome(data["outcome"]),
            payload=data,
            failure_message=data.get("message", ""),
        )

    def refund(self, payment: Payment, amount: Money) -> Refund:
        return Refund(refund_id=f"test_re_{uuid.uuid4().hex}", amount=amount)

    def settings_view(self) -> GatewaySettingsView:
        return GatewaySettingsView(name=self.name, label=self.label, test_mode=True, configured=True)
