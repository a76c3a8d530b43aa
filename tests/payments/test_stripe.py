"""Stripe recharges against localstripe, a real local Stripe API double, over real HTTP.

The payer's side (what Stripe.js does in the browser) is driven with the real `stripe` SDK; the
outcome reaches the platform the way it does in production: localstripe POSTs a signed event to
the live server's /payments/webhooks/stripe/.
"""

from __future__ import annotations

import json
import time

import pytest
import requests
import stripe
from django_scopes import scopes_disabled
from djmoney.money import Money

from payments.exceptions import GatewayError
from payments.gateways.registry import get_gateway, reset_gateway_cache
from payments.gateways.stripe import StripeGateway
from payments.models import Entry, GatewayCall, Payment, PaymentStatus, WebhookEvent
from payments.services.gateway_payments import refund_payment, start_recharge
from tests.conftest import free_port
from tests.factories import make_member
from tests.payments.conftest import balance
from tests.payments.stripe_fixtures import (  # noqa: F401  (the *_fixture names are fixtures)
    PUBLISHABLE_KEY,
    WEBHOOK_SECRET,
    event_body,
    localstripe_fixture,
    payer_fixture,
    shop_fixture,
    sign,
    stripe_double_fixture,
    stripe_settings_fixture,
    wait_for,
    webhook_url_fixture,
)

RETURN_URL = "http://localhost/wallet/"
USD_25 = Money("25.00", "USD")


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


def recharge(tenant, user, amount: Money = USD_25):
    return start_recharge(
        tenant=tenant, user=user, amount=amount, gateway_name="stripe", return_url=RETURN_URL
    )


def pay_with(client: stripe.StripeClient, intent_id: str, payment_method: str):
    """Confirm the intent with a card, as the Payment Element does once the payer submits it.

    localstripe answers `confirm` with a payment_method 500 "Not implemented", so the card is
    attached first and the intent confirmed after, which is the same state change.
    """
    client.v1.payment_intents.update(intent_id, params={"payment_method": payment_method})
    return client.v1.payment_intents.confirm(intent_id)


def wait_for_status(payment: Payment, status: PaymentStatus) -> Payment:
    return wait_for(
        lambda: (fresh := reloaded(payment)).status == status and fresh,
        what=f"localstripe's webhook to make the payment {status}",
    )


def post_event(url: str, body: str, signature: str | None) -> requests.Response:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return requests.post(url, data=body.encode(), headers=headers, timeout=10)


def succeeded_recharge(stripe_double, shop, payer) -> Payment:
    payment, _checkout = recharge(shop, payer)
    pay_with(stripe_double.client(), payment.provider_reference, "pm_card_visa")
    return wait_for_status(payment, PaymentStatus.SUCCEEDED)


def test_recharge_with_a_good_card_credits_the_wallet_once(stripe_double, shop, payer, verified):
    payment, checkout = recharge(shop, payer)

    assert payment.status == PaymentStatus.PENDING
    assert payment.test_mode
    assert checkout.provider_reference == payment.provider_reference
    assert checkout.provider_reference.startswith("pi_")
    assert checkout.client_secret.startswith(checkout.provider_reference + "_secret_")
    assert checkout.publishable_key == PUBLISHABLE_KEY
    assert checkout.redirect_url is None
    intent = stripe_double.client().v1.payment_intents.retrieve(payment.provider_reference)
    assert (intent.amount, intent.currency) == (2500, "usd")
    assert intent.metadata.to_dict() == {"payment": str(payment.public_id), "tenant": "local"}
    assert balance(shop, payer) == Money(0, "USD")

    confirmed = pay_with(stripe_double.client(), payment.provider_reference, "pm_card_visa")
    assert confirmed.status == "succeeded"

    payment = wait_for_status(payment, PaymentStatus.SUCCEEDED)
    assert balance(shop, payer) == USD_25
    assert entries_for(payment) == ["recharge"]
    with scopes_disabled():
        event = WebhookEvent.objects.get(provider="stripe")
    assert (event.event_type, event.payment, event.tenant) == ("payment_intent.succeeded", payment, shop)
    assert event.outcome == "pending → succeeded"
    assert event.payload["data"]["object"]["id"] == payment.provider_reference


def test_zero_decimal_currency_is_sent_in_whole_units(stripe_double, shop, payer):
    payment, _checkout = recharge(shop, payer, Money("500", "JPY"))

    intent = stripe_double.client().v1.payment_intents.retrieve(payment.provider_reference)
    assert (intent.amount, intent.currency) == (500, "jpy")


def test_declined_card_fails_the_payment_and_credits_nothing(stripe_double, shop, payer, verified):
    payment, _checkout = recharge(shop, payer)

    # What the payer sees on the page: Stripe.js gets the card error back from confirm.
    with pytest.raises(stripe.CardError) as declined:
        pay_with(stripe_double.client(), payment.provider_reference, "pm_card_chargeCustomerFail")
    assert declined.value.user_message == "Your card was declined."
    assert declined.value.code == "card_declined"

    # localstripe also sends payment_intent.payment_failed, which records why.
    payment = wait_for_status(payment, PaymentStatus.FAILED)
    assert payment.failure_message == "Your card was declined."
    assert balance(shop, payer) == Money(0, "USD")
    assert entries_for(payment) == []
    with scopes_disabled():
        assert list(WebhookEvent.objects.values_list("event_type", "outcome")) == [
            ("payment_intent.payment_failed", "pending → failed")
        ]


def test_replayed_event_credits_the_wallet_once(stripe_double, webhook_url, shop, payer, verified):
    payment = succeeded_recharge(stripe_double, shop, payer)
    # The very event localstripe delivered, sent again as Stripe does when it retries.
    [event] = stripe_double.client().v1.events.list(params={"type": "payment_intent.succeeded"}).data
    body = json.dumps(event.to_dict(), indent=2, sort_keys=True)

    answers = [post_event(webhook_url, body, sign(body)) for _ in range(10)]

    assert [answer.status_code for answer in answers] == [200] * 10
    assert all(answer.json()["received"] is True for answer in answers)
    assert balance(shop, payer) == USD_25
    assert entries_for(payment) == ["recharge"]
    assert reloaded(payment).status == PaymentStatus.SUCCEEDED
    with scopes_disabled():
        assert WebhookEvent.objects.filter(provider="stripe", event_id=event.id).count() == 1


def test_forged_events_are_rejected_and_change_nothing(stripe_double, webhook_url, shop, payer, verified):
    # A real succeeded event for a real pending payment: what a forger would want accepted.
    stripe_double.send_webhooks_to(webhook_url, events=[])
    payment, _checkout = recharge(shop, payer)
    pay_with(stripe_double.client(), payment.provider_reference, "pm_card_visa")
    [event] = stripe_double.client().v1.events.list(params={"type": "payment_intent.succeeded"}).data
    body = json.dumps(event.to_dict(), indent=2, sort_keys=True)
    tampered = body.replace('"amount": 2500', '"amount": 9999')
    assert tampered != body
    forgeries = {
        "wrong secret": (body, sign(body, secret="whsec_guessed")),
        "tampered body": (tampered, sign(body)),
        "no signature": (body, None),
        "not a signature": (body, "v1=deadbeef"),
        # A captured event replayed after Stripe's 5-minute tolerance.
        "stale timestamp": (body, sign(body, timestamp=int(time.time()) - 600)),
    }

    for forgery, (sent, signature) in forgeries.items():
        answer = post_event(webhook_url, sent, signature)

        assert answer.status_code == 400, forgery
        error = answer.json()["error"]
        assert error["code"] == "invalid_webhook", forgery
        assert error["message"].startswith("Invalid webhook: "), forgery
        assert error["fields"] == {}, forgery
        assert WEBHOOK_SECRET not in answer.text
        with scopes_disabled():
            assert not WebhookEvent.objects.exists(), forgery
        assert reloaded(payment).status == PaymentStatus.PENDING, forgery
        assert balance(shop, payer) == Money(0, "USD"), forgery


def test_full_refund_goes_back_to_the_card_and_debits_the_wallet(
    stripe_double, webhook_url, shop, payer, verified
):
    payment = succeeded_recharge(stripe_double, shop, payer)
    client = stripe_double.client()

    refunded = refund_payment(payment, amount=None, actor=payer)

    assert refunded.status == PaymentStatus.REFUNDED
    assert refunded.refunded == USD_25
    assert balance(shop, payer) == Money(0, "USD")
    assert entries_for(payment) == ["recharge", "gateway_refund"]
    intent = client.v1.payment_intents.retrieve(payment.provider_reference)
    charge = client.v1.charges.retrieve(intent.latest_charge.id)
    assert charge.amount_refunded == 2500  # what the payer sees on the card
    with scopes_disabled():
        call = GatewayCall.objects.get(operation="refund")
    assert call.succeeded and call.provider_reference.startswith("re_")

    # localstripe sends no charge.refunded; Stripe does. Built around the real charge, it changes nothing.
    body = event_body("charge.refunded", charge.to_dict())
    answer = post_event(webhook_url, body, sign(body))

    assert answer.status_code == 200
    assert answer.json()["outcome"] == "ignored: payment already refunded"
    assert balance(shop, payer) == Money(0, "USD")
    assert entries_for(payment) == ["recharge", "gateway_refund"]
    assert reloaded(payment).status == PaymentStatus.REFUNDED


def test_refund_made_at_stripe_reaches_the_wallet_by_webhook(
    stripe_double, webhook_url, shop, payer, verified
):
    payment = succeeded_recharge(stripe_double, shop, payer)
    client = stripe_double.client()
    partly = refund_payment(payment, amount=Money("10.00", "USD"), actor=payer)
    assert partly.status == PaymentStatus.PARTIALLY_REFUNDED
    assert balance(shop, payer) == Money("15.00", "USD")

    # The rest refunded in Stripe's dashboard; Stripe then sends charge.refunded.
    refund = client.v1.refunds.create(params={"payment_intent": payment.provider_reference, "amount": 1500})
    charge = client.v1.charges.retrieve(refund.charge)
    assert charge.amount_refunded == 2500
    body = event_body("charge.refunded", charge.to_dict())
    answer = post_event(webhook_url, body, sign(body))

    assert answer.status_code == 200
    assert answer.json()["outcome"] == "partially_refunded → refunded"
    assert balance(shop, payer) == Money(0, "USD")
    payment = reloaded(payment)
    assert (payment.status, payment.refunded) == (PaymentStatus.REFUNDED, USD_25)
    assert entries_for(payment) == ["recharge", "gateway_refund", "gateway_refund"]
    assert post_event(webhook_url, body, sign(body)).status_code == 200
    assert balance(shop, payer) == Money(0, "USD")


def test_canceled_intent_cancels_the_payment(stripe_double, webhook_url, shop, payer, verified):
    payment, _checkout = recharge(shop, payer)
    intent = stripe_double.client().v1.payment_intents.cancel(payment.provider_reference)
    assert intent.status == "canceled"

    # localstripe sends no payment_intent.canceled; Stripe does, with the canceled intent.
    body = event_body("payment_intent.canceled", intent.to_dict())
    answer = post_event(webhook_url, body, sign(body))

    assert answer.status_code == 200
    payment = reloaded(payment)
    assert (payment.status, payment.failure_message) == (PaymentStatus.CANCELED, "The payment was canceled.")
    assert balance(shop, payer) == Money(0, "USD")


def test_other_stripe_events_are_stored_and_ignored(stripe_double, webhook_url, shop, payer, verified):
    payment = succeeded_recharge(stripe_double, shop, payer)
    intent = stripe_double.client().v1.payment_intents.retrieve(payment.provider_reference)
    body = event_body("charge.succeeded", intent.latest_charge.to_dict())

    answer = post_event(webhook_url, body, sign(body))

    assert answer.status_code == 200
    assert answer.json()["outcome"] == "ignored: charge.succeeded"
    with scopes_disabled():
        stored = WebhookEvent.objects.get(event_type="charge.succeeded")
    assert stored.payment == payment
    assert balance(shop, payer) == USD_25


@pytest.mark.django_db
def test_stripe_unreachable_fails_the_recharge_clearly(stripe_settings, tenant, verified):
    user = make_member(tenant, handle="payer", email="payer@example.com")
    stripe_settings(f"http://127.0.0.1:{free_port()}")  # nothing listens there

    with pytest.raises(GatewayError) as failed:
        recharge(tenant, user)

    message = failed.value.message
    assert message == "Stripe could not be reached. Please try again in a few minutes."
    with scopes_disabled():
        payment = Payment.objects.get()
        call = GatewayCall.objects.get()
        assert not Entry.objects.exists()
    assert (payment.status, payment.failure_message, payment.provider_reference) == (
        PaymentStatus.FAILED,
        message,
        "",
    )
    assert (call.operation, call.succeeded, call.detail) == ("start_payment", False, message)
    assert balance(tenant, user) == Money(0, "USD")


def test_refund_while_stripe_is_unreachable_moves_nothing(
    stripe_double, stripe_settings, shop, payer, verified
):
    payment = succeeded_recharge(stripe_double, shop, payer)
    stripe_settings(f"http://127.0.0.1:{free_port()}")

    with pytest.raises(GatewayError, match="Stripe could not be reached"):
        refund_payment(payment, amount=None, actor=payer)

    assert balance(shop, payer) == USD_25
    payment = reloaded(payment)
    assert (payment.status, payment.refunded) == (PaymentStatus.SUCCEEDED, Money(0, "USD"))
    assert entries_for(payment) == ["recharge"]


def test_refund_stripe_refuses_moves_nothing(stripe_double, shop, payer, verified):
    payment = succeeded_recharge(stripe_double, shop, payer)
    stripe_double.reset()  # Stripe no longer knows the PaymentIntent

    with pytest.raises(GatewayError) as refused:
        refund_payment(payment, amount=None, actor=payer)

    assert refused.value.message == "Stripe refused to refund the payment: Not Found."
    assert balance(shop, payer) == USD_25
    assert reloaded(payment).status == PaymentStatus.SUCCEEDED
    assert entries_for(payment) == ["recharge"]


@pytest.mark.django_db
def test_refused_credentials_give_a_readable_error_without_the_key(
    localstripe, stripe_settings, settings, tenant, verified
):
    stripe_settings(localstripe.url)
    settings.STRIPE_SECRET_KEY = "not_a_stripe_key_but_secret"  # localstripe refuses keys not sk_…
    reset_gateway_cache()
    user = make_member(tenant, handle="payer", email="payer@example.com")

    with pytest.raises(GatewayError) as failed:
        recharge(tenant, user)

    assert "refused the platform's credentials" in failed.value.message
    assert "not_a_stripe_key_but_secret" not in failed.value.message
    with scopes_disabled():
        assert Payment.objects.get().status == PaymentStatus.FAILED


@pytest.mark.django_db
def test_intents_for_stripe_itself_carry_a_description(settings, tenant):
    settings.STRIPE_SECRET_KEY = "sk_test_lyceum"
    settings.STRIPE_API_BASE = ""
    payment = Payment(tenant=tenant, amount=Money("12.34", "EUR"), refunded=Money(0, "EUR"))

    params = StripeGateway().intent_params(payment)

    assert params == {
        "amount": 1234,
        "currency": "eur",
        "payment_method_types": ["card"],
        "metadata": {"payment": str(payment.public_id), "tenant": "alpha"},
        "description": "Wallet recharge on Alpha Academy",
    }


def test_settings_view_masks_secrets(stripe_settings):
    stripe_settings("http://127.0.0.1:9")
    gateway = get_gateway("stripe")

    view = gateway.settings_view()

    assert (view.name, view.label, view.configured, view.test_mode) == ("stripe", "Stripe", True, True)
    assert view.values["secret_key"] == "…um"
    assert view.values["webhook_secret"] == "whsec_l…cdef"
    assert view.values["publishable_key"] == PUBLISHABLE_KEY
    assert "lyceum_test_0123" not in repr(view)


def test_not_configured_without_a_secret_key(stripe_settings, settings):
    stripe_settings("")
    settings.STRIPE_SECRET_KEY = ""
    reset_gateway_cache()
    gateway = get_gateway("stripe")

    assert not gateway.configured
    assert not gateway.settings_view().configured
    with pytest.raises(GatewayError, match="not set up"):
        gateway.client  # noqa: B018


@pytest.mark.parametrize(
    ("key", "api_base", "test_mode"),
    [
        ("sk_test_abc", "", True),
        ("sk_live_abc", "", False),
        ("sk_live_abc", "http://127.0.0.1:8420", True),
        ("sk_live_abc", "http://localhost:8420", True),
        ("rk_test_abc", "", True),
    ],
)
def test_test_mode_follows_the_key_and_the_api_base(settings, key, api_base, test_mode):
    settings.STRIPE_SECRET_KEY = key
    settings.STRIPE_API_BASE = api_base
    assert StripeGateway().test_mode is test_mode
