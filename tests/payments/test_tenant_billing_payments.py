"""Paying for a site: when a period is due, extending early, replays, declines, refunds, card forms."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_scopes import scope
from djmoney.money import Money

from payments import ledger
from payments.models import (
    AccountKind,
    Entry,
    EntryKind,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    TenantSubscription,
    TenantSubscriptionStatus,
)
from payments.services.tenant_billing import (
    mark_paid_manually,
    update_billing_settings,
)
from payments.tenant_billing_selectors import BillingState, status_of
from tests.payments.conftest import balance
from tests.payments.tenant_billing_setup import (
    USD,
    logged_in,
    make_owner,
    make_plan,
    pay_with_test_card,
    switch_on,
)

pytestmark = pytest.mark.django_db


def test_a_tenant_that_never_paid_is_due_when_subscriptions_are_switched_on(tenant):
    owner = make_owner()
    with time_machine.travel(timezone.now() + timedelta(days=100), tick=False):
        update_billing_settings(actor=owner, subscriptions_enabled=True, grace_days=3)
        switched_on = timezone.now()
        status = status_of(tenant)
    assert status.state == BillingState.GRACE and status.expires_at == switched_on
    with time_machine.travel(switched_on + timedelta(days=3, minutes=1), tick=False):
        assert status_of(tenant).suspended


def test_paying_early_extends_from_the_current_end_and_a_replay_extends_once(tenant, admin_user, verified):
    owner = make_owner()
    plan = make_plan()
    switch_on(owner)
    first = mark_paid_manually(tenant=tenant, plan=plan, actor=owner)
    pay_with_test_card(logged_in(tenant, admin_user), plan)
    with scope(tenant=tenant):
        payment = Payment.objects.get(purpose=PaymentPurpose.TENANT_SUBSCRIPTION)
    from payments.services.gateway_payments import mark_succeeded

    mark_succeeded(payment)  # the webhook arriving again
    status = status_of(tenant)
    assert status.expires_at == first.period_end + timedelta(days=30)
    with scope(tenant=tenant):
        assert Entry.objects.filter(kind=EntryKind.TENANT_SUBSCRIPTION).count() == 1


def test_a_declined_card_cancels_the_pending_period(tenant, admin_user, verified):
    owner = make_owner()
    plan = make_plan()
    switch_on(owner)
    admin = logged_in(tenant, admin_user)
    started = admin.post("/cms/billing/", {"plan": plan.pk, "gateway": "test"})
    declined = admin.post(started["Location"], {"card_number": "4000 0000 0000 0002"})
    assert "did not go through" in admin.get(declined["Location"]).content.decode()
    with scope(tenant=tenant):
        subscription = TenantSubscription.objects.get()
        assert not Entry.objects.exists()
    assert subscription.status == TenantSubscriptionStatus.CANCELED
    assert status_of(tenant).in_grace  # nothing was paid


def test_a_refund_comes_back_from_the_platforms_revenue(tenant, admin_user, verified):
    owner = make_owner()
    plan = make_plan()
    switch_on(owner)
    from payments.services.gateway_payments import refund_payment

    pay_with_test_card(logged_in(tenant, admin_user), plan)
    with scope(tenant=tenant):
        payment = Payment.objects.get(purpose=PaymentPurpose.TENANT_SUBSCRIPTION)
    refunded = refund_payment(payment, amount=None, actor=owner)
    assert refunded.status == PaymentStatus.REFUNDED
    assert ledger.platform_account(tenant, AccountKind.REVENUE, USD).balance == Money("0", USD)
    assert balance(tenant, admin_user) == Money("0", USD)


def test_a_card_form_gateway_gets_a_payment_page(tenant, admin_user, monkeypatch):
    owner = make_owner()
    plan = make_plan()
    switch_on(owner)
    from payments.gateways.base import Checkout
    from payments.gateways.test import TestGateway

    def card_form(self, payment, *, return_url):
        return Checkout(provider_reference=f"pi_{payment.public_id.hex}", client_secret="pi_secret_1")

    monkeypatch.setattr(TestGateway, "start_payment", card_form)
    page = logged_in(tenant, admin_user).post("/cms/billing/", {"plan": plan.pk, "gateway": "test"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-client-secret="pi_secret_1"' in html and "/cms/billing/?payment=" in html
