"""PayPal webhooks and refunds against recorded exchanges replayed with respx.

Webhooks are posted to /payments/webhooks/paypal/ with PayPal's transmission headers and accepted
only when the (replayed) verify-webhook-signature call answers SUCCESS for the bytes received.
"""

from __future__ import annotations

import json

import pytest
from django_scopes import scopes_disabled
from djmoney.money import Money

from payments.models import PaymentStatus, WebhookEvent
from payments.services.gateway_payments import refund_payment
from tests.payments.conftest import balance
from tests.payments.paypal_fixtures import (  # noqa: F401  (the *_fixture names are fixtures)
    CAPTURE,
    USD_25,
    WEBHOOK_ID,
    calls,
    deliver,
    entries_for,
    paypal_fixture,
    paypal_settings_fixture,
    pending_fixture,
    recorded,
    reloaded,
    return_from_paypal,
)
from tests.payments.replay import load, sent_json, webhook_body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("verified")]


# --- webhooks -----------------------------------------------------------------------------------


def test_verified_webhook_credits_once_though_repeated_and_returned(pending, paypal, tenant, buyer):
    client, payment = pending
    verify = recorded(paypal, "paypal/verify_success", payment)
    capture = recorded(paypal, "paypal/capture_completed", payment)
    event = load("paypal/webhook_capture_completed", payment_id=str(payment.public_id))
    body = webhook_body(event)

    answers = [deliver(tenant, event, body=body) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert answers[0].json()["outcome"] == "pending → succeeded"
    assert balance(tenant, buyer) == USD_25
    # The event went back to PayPal byte for byte, with our webhook id and its transmission headers.
    sent = verify.calls.last.request.content
    assert sent.endswith(b'"webhook_event": ' + body + b"}")
    check = json.loads(sent)
    assert check["webhook_id"] == WEBHOOK_ID
    assert check["transmission_id"] == event["request"]["headers"]["PAYPAL-TRANSMISSION-ID"]
    assert check["auth_algo"] == "SHA256withRSA"
    # The payer's browser comes back afterwards: nothing is captured or credited again.
    return_from_paypal(client, payment)
    assert capture.call_count == 0
    assert balance(tenant, buyer) == USD_25
    assert entries_for(payment) == ["recharge"]
    with scopes_disabled():
        stored = WebhookEvent.objects.get(provider="paypal")
    assert (stored.event_type, stored.payment, stored.tenant) == (
        "PAYMENT.CAPTURE.COMPLETED",
        payment,
        tenant,
    )


def test_approved_webhook_captures_when_the_payer_never_returns(pending, paypal, tenant, buyer):
    client, payment = pending
    recorded(paypal, "paypal/verify_success", payment)
    capture = recorded(paypal, "paypal/capture_completed", payment)

    approved = deliver(tenant, load("paypal/webhook_order_approved", payment_id=str(payment.public_id)))

    assert approved.json()["outcome"] == "pending → succeeded"
    assert capture.call_count == 1
    assert balance(tenant, buyer) == USD_25
    completed = deliver(tenant, load("paypal/webhook_capture_completed", payment_id=str(payment.public_id)))
    assert completed.json()["outcome"] == "ignored: payment already succeeded"
    return_from_paypal(client, payment)
    assert capture.call_count == 1
    assert entries_for(payment) == ["recharge"]


def test_denied_capture_webhook_fails_the_payment(pending, paypal, tenant, buyer):
    _client, payment = pending
    recorded(paypal, "paypal/verify_success", payment)

    answer = deliver(tenant, load("paypal/webhook_capture_denied", payment_id=str(payment.public_id)))

    assert answer.json()["outcome"] == "pending → failed"
    assert reloaded(payment).failure_message == "PayPal declined the payment."
    assert balance(tenant, buyer) == Money(0, "USD")


def test_unverified_webhooks_are_rejected_and_change_nothing(pending, paypal, tenant, buyer):
    _client, payment = pending
    verify = recorded(paypal, "paypal/verify_failure", payment)
    event = load("paypal/webhook_capture_completed", payment_id=str(payment.public_id))

    refused = deliver(tenant, event)
    no_headers = deliver(tenant, event, headers={})
    not_json = deliver(tenant, event, body=b"not json")

    for answer in (refused, no_headers, not_json):
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "invalid_webhook"
    assert refused.json()["error"]["message"] == "Invalid webhook: PayPal did not confirm the signature."
    assert verify.call_count == 1  # the other two never reached PayPal
    assert calls("verify_webhook") == [(False, event["request"]["json"]["id"], "FAILURE")]
    with scopes_disabled():
        assert not WebhookEvent.objects.exists()
    assert reloaded(payment).status == PaymentStatus.PENDING
    assert balance(tenant, buyer) == Money(0, "USD")


def test_refund_made_in_paypal_reaches_the_wallet_once(pending, paypal, tenant, buyer):
    client, payment = pending
    recorded(paypal, "paypal/capture_completed", payment)
    recorded(paypal, "paypal/verify_success", payment)
    lookup = recorded(paypal, "paypal/get_capture", payment)
    return_from_paypal(client, payment)
    event = load("paypal/webhook_capture_refunded")  # made in PayPal's dashboard: no custom_id

    first = deliver(tenant, event)
    again = deliver(tenant, event)

    assert first.json()["outcome"] == "succeeded → partially_refunded"
    assert again.status_code == 200
    assert lookup.called  # the refund named only its capture, which names the order
    payment = reloaded(payment)
    assert (payment.status, payment.refunded) == (PaymentStatus.PARTIALLY_REFUNDED, Money("10.00", "USD"))
    assert balance(tenant, buyer) == Money("15.00", "USD")
    assert entries_for(payment) == ["recharge", "gateway_refund"]


# --- refunds ------------------------------------------------------------------------------------


def test_refund_goes_back_through_the_capture_and_debits_the_wallet(pending, paypal, tenant, buyer):
    client, payment = pending
    recorded(paypal, "paypal/capture_completed", payment)
    return_from_paypal(client, payment)
    recorded(paypal, "paypal/get_order_completed", payment)
    refund = recorded(paypal, "paypal/refund_completed", payment)

    refunded = refund_payment(reloaded(payment), amount=None, actor=buyer)

    assert (refunded.status, refunded.refunded) == (PaymentStatus.REFUNDED, USD_25)
    assert balance(tenant, buyer) == Money(0, "USD")
    assert entries_for(payment) == ["recharge", "gateway_refund"]
    request = refund.calls.last.request
    assert sent_json(request)["amount"] == {"currency_code": "USD", "value": "25.00"}
    assert sent_json(request)["custom_id"] == str(payment.public_id)
    assert request.headers["PayPal-Request-Id"] == f"lyceum-{payment.public_id}-refund-0-2500"
    assert calls("refund") == [(True, "1JU08902781691411", "")]
