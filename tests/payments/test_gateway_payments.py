"""The Payment state machine through signed gateway events (the test gateway's)."""

from __future__ import annotations

import pytest
from django.test import Client
from django_scopes import scope
from djmoney.money import Money

from payments.gateways import test as test_gateway
from payments.gateways.base import Outcome
from payments.models import PaymentStatus, WebhookEvent
from payments.services.gateway_payments import start_recharge
from tests.payments.conftest import balance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("verified")]


def deliver(client: Client, payment, outcome: Outcome, message: str = ""):
    body = test_gateway.event_body(payment, outcome, message=message)
    return client.post(
        "/payments/webhooks/test/",
        data=body,
        content_type="application/json",
        HTTP_X_LYCEUM_TEST_SIGNATURE=test_gateway.sign(body),
    )


@pytest.fixture
def pending(tenant, buyer):
    payment, _ = start_recharge(
        tenant=tenant, user=buyer, amount=Money("20", "USD"), gateway_name="test", return_url="/"
    )
    return payment


def test_webhooks_arrive_on_the_platform_host_without_a_tenant(pending, tenant, buyer):
    response = deliver(Client(HTTP_HOST="nobody.localhost"), pending, Outcome.SUCCEEDED)
    assert response.status_code == 200, response.content
    assert balance(tenant, buyer) == Money("20", "USD")


def test_a_failed_attempt_followed_by_a_success_credits_once(pending, tenant, buyer):
    client = Client(HTTP_HOST=tenant.hostname)
    deliver(client, pending, Outcome.FAILED, "Your card was declined.")
    with scope(tenant=tenant):
        pending.refresh_from_db()
    assert pending.status == PaymentStatus.FAILED
    deliver(client, pending, Outcome.SUCCEEDED)
    deliver(client, pending, Outcome.SUCCEEDED)
    with scope(tenant=tenant):
        pending.refresh_from_db()
    assert pending.status == PaymentStatus.SUCCEEDED
    assert balance(tenant, buyer) == Money("20", "USD")
    # A late failure does not undo a success.
    deliver(client, pending, Outcome.FAILED, "late")
    with scope(tenant=tenant):
        pending.refresh_from_db()
    assert pending.status == PaymentStatus.SUCCEEDED


def test_forged_test_gateway_event_is_refused(pending, tenant, buyer):
    body = test_gateway.event_body(pending, Outcome.SUCCEEDED)
    response = Client(HTTP_HOST=tenant.hostname).post(
        "/payments/webhooks/test/",
        data=body,
        content_type="application/json",
        HTTP_X_LYCEUM_TEST_SIGNATURE="0" * 64,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_webhook"
    assert balance(tenant, buyer) == Money("0", "USD")
    assert not WebhookEvent.objects.exists()


def test_event_for_an_unknown_payment_is_stored_and_ignored(pending, tenant, buyer):
    pending.provider_reference = "test_pay_unknown"
    response = deliver(Client(HTTP_HOST=tenant.hostname), pending, Outcome.SUCCEEDED)
    assert response.json()["outcome"] == "ignored: unknown payment"
    assert balance(tenant, buyer) == Money("0", "USD")
