"""The payout queue: approve, reject with a reason, mark paid with a reference."""

from __future__ import annotations

import pytest
from django_scopes import scope
from djmoney.money import Money

from payments import ledger
from payments.models import AccountKind, Payout, PayoutStatus
from payments.services.payouts import request_payout
from tests.backoffice.conftest import sign_in
from tests.factories.money import balance, fund
from tests.marketplace.registration_fixtures import usd

pytestmark = pytest.mark.django_db


@pytest.fixture
def payout(tenant, amy) -> Payout:
    fund(tenant, amy, "30")
    return request_payout(
        tenant=tenant, user=amy, amount=Money("10", "USD"), idempotency_key="payout-1", destination="IBAN X"
    )


def platform_balance(tenant, kind: str) -> Money:
    return ledger.platform_account(tenant, kind, "USD").balance


def stored(payout: Payout) -> Payout:
    with scope(tenant=payout.tenant):
        return Payout.objects.get(pk=payout.pk)


def test_approve_then_mark_paid_moves_the_money_out(tenant, admin_user, amy, payout, verified):
    assert balance(tenant, amy) == usd("20") and platform_balance(tenant, AccountKind.PAYOUTS_PAYABLE) == usd(
        "10"
    )
    client = sign_in(tenant, admin_user)
    queue = client.get("/cms/payouts/?status=requested").content.decode()
    assert (
        f"/cms/payouts/approve/{payout.pk}/" in queue and f"/cms/payouts/mark_paid/{payout.pk}/" not in queue
    )

    assert client.post(f"/cms/payouts/approve/{payout.pk}/").status_code == 302
    assert stored(payout).status == PayoutStatus.APPROVED and stored(payout).decided_by_id == admin_user.pk

    missing = client.post(f"/cms/payouts/mark_paid/{payout.pk}/", {"external_reference": ""})
    assert missing.status_code == 200 and stored(payout).status == PayoutStatus.APPROVED
    assert (
        client.post(f"/cms/payouts/mark_paid/{payout.pk}/", {"external_reference": "BANK-42"}).status_code
        == 302
    )
    paid = stored(payout)
    assert paid.status == PayoutStatus.PAID and paid.external_reference == "BANK-42"
    assert platform_balance(tenant, AccountKind.PAYOUTS_PAYABLE) == usd("0")
    assert platform_balance(tenant, AccountKind.PAYOUTS_PAID) == usd("10")
    assert balance(tenant, amy) == usd("20")
    history = client.get(f"/cms/payouts/history/{payout.pk}/").content.decode()
    assert "Payout approved" in history and "Payout marked paid" in history


def test_rejecting_needs_a_reason_and_returns_the_money(tenant, admin_user, amy, payout, verified):
    client = sign_in(tenant, admin_user)
    assert client.post(f"/cms/payouts/reject/{payout.pk}/", {"reason": ""}).status_code == 200
    assert stored(payout).status == PayoutStatus.REQUESTED
    assert client.post(f"/cms/payouts/reject/{payout.pk}/", {"reason": "Wrong IBAN"}).status_code == 302
    rejected = stored(payout)
    assert rejected.status == PayoutStatus.REJECTED and rejected.note == "Wrong IBAN"
    assert balance(tenant, amy) == usd("30") and platform_balance(tenant, AccountKind.PAYOUTS_PAYABLE) == usd(
        "0"
    )


def test_a_requested_payout_cannot_be_marked_paid(tenant, admin_user, payout):
    client = sign_in(tenant, admin_user)
    response = client.post(f"/cms/payouts/mark_paid/{payout.pk}/", {"external_reference": "BANK-1"})
    assert response.status_code == 200 and "cannot become paid" in response.content.decode()
    assert stored(payout).status == PayoutStatus.REQUESTED


def test_another_sites_admin_and_editors_cannot_decide(tenant, other_tenant, payout, other_admin, editor):
    assert sign_in(other_tenant, other_admin).post(f"/cms/payouts/approve/{payout.pk}/").status_code == 404
    assert sign_in(tenant, editor).post(f"/cms/payouts/approve/{payout.pk}/").status_code in (302, 403)
    assert stored(payout).status == PayoutStatus.REQUESTED
