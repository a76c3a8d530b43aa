"""The wallet API: balances, history, recharges, payouts, admin actions, bad input, isolation."""

from __future__ import annotations

import csv
import io

import pytest
from django_scopes import scope
from djmoney.money import Money

from marketplace.roles import Role
from payments.models import Entry, IdempotencyRecord, Payment, Payout, PayoutStatus
from payments.services import payouts
from tests.factories import make_member
from tests.payments.conftest import balance, fund

pytestmark = pytest.mark.django_db


def test_balances_and_history(api_for, tenant, buyer):
    fund(tenant, buyer, "30")
    fund(tenant, buyer, "5", "EUR")
    client = api_for(tenant, buyer)
    assert client.get("/api/v1/wallet/balances/").json() == [
        {
            "currency": "EUR",
            "available": {"amount": "5.00", "currency": "EUR"},
            "held": {"amount": "0.00", "currency": "EUR"},
        },
        {
            "currency": "USD",
            "available": {"amount": "30.00", "currency": "USD"},
            "held": {"amount": "0.00", "currency": "USD"},
        },
    ]
    rows = client.get("/api/v1/wallet/transactions/?currency=usd").json()["results"]
    assert [(r["kind"], r["amount"]) for r in rows] == [("recharge", {"amount": "30.00", "currency": "USD"})]
    assert client.get("/api/v1/wallet/transactions/?kind=sale").json()["count"] == 0


def test_history_csv_export(api_for, tenant, buyer):
    fund(tenant, buyer, "12.5")
    response = api_for(tenant, buyer).get("/api/v1/wallet/transactions/export/")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["date", "kind", "memo", "amount", "currency", "entry"]
    assert rows[1][1:5] == ["Wallet recharge", "", "12.50", "USD"]


def test_recharge_with_the_test_gateway(api_for, tenant, buyer):
    client = api_for(tenant, buyer)
    started = client.post("/api/v1/wallet/recharges/", {"amount": "25.00", "currency": "USD"}, format="json")
    assert started.status_code == 201, started.json()
    body = started.json()
    assert body["payment"]["status"] == "pending" and body["payment"]["test_mode"] is True
    checkout_url = body["checkout"]["redirect_url"]

    page = client.post(checkout_url, {"card_number": "4242 4242 4242 4242"}, format="multipart")
    assert page.status_code == 302
    assert balance(tenant, buyer) == Money("25.00", "USD")
    status = client.get(f"/api/v1/wallet/payments/{body['payment']['id']}/").json()
    assert status["status"] == "succeeded"
    # Submitting the checkout again credits nothing more.
    client.post(checkout_url, {"card_number": "4242424242424242"}, format="multipart")
    assert balance(tenant, buyer) == Money("25.00", "USD")


def test_declined_and_confirmation_cards(api_for, tenant, buyer):
    client = api_for(tenant, buyer)
    declined = client.post("/api/v1/wallet/recharges/", {"amount": "10"}, format="json").json()
    client.post(declined["checkout"]["redirect_url"], {"card_number": "4000000000000002"}, format="multipart")
    status = client.get(f"/api/v1/wallet/payments/{declined['payment']['id']}/").json()
    assert (status["status"], status["failure_message"]) == ("failed", "Your card was declined.")

    confirm = client.post("/api/v1/wallet/recharges/", {"amount": "7"}, format="json").json()
    step = client.post(
        confirm["checkout"]["redirect_url"], {"card_number": "4000 0027 6000 3184"}, format="multipart"
    )
    assert step["Location"].endswith("/confirm/")
    client.post(step["Location"], {"decision": "approve"}, format="multipart")
    assert balance(tenant, buyer) == Money("7", "USD")


def test_unknown_test_card_is_a_form_error(api_for, tenant, buyer):
    client = api_for(tenant, buyer)
    started = client.post("/api/v1/wallet/recharges/", {"amount": "10"}, format="json").json()
    page = client.post(started["checkout"]["redirect_url"], {"card_number": "1234"}, format="multipart")
    assert page.status_code == 200
    assert "Use one of the test card numbers" in page.content.decode()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"amount": "0"}, "amount", "greater than zero"),
        ({"amount": "-5"}, "amount", "greater than zero"),
        ({"amount": "1.001"}, "amount", "at most 2 decimal places"),
        ({"amount": "100", "currency": "JPY"}, None, None),
        ({"amount": "1.5", "currency": "JPY"}, "amount", "at most 0 decimal places"),
        ({"amount": "abc"}, "amount", "must be a number"),
        ({"amount": "NaN"}, "amount", "greater than zero"),
        ({"amount": "10", "currency": "XYZ"}, "currency", "Unknown currency"),
        ({"amount": "10", "currency": "CHF"}, "currency", "not accepted"),
        ({"amount": "10001"}, "amount", "above the maximum"),
    ],
)
def test_bad_recharge_amounts_are_refused_and_write_nothing(api_for, tenant, buyer, body, field, message):
    response = api_for(tenant, buyer).post("/api/v1/wallet/recharges/", body, format="json")
    if field is None:
        assert response.status_code == 201
        return
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "invalid_amount"
    assert message in error["message"] and error["fields"] == {field: [error["message"]]}
    with scope(tenant=tenant):
        assert not Payment.objects.exists()


def test_configurable_maximum(api_for, tenant, buyer, settings):
    settings.LYCEUM_MAX_AMOUNT = "50"
    response = api_for(tenant, buyer).post("/api/v1/wallet/recharges/", {"amount": "50.01"}, format="json")
    assert "maximum of 50" in response.json()["error"]["message"]


def test_idempotency_key_on_recharge(api_for, tenant, buyer):
    client = api_for(tenant, buyer)
    headers = {"HTTP_IDEMPOTENCY_KEY": "recharge-1"}
    first = client.post("/api/v1/wallet/recharges/", {"amount": "25"}, format="json", **headers)
    again = client.post("/api/v1/wallet/recharges/", {"amount": "25"}, format="json", **headers)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    other = client.post("/api/v1/wallet/recharges/", {"amount": "26"}, format="json", **headers)
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"
    with scope(tenant=tenant):
        assert Payment.objects.count() == 1


def test_payout_request_is_idempotent_and_needs_money(api_for, tenant, seller):
    fund(tenant, seller, "100")
    client = api_for(tenant, seller)
    body = {"amount": "60", "destination": "DE89 3704 0044 0532 0130 00"}
    first = client.post("/api/v1/wallet/payouts/", body, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    again = client.post("/api/v1/wallet/payouts/", body, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert first.status_code == again.status_code == 201
    assert balance(tenant, seller) == Money("40", "USD")
    too_much = client.post("/api/v1/wallet/payouts/", body, format="json", HTTP_IDEMPOTENCY_KEY="p-2")
    assert too_much.status_code == 402 and too_much.json()["error"]["code"] == "insufficient_funds"

    cancel = client.post(f"/api/v1/wallet/payouts/{first.json()['id']}/cancel/")
    assert cancel.json()["status"] == "canceled"
    assert balance(tenant, seller) == Money("100", "USD")


def test_admin_payout_queue_and_adjustments(api_for, tenant, seller, admin_user):
    fund(tenant, seller, "100")
    payout = payouts.request_payout(
        tenant=tenant, user=seller, amount=Money("30", "USD"), idempotency_key="q"
    )
    admin = api_for(tenant, admin_user)
    queue = admin.get("/api/v1/payout-queue/?status=requested").json()["results"]
    assert [(p["user"], p["amount"]["amount"]) for p in queue] == [("seller", "30.00")]
    base = f"/api/v1/payout-queue/{payout.public_id}"
    assert admin.post(f"{base}/mark-paid/", {"external_reference": "X"}, format="json").status_code == 409
    assert admin.post(f"{base}/approve/").json()["status"] == "approved"
    missing = admin.post(f"{base}/mark-paid/", {}, format="json")
    assert missing.status_code == 400 and "external_reference" in missing.json()["error"]["fields"]
    assert (
        admin.post(f"{base}/mark-paid/", {"external_reference": "SEPA-9"}, format="json").json()["status"]
        == "paid"
    )

    adjusted = admin.post(
        "/api/v1/wallet/adjustments/",
        {"user": "@seller", "amount": "-20", "reason": "Chargeback"},
        format="json",
    )
    assert adjusted.status_code == 201, adjusted.json()
    assert adjusted.json()["balance"] == {"amount": "50.00", "currency": "USD"}
    no_reason = admin.post("/api/v1/wallet/adjustments/", {"user": "@seller", "amount": "5"}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]


def test_members_cannot_use_admin_money_endpoints(api_for, tenant, seller):
    client = api_for(tenant, seller)
    assert client.get("/api/v1/payout-queue/").status_code == 403
    response = client.post(
        "/api/v1/wallet/adjustments/", {"user": "@seller", "amount": "500", "reason": "me"}, format="json"
    )
    assert response.status_code == 403
    assert balance(tenant, seller) == Money("0", "USD")


# Tenant isolation: another tenant's member, on their own site, sees none of this.


@pytest.fixture
def outsider(other_tenant):
    return make_member(other_tenant, Role.ADMIN, handle="outsider")


def test_isolation_wallet_transactions(api_for, tenant, other_tenant, buyer, outsider):
    fund(tenant, buyer, "10")
    with scope(tenant=tenant):
        entry = Entry.objects.get()
    other = api_for(other_tenant, outsider)
    assert other.get("/api/v1/wallet/transactions/").json()["count"] == 0
    assert other.get(f"/api/v1/wallet/transactions/{entry.public_id}/").status_code == 404


def test_isolation_wallet_payments(api_for, tenant, other_tenant, buyer, outsider):
    started = api_for(tenant, buyer).post("/api/v1/wallet/recharges/", {"amount": "10"}, format="json").json()
    other = api_for(other_tenant, outsider)
    assert other.get("/api/v1/wallet/payments/").json()["count"] == 0
    assert other.get(f"/api/v1/wallet/payments/{started['payment']['id']}/").status_code == 404
    # Another user on the same tenant cannot read it either, nor pay through its checkout page.
    stranger = make_member(tenant)
    assert (
        api_for(tenant, stranger).get(f"/api/v1/wallet/payments/{started['payment']['id']}/").status_code
        == 404
    )
    assert api_for(tenant, stranger).get(started["checkout"]["redirect_url"]).status_code == 404


def test_isolation_wallet_payouts(api_for, tenant, other_tenant, seller, outsider):
    fund(tenant, seller, "10")
    payout = payouts.request_payout(
        tenant=tenant, user=seller, amount=Money("10", "USD"), idempotency_key="iso"
    )
    other = api_for(other_tenant, outsider)
    assert other.get(f"/api/v1/wallet/payouts/{payout.public_id}/").status_code == 404
    assert other.post(f"/api/v1/wallet/payouts/{payout.public_id}/cancel/").status_code == 404


def test_isolation_payout_queue(api_for, tenant, other_tenant, seller, outsider):
    fund(tenant, seller, "10")
    payout = payouts.request_payout(
        tenant=tenant, user=seller, amount=Money("10", "USD"), idempotency_key="iso"
    )
    other = api_for(other_tenant, outsider)
    assert other.get("/api/v1/payout-queue/").json()["count"] == 0
    assert other.post(f"/api/v1/payout-queue/{payout.public_id}/approve/").status_code == 404
    with scope(tenant=tenant):
        assert Payout.objects.get().status == PayoutStatus.REQUESTED
        assert not IdempotencyRecord.objects.exists()
