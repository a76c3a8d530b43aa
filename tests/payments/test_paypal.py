"""PayPal recharges (Orders v2) against recorded exchanges replayed with respx.

The payer's side goes through the real API and pages (recharge, PayPal's return, cancel); PayPal's
answers are the documented examples in tests/payments/recorded/paypal/. Webhooks are posted to
/payments/webhooks/paypal/ with PayPal's transmission headers and verified by the (replayed)
verify-webhook-signature call.
"""

from __future__ import annotations

import httpx
import pytest
import respx
from django_scopes import scopes_disabled
from djmoney.money import Money

from payments.exceptions import GatewayError
from payments.gateways.paypal import PayPalGateway
from payments.gateways.registry import get_gateway, reset_gateway_cache
from payments.models import Entry, Payment, PaymentStatus
from tests.factories import make_member
from tests.payments.conftest import balance
from tests.payments.paypal_fixtures import (  # noqa: F401  (the *_fixture names are fixtures)
    BASE,
    CAPTURE,
    CLIENT_ID,
    CLIENT_SECRET,
    FIRST_TOKEN,
    ORDER,
    USD_25,
    WEBHOOK_ID,
    calls,
    entries_for,
    payment_of,
    paypal_fixture,
    paypal_settings_fixture,
    pending_fixture,
    recorded,
    reloaded,
    return_from_paypal,
    start,
)
from tests.payments.replay import load, response, sent_json

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("verified")]


# --- starting -----------------------------------------------------------------------------------


def test_recharge_creates_an_order_and_sends_the_payer_to_approve_it(paypal, api_for, tenant, buyer):
    started = start(api_for(tenant, buyer))

    assert started.status_code == 201, started.json()
    body = started.json()
    assert body["checkout"]["redirect_url"] == f"https://www.sandbox.paypal.com/checkoutnow?token={ORDER}"
    assert (body["payment"]["status"], body["payment"]["gateway"], body["payment"]["test_mode"]) == (
        "pending",
        "paypal",
        True,
    )
    payment = payment_of(started)
    assert payment.provider_reference == ORDER
    request = paypal["create"].calls.last.request
    sent = sent_json(request)
    reference = str(payment.public_id)
    assert sent["intent"] == "CAPTURE"
    [unit] = sent["purchase_units"]
    assert unit["amount"] == {"currency_code": "USD", "value": "25.00"}
    assert (unit["custom_id"], unit["invoice_id"], unit["reference_id"]) == (reference, reference, reference)
    context = sent["payment_source"]["paypal"]["experience_context"]
    back = "?next=%2Fdashboard%2Fwallet%2F"  # where the trip ends: the page the recharge started on
    assert context["return_url"] == f"http://alpha.localhost/payments/paypal/return/{reference}/{back}"
    assert context["cancel_url"] == f"http://alpha.localhost/payments/cancel/paypal/{reference}/{back}"
    assert request.headers["PayPal-Request-Id"] == f"lyceum-{reference}-create"
    assert request.headers["Authorization"] == FIRST_TOKEN
    token_request = paypal["token"].calls.last.request
    assert token_request.content == b"grant_type=client_credentials"
    assert token_request.headers["Authorization"].startswith("Basic ")
    assert calls("start_payment") == [(True, ORDER, "")]
    assert balance(tenant, buyer) == Money(0, "USD")


@pytest.mark.parametrize(("amount", "value"), [("500", "500"), ("12.5", "12.50")])
def test_amounts_follow_the_currency_decimals(paypal_settings, tenant, amount, value):
    currency = "JPY" if "." not in amount else "EUR"
    payment = Payment(tenant=tenant, amount=Money(amount, currency), refunded=Money(0, currency))

    body = PayPalGateway().order_body(payment, return_url="https://alpha.localhost/dashboard/wallet/")

    assert body["purchase_units"][0]["amount"] == {"currency_code": currency, "value": value}


def test_amounts_paypal_cannot_express_are_refused(paypal_settings, tenant):
    # HUF has two decimals in ISO 4217, none at PayPal.
    payment = Payment(tenant=tenant, amount=Money("1500.50", "HUF"), refunded=Money(0, "HUF"))

    with pytest.raises(GatewayError, match="HUF takes 0 decimal places"):
        PayPalGateway().order_body(payment, return_url="https://alpha.localhost/")


# --- the payer's return ---------------------------------------------------------------------------


def test_return_captures_and_credits_the_wallet_once(pending, paypal, tenant, buyer):
    client, payment = pending
    capture = recorded(paypal, "paypal/capture_completed", payment)

    answer = return_from_paypal(client, payment)

    assert answer.status_code == 302
    assert answer["Location"] == f"/dashboard/wallet/?payment={payment.public_id}"
    assert reloaded(payment).status == PaymentStatus.SUCCEEDED
    assert balance(tenant, buyer) == USD_25
    assert entries_for(payment) == ["recharge"]
    request = capture.calls.last.request
    assert request.headers["PayPal-Request-Id"] == f"lyceum-{payment.public_id}-capture"
    assert request.headers["Prefer"] == "return=representation"
    assert calls("capture") == [(True, CAPTURE, "succeeded")]

    # Reloading the return page captures nothing more.
    assert return_from_paypal(client, payment).status_code == 302
    assert capture.call_count == 1
    assert balance(tenant, buyer) == USD_25


def test_already_captured_order_counts_as_success(pending, paypal, tenant, buyer):
    client, payment = pending
    recorded(paypal, "paypal/capture_already_captured", payment)
    lookup = recorded(paypal, "paypal/get_order_completed", payment)

    return_from_paypal(client, payment)

    assert lookup.call_count == 1
    assert reloaded(payment).status == PaymentStatus.SUCCEEDED
    assert balance(tenant, buyer) == USD_25
    assert entries_for(payment) == ["recharge"]


def test_declined_capture_fails_the_payment_and_credits_nothing(pending, paypal, tenant, buyer):
    client, payment = pending
    recorded(paypal, "paypal/capture_declined", payment)

    answer = return_from_paypal(client, payment)

    assert answer.status_code == 302
    payment = reloaded(payment)
    assert payment.status == PaymentStatus.FAILED
    assert (
        payment.failure_message == "PayPal declined the chosen way to pay. Please try again with another one."
    )
    assert balance(tenant, buyer) == Money(0, "USD")
    assert entries_for(payment) == []
    status = client.get(f"/api/v1/wallet/payments/{payment.public_id}/").json()
    assert status["status"] == "failed"


def test_the_return_ends_where_the_payment_started_and_never_off_site(pending, paypal, tenant):
    client, payment = pending
    recorded(paypal, "paypal/capture_completed", payment)

    billing = return_from_paypal(client, payment, back="%2Fcms%2Fbilling%2F")
    elsewhere = return_from_paypal(client, payment, back="https%3A%2F%2Fevil.example%2F")

    assert billing["Location"] == f"/cms/billing/?payment={payment.public_id}"
    assert elsewhere["Location"] == f"/dashboard/wallet/?payment={payment.public_id}"


def test_a_return_with_another_order_id_captures_nothing(pending, paypal, tenant, buyer):
    client, payment = pending
    capture = recorded(paypal, "paypal/capture_completed", payment)

    client.get(f"/payments/paypal/return/{payment.public_id}/?token=8XY12345AB678901C")

    assert capture.call_count == 0
    assert reloaded(payment).status == PaymentStatus.PENDING


def test_only_the_payer_may_use_the_return_page(pending, paypal, api_for, tenant):
    _client, payment = pending
    stranger = make_member(tenant, handle="stranger", email="stranger@example.com")

    answer = return_from_paypal(api_for(tenant, stranger), payment)

    assert answer.status_code == 404
    assert reloaded(payment).status == PaymentStatus.PENDING


def test_cancel_fails_the_payment_but_a_late_approval_still_credits(pending, paypal, tenant, buyer):
    client, payment = pending

    answer = client.get(f"/payments/cancel/paypal/{payment.public_id}/?token={ORDER}")

    assert answer.status_code == 302
    payment = reloaded(payment)
    assert (payment.status, payment.failure_message) == (PaymentStatus.FAILED, "You canceled the payment.")
    # The payer went back to PayPal and approved after all: captured and credited.
    recorded(paypal, "paypal/capture_completed", payment)
    return_from_paypal(client, payment)
    assert reloaded(payment).status == PaymentStatus.SUCCEEDED
    assert balance(tenant, buyer) == USD_25


# --- tokens and failures ------------------------------------------------------------------------


def test_an_expired_token_is_renewed_before_the_next_call(paypal, api_for, tenant, buyer):
    short = load("paypal/oauth_token")
    short["response"]["json"]["expires_in"] = 60  # gone once the renewal margin is taken off
    renewed = load("paypal/oauth_token_renewed")
    paypal["token"].mock(side_effect=[response(short), response(renewed)])
    client = api_for(tenant, buyer)
    payment = payment_of(start(client))
    capture = recorded(paypal, "paypal/capture_completed", payment)

    return_from_paypal(client, payment)

    assert paypal["token"].call_count == 2
    new_token = renewed["response"]["json"]["access_token"]
    assert capture.calls.last.request.headers["Authorization"] == f"Bearer {new_token}"
    assert reloaded(payment).status == PaymentStatus.SUCCEEDED


def test_a_revoked_token_is_renewed_and_the_same_request_sent_again(pending, paypal, tenant, buyer):
    client, payment = pending
    renewed = load("paypal/oauth_token_renewed")
    paypal["token"].mock(return_value=response(renewed))
    rejected = response(load("paypal/token_rejected"))
    completed = response(load("paypal/capture_completed", payment_id=str(payment.public_id)))
    capture = paypal.post(f"/v2/checkout/orders/{ORDER}/capture").mock(side_effect=[rejected, completed])

    return_from_paypal(client, payment)

    first, second = (call.request for call in capture.calls)
    assert first.headers["Authorization"] == FIRST_TOKEN
    assert second.headers["Authorization"] == "Bearer " + renewed["response"]["json"]["access_token"]
    assert first.headers["PayPal-Request-Id"] == second.headers["PayPal-Request-Id"]
    assert balance(tenant, buyer) == USD_25


def test_timeouts_give_a_clear_error_and_write_nothing_twice(paypal, api_for, tenant, buyer):
    paypal["create"].mock(side_effect=httpx.ReadTimeout("timed out"))

    answer = start(api_for(tenant, buyer), HTTP_IDEMPOTENCY_KEY="recharge-1")

    assert answer.status_code == 502
    assert answer.json()["error"] == {
        "code": "gateway_error",
        "message": "PayPal could not be reached. Please try again in a few minutes.",
        "fields": {},
    }
    # Tried twice as one request: PayPal would have answered the second with the first's order.
    ids = {call.request.headers["PayPal-Request-Id"] for call in paypal["create"].calls}
    assert paypal["create"].call_count == 2 and len(ids) == 1
    with scopes_disabled():
        payment = Payment.objects.get()
        assert not Entry.objects.exists()
    assert (payment.status, payment.provider_reference) == (PaymentStatus.FAILED, "")
    assert calls("start_payment") == [
        (False, "", "PayPal could not be reached. Please try again in a few minutes.")
    ]


def test_a_capture_timeout_keeps_the_payment_pending_until_paypal_answers(pending, paypal, tenant, buyer):
    client, payment = pending
    capture = paypal.post(f"/v2/checkout/orders/{ORDER}/capture").mock(side_effect=httpx.ConnectTimeout("no"))

    answer = return_from_paypal(client, payment)

    assert answer.status_code == 302
    assert reloaded(payment).status == PaymentStatus.PENDING
    assert calls("capture") == [
        (False, ORDER, "PayPal could not be reached. Please try again in a few minutes.")
    ]
    assert balance(tenant, buyer) == Money(0, "USD")
    # PayPal is back: the next return captures once, with the same request id.
    capture.mock(
        side_effect=None,
        return_value=response(load("paypal/capture_completed", payment_id=str(payment.public_id))),
    )
    return_from_paypal(client, payment)
    assert len({call.request.headers["PayPal-Request-Id"] for call in capture.calls}) == 1
    assert balance(tenant, buyer) == USD_25
    assert entries_for(payment) == ["recharge"]


def test_refused_credentials_give_a_readable_error_without_the_secret(paypal, api_for, tenant, buyer):
    paypal["token"].mock(
        return_value=httpx.Response(
            401, json={"error": "invalid_client", "error_description": "Client Authentication failed"}
        )
    )

    answer = start(api_for(tenant, buyer))

    assert answer.status_code == 502
    assert "refused the platform's credentials" in answer.json()["error"]["message"]
    assert CLIENT_SECRET not in answer.content.decode()


# --- settings -----------------------------------------------------------------------------------


def test_not_configured_without_all_three_keys(paypal_settings, api_for, tenant, buyer):
    paypal_settings.PAYPAL_WEBHOOK_ID = ""
    reset_gateway_cache()

    assert not get_gateway("paypal").configured
    with respx.mock(base_url=BASE) as router:  # nothing may reach PayPal
        answer = start(api_for(tenant, buyer))
    assert not router.calls
    assert answer.status_code == 502
    assert answer.json()["error"]["message"] == "Payments with PayPal are not set up on this platform."


def test_settings_view_masks_the_secret(paypal_settings):
    view = get_gateway("paypal").settings_view()

    assert (view.name, view.label, view.configured, view.test_mode) == ("paypal", "PayPal", True, True)
    assert view.values["client_secret"] == "EGnHDxD…ZRbL"
    assert CLIENT_SECRET not in repr(view)
    assert (view.values["client_id"], view.values["webhook_id"]) == (CLIENT_ID, WEBHOOK_ID)


@pytest.mark.parametrize(
    ("base", "test_mode"),
    [
        ("https://api-m.sandbox.paypal.com", True),
        ("https://api-m.paypal.com", False),
        ("https://api.paypal.com/", False),
        ("http://127.0.0.1:8765", True),
    ],
)
def test_test_mode_follows_the_api_base(settings, base, test_mode):
    settings.PAYPAL_API_BASE = base
    assert PayPalGateway().test_mode is test_mode
