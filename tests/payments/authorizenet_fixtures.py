"""Authorize.net's JSON API as recorded (respx), and the payer's side of an Authorize.net recharge.

Authorize.net's JSON API has one URL; the double answers each request by its name (the body's
top-level key) with the documented examples in tests/payments/recorded/authorizenet/, byte order
mark included.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import defaultdict
from typing import Any

import httpx
import pytest
import respx
from django.test import Client
from django_scopes import scopes_disabled
from djmoney.money import Money

from payments.gateways.authorizenet import invoice_number
from payments.gateways.registry import reset_gateway_cache
from payments.models import Entry, Payment
from tests.payments.replay import load, response, webhook_body

API_URL = "https://apitest.authorize.net/xml/v1/request.api"
HOSTED_URL = "https://test.authorize.net/payment/payment"
LOGIN_ID = "5KP3u95bQpv"
TRANSACTION_KEY = "346HZ32z3fP4hTG2"
SIGNATURE_KEY = (
    "56E529FC7D3F2A1B9C0D4E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B3C2D1E0F9A8B"
    "7C6D5E4F3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B3C2D1E0F9A8B7C6D"
)
TRANS = "60020981676"
REFUND = "60020981677"
USD_25 = Money("25.00", "USD")


class AuthorizeNetDouble:
    """Answers each request by its name with the recorded answers queued for it, in order (the
    last one again when more requests come), and keeps what was sent."""

    def __init__(self) -> None:
        self.answers: dict[str, list[httpx.Response | Exception]] = defaultdict(list)
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def queue(self, name: str, payment: Payment | None = None, **changes: Any) -> None:
        values = {"invoice": invoice_number(payment), "payment_id": str(payment.public_id)} if payment else {}
        exchange = load(f"authorizenet/{name}", **values)
        if changes:
            exchange["response"]["json"]["transaction"].update(changes)
        self.answers[exchange["request"]["name"]].append(response(exchange))

    def fail(self, request_name: str, error: Exception) -> None:
        self.answers[request_name].append(error)

    def sent(self, request_name: str) -> list[dict[str, Any]]:
        return [body for name, body in self.requests if name == request_name]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        [(name, content)] = body.items()
        self.requests.append((name, content))
        answers = self.answers[name]
        if not answers:
            raise AssertionError(f"No recorded answer for {name}")
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture(name="anet_settings")
def anet_settings_fixture(settings):
    settings.AUTHORIZENET_API_LOGIN_ID = LOGIN_ID
    settings.AUTHORIZENET_TRANSACTION_KEY = TRANSACTION_KEY
    settings.AUTHORIZENET_SIGNATURE_KEY = SIGNATURE_KEY
    settings.AUTHORIZENET_API_URL = API_URL
    settings.AUTHORIZENET_HOSTED_URL = HOSTED_URL
    settings.AUTHORIZENET_CURRENCY = "USD"
    reset_gateway_cache()
    yield settings
    reset_gateway_cache()


@pytest.fixture(name="anet")
def anet_fixture(anet_settings):
    double = AuthorizeNetDouble()
    with respx.mock(assert_all_called=False) as router:  # anything else leaving the process fails
        router.post(API_URL).mock(side_effect=double)
        yield double


def start(client, amount: str = "25.00", currency: str = "USD"):
    body = {"amount": amount, "currency": currency, "gateway": "authorizenet"}
    return client.post("/api/v1/wallet/recharges/", body, format="json")


def payment_of(started) -> Payment:
    with scopes_disabled():
        return Payment.objects.get(public_id=started.json()["payment"]["id"])


def reloaded(payment: Payment) -> Payment:
    with scopes_disabled():
        return Payment.objects.get(pk=payment.pk)


def entries_for(payment: Payment) -> list[str]:
    with scopes_disabled():
        return list(
            Entry.objects.filter(reference=f"payment:{payment.public_id}")
            .order_by("pk")
            .values_list("kind", flat=True)
        )


def sign(body: bytes, key: bytes | None = None) -> str:
    digest = hmac.new(key if key is not None else bytes.fromhex(SIGNATURE_KEY), body, hashlib.sha512)
    return "sha512=" + digest.hexdigest().upper()


def notification(name: str, payment: Payment) -> bytes:
    return webhook_body(load(f"authorizenet/{name}", invoice=invoice_number(payment)))


def deliver(tenant, body: bytes, signature: str | None = "sign"):
    extra = (
        {}
        if signature is None
        else {"HTTP_X_ANET_SIGNATURE": sign(body) if signature == "sign" else signature}
    )
    return Client(HTTP_HOST=tenant.hostname).post(
        "/payments/webhooks/authorizenet/", data=body, content_type="application/json", **extra
    )


@pytest.fixture(name="pending")
def pending_fixture(anet, api_for, tenant, buyer):
    """A USD 25.00 recharge with its hosted form token."""
    anet.queue("hosted_page_token")
    client = api_for(tenant, buyer)
    started = start(client)
    assert started.status_code == 201, started.json()
    payment = payment_of(started)
    assert started.json()["checkout"]["redirect_url"] == (
        f"/payments/authorizenet/pay/{payment.public_id}/?next=%2Fdashboard%2Fwallet%2F"
    )
    return client, payment


@pytest.fixture(name="succeeded")
def succeeded_fixture(pending, anet, tenant):
    client, payment = pending
    anet.queue("transaction_captured", payment)
    assert deliver(tenant, notification("webhook_authcapture", payment)).status_code == 200
    anet.answers.clear()  # each test queues what Authorize.net answers next
    return client, reloaded(payment)
