"""Money, read-only: accounts, ledger entries with their postings, payments and webhook events."""

from __future__ import annotations

import pytest
from django_scopes import scope
from djmoney.money import Money

from payments import ledger
from payments.models import AccountKind, Payment, WebhookEvent
from payments.services.adjustments import adjust_wallet
from tests.backoffice.conftest import sign_in
from tests.factories.money import fund

pytestmark = pytest.mark.django_db


def test_accounts_filter_by_kind_and_currency(tenant, admin_user, amy):
    fund(tenant, amy, "10")
    clearing = str(ledger.platform_account(tenant, AccountKind.GATEWAY_CLEARING, "USD"))
    client = sign_in(tenant, admin_user)
    wallets = client.get("/cms/ledger-accounts/?kind=wallet&currency=USD").content.decode()
    assert "amy Wallet USD" in wallets and clearing not in wallets
    platform = client.get("/cms/ledger-accounts/?owner_type=platform").content.decode()
    assert clearing in platform and "amy Wallet USD" not in platform
    assert "amy Wallet USD" not in client.get("/cms/ledger-accounts/?currency=EUR").content.decode()
    wallet = ledger.wallet_of(amy, tenant, "USD")
    assert client.get(f"/cms/ledger-accounts/edit/{wallet.pk}/").status_code == 302


def test_an_entry_shows_its_postings(tenant, admin_user, amy):
    entry = adjust_wallet(
        tenant=tenant,
        user=amy,
        amount=Money("7.25", "USD"),
        reason="Outage credit",
        idempotency_key="test:outage",
        actor=admin_user,
    )
    client = sign_in(tenant, admin_user)
    detail = client.get(f"/cms/ledger-entries/inspect/{entry.pk}/").content.decode()
    assert "Postings" in detail and "Outage credit" in detail
    assert "amy Wallet USD" in detail and "Platform Adjustments USD" in detail
    assert "7.25" in detail
    assert "Wallet adjusted" in client.get(f"/cms/ledger-entries/history/{entry.pk}/").content.decode()


def test_entries_filter_by_kind_and_date(tenant, admin_user, amy):
    recharge = fund(tenant, amy, "10")
    fix = adjust_wallet(
        tenant=tenant,
        user=amy,
        amount=Money("1", "USD"),
        reason="Rounding fix",
        idempotency_key="test:rounding",
        actor=admin_user,
    )
    client = sign_in(tenant, admin_user)
    adjustments = client.get("/cms/ledger-entries/?kind=adjustment").content.decode()
    assert f"/inspect/{fix.pk}/" in adjustments and f"/inspect/{recharge.pk}/" not in adjustments
    recent = client.get("/cms/ledger-entries/?created_at_from=2000-01-01").content.decode()
    assert f"/inspect/{fix.pk}/" in recent and f"/inspect/{recharge.pk}/" in recent
    old = client.get("/cms/ledger-entries/?created_at_to=2000-01-01").content.decode()
    assert f"/inspect/{fix.pk}/" not in old


def test_payments_filter_by_status_and_stay_read_only(tenant, admin_user, amy):
    with scope(tenant=tenant):
        done = Payment.objects.create(
            tenant=tenant, user=amy, gateway="test", amount=Money("25", "USD"), status="succeeded"
        )
        Payment.objects.create(
            tenant=tenant,
            user=amy,
            gateway="test",
            amount=Money("99", "USD"),
            status="failed",
            failure_message="Card declined",
        )
    client = sign_in(tenant, admin_user)
    failed = client.get("/cms/gateway-payments/?status=failed").content.decode()
    assert "99.00" in failed and "25.00" not in failed
    response = client.post(f"/cms/gateway-payments/edit/{done.pk}/", {"status": "refunded"})
    assert response.status_code == 302
    with scope(tenant=tenant):
        assert Payment.objects.get(pk=done.pk).status == "succeeded"


def test_unmatched_webhook_events_are_the_owners_only(tenant, admin_user, owner):
    unmatched = WebhookEvent.objects.create(
        provider="stripe", event_id="evt_orphan", event_type="charge.succeeded", payload={"id": "evt_orphan"}
    )
    admin = sign_in(tenant, admin_user)
    assert "evt_orphan" not in admin.get("/cms/webhook-events/").content.decode()
    assert admin.get(f"/cms/webhook-events/inspect/{unmatched.pk}/").status_code == 404
    platform = sign_in(tenant, owner)
    assert "not matched yet" in platform.get("/cms/webhook-events/?provider=stripe").content.decode()
    assert "evt_orphan" in platform.get(f"/cms/webhook-events/inspect/{unmatched.pk}/").content.decode()
