"""Authorize.net recharges (Accept Hosted) against recorded exchanges replayed with respx.

Authorize.net's answers are the documented examples in tests/payments/recorded/authorizenet/.
Webhooks are posted to /payments/webhooks/authorizenet/ signed as Authorize.net signs them:
X-ANET-Signature: sha512=<HMAC-SHA512 of the body, uppercase hex>.
"""

from __future__ import annotations

import hashlib
import json
import re

import httpx
import pytest
from django.core.cache import cache
from django_scopes import scopes_disabled
from djmoney.money import Money

from payments.exceptions import GatewayError
from payments.gateways.authorizenet import AuthorizeNetGateway, invoice_number
from payments.gateways.registry import get_gateway
from payments.models import GatewayCall, Payment, PaymentStatus, WebhookEvent
from payments.services.gateway_payments import refund_payment
from tests.payments.authorizenet_fixtures import (  # noqa: F401  (the *_fixture names are fixtures)
    API_URL,
    HOSTED_URL,
    LOGIN_ID,
    REFUND,
    SIGNATURE_KEY,
    TRANS,
    TRANSACTION_KEY,
    USD_25,
    anet_fixture,
    anet_settings_fixture,
    deliver,
    entries_for,
    notification,
    pending_fixture,
    reloaded,
    sign,
    start,
    succeeded_fixture,
)
from tests.payments.conftest import balance
from tests.payments.replay import load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("verified")]


# --- the hosted form ----------------------------------------------------------------------------


def test_recharge_gets_a_form_token_and_a_page_that_posts_it(pending, anet, tenant, buyer):
    client, payment = pending
    pay_page = f"/payments/authorizenet/pay/{payment.public_id}/?next=%2Fdashboard%2Fwallet%2F"
    status = client.get(f"/api/v1/wallet/payments/{payment.public_id}/").json()
    assert status["status"] == "pending"

    assert payment.status == PaymentStatus.PENDING
    assert payment.provider_reference == invoice_number(payment) == payment.public_id.hex[:20]
    [sent] = anet.sent("getHostedPaymentPageRequest")
    assert list(sent) == ["merchantAuthentication", "refId", "transactionRequest", "hostedPaymentSettings"]
    assert sent["merchantAuthentication"] == {"name": LOGIN_ID, "transactionKey": TRANSACTION_KEY}
    transaction = sent["transactionRequest"]
    # Authorize.net reads its JSON in schema order.
    assert list(transaction) == ["transactionType", "amount", "order", "transactionSettings", "userFields"]
    assert (transaction["transactionType"], transaction["amount"]) == ("authCaptureTransaction", "25.00")
    assert transaction["order"]["invoiceNumber"] == sent["refId"] == payment.provider_reference
    assert transaction["userFields"]["userField"] == [
        {"name": "lyceum_payment", "value": str(payment.public_id)}
    ]
    options = {
        item["settingName"]: json.loads(item["settingValue"])
        for item in sent["hostedPaymentSettings"]["setting"]
    }
    back = options["hostedPaymentReturnOptions"]
    assert back["url"] == f"http://alpha.localhost/dashboard/wallet/?payment={payment.public_id}"
    assert back["cancelUrl"] == (
        f"http://alpha.localhost/payments/cancel/authorizenet/{payment.public_id}/?next=%2Fdashboard%2Fwallet%2F"
    )
    assert options["hostedPaymentPaymentOptions"]["showBankAccount"] is False
    with scopes_disabled():
        call = GatewayCall.objects.get(operation="start_payment")
    assert (call.succeeded, call.provider_reference) == (True, payment.provider_reference)

    page = client.get(pay_page)

    assert page.status_code == 200
    html = page.content.decode()
    token = load("authorizenet/hosted_page_token")["response"]["json"]["token"]
    form = re.search(rf'<form method="post" action="{re.escape(HOSTED_URL)}"[^>]*>(.*?)</form>', html, re.S)
    assert form is not None
    assert f'name="token" value="{token}"' in form.group(1)
    assert "csrfmiddlewaretoken" not in form.group(1)  # our CSRF token never goes to another site
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # the CSP allows no inline script
    assert "form-action 'self' https:" in page["Content-Security-Policy"]
    assert f'href="/payments/cancel/authorizenet/{payment.public_id}/?next=%2Fdashboard%2Fwallet%2F"' in html
    assert balance(tenant, buyer) == Money(0, "USD")


def test_the_page_asks_for_a_fresh_token_when_the_first_is_gone(pending, anet):
    client, payment = pending
    cache.clear()

    page = client.get(f"/payments/authorizenet/pay/{payment.public_id}/")

    assert page.status_code == 200
    assert len(anet.sent("getHostedPaymentPageRequest")) == 2


def test_other_currencies_are_refused_before_calling(anet, api_for, tenant, buyer):
    answer = start(api_for(tenant, buyer), currency="EUR")

    assert answer.status_code == 502
    assert answer.json()["error"]["message"] == "Authorize.net takes payments in USD here, not EUR."
    assert anet.requests == []


def test_refused_credentials_give_a_readable_error(anet, api_for, tenant, buyer):
    anet.queue("auth_failed")

    answer = start(api_for(tenant, buyer))

    assert answer.status_code == 502
    assert "refused the platform's credentials" in answer.json()["error"]["message"]
    assert TRANSACTION_KEY not in answer.content.decode()
    with scopes_disabled():
        assert Payment.objects.get().status == PaymentStatus.FAILED


def test_an_unreachable_api_fails_the_recharge_clearly(anet, api_for, tenant, buyer):
    anet.fail("getHostedPaymentPageRequest", httpx.ConnectError("refused"))

    answer = start(api_for(tenant, buyer))

    assert answer.status_code == 502
    assert (
        answer.json()["error"]["message"]
        == "Authorize.net could not be reached. Please try again in a few minutes."
    )
    assert len(anet.sent("getHostedPaymentPageRequest")) == 2  # a token request is safe to repeat
    with scopes_disabled():
        call = GatewayCall.objects.get()
    assert (call.operation, call.succeeded) == ("start_payment", False)


# --- webhooks -----------------------------------------------------------------------------------


def test_signed_webhook_reads_the_transaction_and_credits_once(pending, anet, tenant, buyer):
    _client, payment = pending
    anet.queue("transaction_captured", payment)
    body = notification("webhook_authcapture", payment)

    answers = [deliver(tenant, body) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert answers[0].json()["outcome"] == "pending → succeeded"
    assert anet.sent("getTransactionDetailsRequest")[0]["transId"] == TRANS
    assert reloaded(payment).status == PaymentStatus.SUCCEEDED
    assert balance(tenant, buyer) == USD_25
    assert entries_for(payment) == ["recharge"]
    with scopes_disabled():
        stored = WebhookEvent.objects.get(provider="authorizenet")
        call = GatewayCall.objects.filter(operation="transaction_details").first()
    assert (stored.event_type, stored.payment, stored.tenant) == (
        "net.authorize.payment.authcapture.created",
        payment,
        tenant,
    )
    assert stored.payload["transaction"]["approved"] is True
    assert stored.payload["transaction"]["transId"] == TRANS
    assert stored.payload["notification"]["payload"]["authAmount"] == "25.0"  # kept as text, not a float
    assert (call.provider_reference, call.detail) == (TRANS, "capturedPendingSettlement")


def test_a_signature_made_with_the_key_as_text_verifies_too(pending, anet, tenant, buyer):
    _client, payment = pending
    anet.queue("transaction_captured", payment)
    body = notification("webhook_authcapture", payment)

    answer = deliver(tenant, body, signature=sign(body, key=SIGNATURE_KEY.encode()).lower())

    assert answer.json()["outcome"] == "pending → succeeded"
    assert balance(tenant, buyer) == USD_25


def test_bad_signatures_are_rejected_and_change_nothing(pending, anet, tenant, buyer):
    _client, payment = pending
    body = notification("webhook_authcapture", payment)
    forgeries = {
        "wrong key": sign(body, key=b"guessed"),
        "tampered body": sign(body.replace(b'"responseCode": 1', b'"responseCode": 2')),
        "other scheme": "sha256=" + hashlib.sha256(body).hexdigest(),
        "not a signature": "sha512=deadbeef",
        "no value": "sha512=",
    }

    answers = {forgery: deliver(tenant, body, signature=value) for forgery, value in forgeries.items()}
    answers["missing"] = deliver(tenant, body, signature=None)

    for forgery, answer in answers.items():
        assert answer.status_code == 400, forgery
        assert answer.json()["error"]["code"] == "invalid_webhook", forgery
    assert (
        answers["missing"].json()["error"]["message"] == "Invalid webhook: Missing X-ANET-Signature header."
    )
    assert anet.sent("getTransactionDetailsRequest") == []
    with scopes_disabled():
        assert not WebhookEvent.objects.exists()
    assert reloaded(payment).status == PaymentStatus.PENDING
    assert balance(tenant, buyer) == Money(0, "USD")


def test_declined_transaction_fails_the_payment(pending, anet, tenant, buyer):
    _client, payment = pending
    anet.queue("transaction_declined", payment)

    answer = deliver(tenant, notification("webhook_authcapture_declined", payment))

    assert answer.json()["outcome"] == "pending → failed"
    payment = reloaded(payment)
    assert (payment.status, payment.failure_message) == (
        PaymentStatus.FAILED,
        "This transaction has been declined.",
    )
    assert balance(tenant, buyer) == Money(0, "USD")
    assert entries_for(payment) == []


def test_a_charge_of_another_amount_is_never_credited(pending, anet, tenant, buyer):
    _client, payment = pending
    anet.queue("transaction_captured", payment, authAmount=99, settleAmount=99)

    answer = deliver(tenant, notification("webhook_authcapture", payment))

    assert answer.json()["outcome"] == "pending → failed"
    assert "another amount" in reloaded(payment).failure_message
    assert balance(tenant, buyer) == Money(0, "USD")


def test_cancel_fails_the_payment_but_a_late_charge_still_credits(pending, anet, tenant, buyer):
    client, payment = pending

    client.get(f"/payments/cancel/authorizenet/{payment.public_id}/")

    assert reloaded(payment).failure_message == "You canceled the payment."
    anet.queue("transaction_captured", payment)
    answer = deliver(tenant, notification("webhook_authcapture", payment))
    assert answer.json()["outcome"] == "failed → succeeded"
    assert balance(tenant, buyer) == USD_25


# --- refunds ------------------------------------------------------------------------------------


def test_refund_of_a_settled_transaction(succeeded, anet, tenant, buyer):
    _client, payment = succeeded
    anet.queue("transaction_settled", payment)
    anet.queue("refund_approved", payment)

    refunded = refund_payment(payment, amount=Money("10.00", "USD"), actor=buyer)

    assert (refunded.status, refunded.refunded) == (PaymentStatus.PARTIALLY_REFUNDED, Money("10.00", "USD"))
    assert balance(tenant, buyer) == Money("15.00", "USD")
    assert entries_for(payment) == ["recharge", "gateway_refund"]
    [sent] = anet.sent("createTransactionRequest")
    transaction = sent["transactionRequest"]
    assert transaction["transactionType"] == "refundTransaction"
    assert transaction["amount"] == "10.00"
    assert transaction["payment"] == {"creditCard": {"cardNumber": "1111", "expirationDate": "XXXX"}}
    assert (transaction["refTransId"], transaction["poNumber"]) == (TRANS, "R0-1000")
    assert transaction["transactionSettings"]["setting"] == [
        {"settingName": "duplicateWindow", "settingValue": "28800"}
    ]
    with scopes_disabled():
        call = GatewayCall.objects.get(operation="refund")
    assert (call.succeeded, call.provider_reference) == (True, REFUND)


def test_a_refund_repeated_inside_the_duplicate_window_is_not_paid_twice(succeeded, anet, tenant, buyer):
    _client, payment = succeeded
    anet.queue("transaction_settled", payment)
    anet.queue("transaction_refund", payment)  # the transaction the duplicate answer names
    anet.queue("refund_duplicate", payment)

    refunded = refund_payment(payment, amount=None, actor=buyer)

    assert refunded.status == PaymentStatus.REFUNDED
    assert [body["transId"] for body in anet.sent("getTransactionDetailsRequest")][-2:] == [TRANS, REFUND]
    assert len(anet.sent("createTransactionRequest")) == 1
    assert balance(tenant, buyer) == Money(0, "USD")


def test_void_of_an_unsettled_transaction(succeeded, anet, tenant, buyer):
    _client, payment = succeeded
    anet.queue("transaction_captured", payment)
    anet.queue("void_approved", payment)

    refunded = refund_payment(payment, amount=None, actor=buyer)

    assert (refunded.status, refunded.refunded) == (PaymentStatus.REFUNDED, USD_25)
    assert balance(tenant, buyer) == Money(0, "USD")
    [sent] = anet.sent("createTransactionRequest")
    assert sent["transactionRequest"] == {"transactionType": "voidTransaction", "refTransId": TRANS}
    # Authorize.net then reports the void: nothing moves again.
    anet.answers.clear()
    anet.queue("transaction_captured", payment, transactionStatus="voided")
    answer = deliver(tenant, notification("webhook_void", payment))
    assert answer.json()["outcome"] == "ignored: payment already refunded"
    assert entries_for(payment) == ["recharge", "gateway_refund"]


def test_part_of_an_unsettled_transaction_cannot_be_refunded(succeeded, anet, tenant, buyer):
    _client, payment = succeeded
    anet.queue("transaction_captured", payment)

    with pytest.raises(GatewayError, match="has not settled yet"):
        refund_payment(payment, amount=Money("10.00", "USD"), actor=buyer)

    assert anet.sent("createTransactionRequest") == []
    assert balance(tenant, buyer) == USD_25
    payment = reloaded(payment)
    assert (payment.status, payment.refunded) == (PaymentStatus.SUCCEEDED, Money(0, "USD"))
    with scopes_disabled():
        assert GatewayCall.objects.get(operation="refund").succeeded is False


def test_a_void_made_in_the_merchant_interface_reaches_the_wallet(succeeded, anet, tenant, buyer):
    _client, payment = succeeded
    anet.queue("transaction_captured", payment, transactionStatus="voided")

    answer = deliver(tenant, notification("webhook_void", payment))

    assert answer.json()["outcome"] == "succeeded → refunded"
    assert balance(tenant, buyer) == Money(0, "USD")


# --- settings -----------------------------------------------------------------------------------


def test_settings_view_masks_the_keys(anet_settings):
    view = get_gateway("authorizenet").settings_view()

    assert (view.name, view.label, view.configured, view.test_mode) == (
        "authorizenet",
        "Authorize.net",
        True,
        True,
    )
    assert view.values["transaction_key"] == "346HZ32…hTG2"
    assert view.values["signature_key"] == SIGNATURE_KEY[:7] + "…" + SIGNATURE_KEY[-4:]
    assert TRANSACTION_KEY not in repr(view) and SIGNATURE_KEY not in repr(view)
    assert (view.values["hosted_url"], view.values["currency"]) == (HOSTED_URL, "USD")


@pytest.mark.parametrize(
    "missing", ["AUTHORIZENET_API_LOGIN_ID", "AUTHORIZENET_TRANSACTION_KEY", "AUTHORIZENET_SIGNATURE_KEY"]
)
def test_not_configured_without_every_key(anet_settings, missing):
    setattr(anet_settings, missing, "")
    assert not AuthorizeNetGateway().configured


@pytest.mark.parametrize(
    ("url", "test_mode"),
    [
        (API_URL, True),
        ("https://api.authorize.net/xml/v1/request.api", False),
        ("http://127.0.0.1:9/x", True),
    ],
)
def test_test_mode_follows_the_api_url(settings, url, test_mode):
    settings.AUTHORIZENET_API_URL = url
    assert AuthorizeNetGateway().test_mode is test_mode
