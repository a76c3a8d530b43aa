"""The platform owner's back office in Chromium: sign in through the admin's form, every site's
figures, approving a payout from the queue; then a site's admin renews its subscription."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import dateformat, timezone
from django_scopes import scope
from djmoney.money import Money
from playwright.sync_api import Page, expect

from marketplace.roles import Role
from marketplace.services.registrations import register
from marketplace.services.rooms import create_room
from payments import ledger
from payments.models import AccountKind, Payout, PayoutStatus
from payments.services.payouts import request_payout
from payments.services.tenant_billing import mark_paid_manually
from payments.tenant_billing_selectors import status_of
from payments.verification import verify_ledger
from tests.backoffice.conftest import moderator_on_plan
from tests.e2e.browser import sign_in, watch
from tests.factories import PASSWORD, TenantFactory, UserFactory, make_member
from tests.factories.money import balance, fund
from tests.payments.tenant_billing_setup import make_plan, switch_on

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

USD = "USD"


def usd(amount: str) -> Money:
    return Money(amount, USD)


def shown_date(moment) -> str:
    """A date as the billing page writes it."""
    return dateformat.format(timezone.localtime(moment), "j F Y, H:i")


def sign_in_to_the_back_office(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/cms/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/cms/")


def test_owner_sees_every_sites_figures_and_approves_a_payout(
    page: Page, live_server, live_tenant, artifacts_dir
):
    owner = UserFactory(
        handle="platform",
        email="owner@example.com",
        display_name="Platform Owner",
        is_superuser=True,
        is_staff=True,
    )
    beta = TenantFactory(name="Beta Clinic", slug="beta", hostname="beta.localhost")
    # A sale on the live site (its host earns 20 USD less 10% for the site and 5% for the platform),
    # recharges on both sites, and the host asking to withdraw part of the earnings.
    host = moderator_on_plan(live_tenant, "Studio", "hana")
    room = create_room(host, live_tenant, name="Pottery", fee_model="one_time", price=usd("20.00"))
    amy = make_member(live_tenant, handle="amy", email="amy@example.com")
    bert = make_member(beta, handle="bert", email="bert@example.com")
    fund(live_tenant, amy, "50.00")
    fund(beta, bert, "7.25")
    register(amy, room)
    assert balance(live_tenant, host) == usd("17.00")
    payout = request_payout(
        tenant=live_tenant,
        user=host,
        amount=usd("10.00"),
        idempotency_key="e2e-payout",
        destination="IBAN HANA",
    )

    problems = watch(page, live_server.url)
    sign_in_to_the_back_office(page, live_server, owner.email)

    # Every site's figures: the owner's panel adds up both sites unless one is picked.
    panel = page.locator("[data-figures]")
    expect(panel.locator("select[name=tenant]")).to_have_value("")
    recharges = panel.locator('[data-series="recharges"]')
    expect(recharges.locator("canvas").first).to_be_visible()
    expect(recharges.locator("[data-figures-summary]")).to_have_text("Total: 57.25 USD")
    expect(panel.locator('[data-series="recharge-count"] [data-figures-summary]')).to_have_text("Total: 2")
    commission = panel.locator('[data-series="platform-commission"]')
    expect(commission.locator("canvas").first).to_be_visible()
    expect(commission.locator("[data-figures-summary]")).to_have_text("Total: 1.00 USD")
    expect(panel.locator('[data-series="payout-queue"] [data-figures-summary]')).to_have_text("Latest: 1")
    page.screenshot(path=artifacts_dir / "owner-figures.png", full_page=True)

    panel.locator("select[name=tenant]").select_option("beta")
    panel.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r".*[?&]tenant=beta.*"))
    expect(recharges.locator("[data-figures-summary]")).to_have_text("Total: 7.25 USD")
    expect(commission.locator("[data-figures-summary]")).to_have_text("Total: 0.00 USD")
    problems.assert_none("the owner's figures")

    # The payout queue, reached through the menu.
    page.goto(f"{live_server.url}/cms/")
    page.get_by_role("button", name="Money").click()
    page.get_by_role("link", name="Payout queue").click()
    page.wait_for_url(f"{live_server.url}/cms/payouts/")
    row = page.locator("tbody tr", has_text="IBAN HANA")
    expect(row).to_contain_text("Requested")
    expect(row).to_contain_text("Live Academy")  # the owner's lists name each row's site
    page.screenshot(path=artifacts_dir / "owner-payout-queue.png", full_page=True)
    row.get_by_role("button", name=re.compile("More options")).click()
    row.get_by_role("link", name="Approve").click()
    page.wait_for_url(f"{live_server.url}/cms/payouts/approve/{payout.pk}/")
    expect(page.get_by_text("Approve the payout, then transfer the money")).to_be_visible()
    page.get_by_role("button", name="Approve", exact=True).click()

    page.wait_for_url(f"{live_server.url}/cms/payouts/inspect/{payout.pk}/")
    expect(page.get_by_text("is approved.")).to_be_visible()
    details = page.locator("main")
    expect(details).to_contain_text("Approved")
    expect(details).to_contain_text("Platform Owner")  # decided by
    page.screenshot(path=artifacts_dir / "owner-payout-approved.png", full_page=True)

    page.goto(f"{live_server.url}/cms/payouts/?status=approved")
    expect(page.locator("tbody tr", has_text="IBAN HANA")).to_contain_text("Approved")
    problems.assert_none("the payout queue")

    with scope(tenant=live_tenant):
        approved = Payout.objects.get(pk=payout.pk)
    assert approved.status == PayoutStatus.APPROVED and approved.decided_by_id == owner.pk
    # The money left the wallet when it was requested and waits, approved, to be paid out.
    assert balance(live_tenant, host) == usd("7.00")
    assert ledger.platform_account(live_tenant, AccountKind.PAYOUTS_PAYABLE, USD).balance == usd("10.00")
    assert verify_ledger() == []


def test_tenant_admin_renews_and_sees_the_new_expiry(page: Page, live_server, live_tenant, artifacts_dir):
    owner = UserFactory(is_superuser=True, is_staff=True)
    plan = make_plan()
    switch_on(owner)
    paid_until = mark_paid_manually(tenant=live_tenant, plan=plan, actor=owner).period_end
    admin = make_member(live_tenant, Role.ADMIN, handle="site-admin", email="admin@example.com")

    problems = watch(page, live_server.url)
    sign_in(page.context, admin, live_server)
    page.goto(f"{live_server.url}/cms/")
    page.get_by_role("link", name="Billing").click()
    page.wait_for_url(f"{live_server.url}/cms/billing/")
    expect(page.get_by_text("Active", exact=True)).to_be_visible()
    paid_until_shown = page.locator("dt:text-is('Paid until') + dd")
    expect(paid_until_shown).to_have_text(shown_date(paid_until))
    page.screenshot(path=artifacts_dir / "tenant-billing-before-renewal.png", full_page=True)

    page.select_option("#id_plan", str(plan.pk))
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(r".*/payments/test-checkout/.*"))
    expect(page.get_by_text("Test mode · no real money")).to_be_visible()
    page.fill("#id_card_number", "4242 4242 4242 4242")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r".*/cms/billing/\?payment=.*"))
    expect(page.get_by_text("the subscription is extended")).to_be_visible()

    # One more period, from the end of the paid one (not from today).
    renewed_until = paid_until + timedelta(days=30)
    assert status_of(live_tenant).expires_at == renewed_until
    expect(paid_until_shown).to_have_text(shown_date(renewed_until))
    page.screenshot(path=artifacts_dir / "tenant-billing-renewed.png", full_page=True)
    problems.assert_none("the billing page")
    assert ledger.platform_account(live_tenant, AccountKind.REVENUE, USD).balance == usd("30.00")
