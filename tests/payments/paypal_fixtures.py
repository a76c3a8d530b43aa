"""PayPal's sandbox as recorded (respx), and the payer's side of a PayPal recharge, for the tests."""

from __future__ import annotations

import pytest
import respx
from django.test import Client
from django_scopes import scopes_disabled
from djmoney.money import Money

from payments.gateways.registry import reset_gateway_cache
from payments.models import Entry, GatewayCall, Payment
from tests.payments.replay import load, response, webhook_body

BASE = "https://api-m.sandbox.paypal.com"
ORDER = "5O190127TN364715T"
CAPTURE = "3C679366HH908993F"
CLIENT_ID = "AYSq3RDGsmBLJE-otTkBtM-jBRd1TCQwFf9RGfwddNXWz0uFU9ztymylOhRS"
CLIENT_SECRET = "EGnHDxD_qRPdaLdZz8iCr8N7_MzF-YHPTkjs6NKYQvQSBngp4PTTVWkPZRbL"
WEBHOOK_ID = "1JE4291016473214C"
USD_25 = Money("25.00", "USD")
FIRST_TOKEN = "Bearer " + load("paypal/oauth_token")["response"]["json"]["access_token"]


@pytest.fixture(name="paypal_settings")
def paypal_settings_fixture(settings):
    settings.PAYPAL_CLIENT_ID = CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = CLIENT_SECRET
    settings.PAYPAL_WEBHOOK_ID = WEBHOOK_ID
    settings.PAYPAL_API_BASE = BASE
    reset_gateway_cache()
    yield settings
    reset_gateway_cache()


@pytest.fixture(name="paypal")
def paypal_fixture(paypal_settings):
    """PayPal's sandbox as recorded; any request without a recorded answer fails the test."""
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.post("/v1/oauth2/token", name="token").mock(return_value=response(load("paypal/oauth_token")))
        router.post("/v2/checkout/orders", name="create").mock(
            return_value=response(load("paypal/create_order"))
        )
        yield router


def recorded(router: respx.Router, name: str, payment: Payment, *, route: str | None = None) -> respx.Route:
    """Answer the exchange's request with its recorded response, filled in for `payment`."""
    exchange = load(name, payment_id=str(payment.public_id))
    method, path = exchange["request"]["method"], exchange["request"]["path"]
    return router.route(method=method, path=path, name=route).mock(return_value=response(exchange))


def start(client, amount: str = "25.00", currency: str = "USD", **extra):
    body = {"amount": amount, "currency": currency, "gateway": "paypal"}
    return client.post("/api/v1/wallet/recharges/", body, format="json", **extra)


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


def calls(operation: str) -> list[tuple[bool, str, str]]:
    with scopes_disabled():
        rows = GatewayCall.objects.filter(provider="paypal", operation=operation).order_by("pk")
        return [(row.succeeded, row.provider_reference, row.detail) for row in rows]


def deliver(tenant, exchange: dict, *, body: bytes | None = None, headers: dict | None = None):
    sent = exchange["request"]["headers"] if headers is None else headers
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in sent.items()}
    return Client(HTTP_HOST=tenant.hostname).post(
        "/payments/webhooks/paypal/",
        data=body if body is not None else webhook_body(exchange),
        content_type="application/json",
        **meta,
    )


@pytest.fixture(name="pending")
def pending_fixture(paypal, api_for, tenant, buyer):
    """A USD 25.00 recharge whose PayPal order waits for the payer's approval."""
    client = api_for(tenant, buyer)
    started = start(client)
    assert started.status_code == 201, started.json()
    return client, payment_of(started)


def return_from_paypal(client, payment: Payment, back: str = "%2Fdashboard%2Fwallet%2F"):
    """The payer's browser on the return URL, with what PayPal appends to it."""
    return client.get(
        f"/payments/paypal/return/{payment.public_id}/?next={back}&token={ORDER}&PayerID=QYR5Z8XDVJNXQ"
    )
