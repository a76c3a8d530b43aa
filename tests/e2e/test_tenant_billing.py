"""Tenant billing in Chromium: a suspended site's notice, its admin paying with the test gateway."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from djmoney.money import Money
from playwright.sync_api import Page, expect

from marketplace.roles import Role
from payments import ledger
from payments.models import AccountKind
from payments.services.tenant_billing import update_billing_settings
from payments.tenant_billing_selectors import status_of
from tests.e2e.browser import sign_in, watch
from tests.factories import UserFactory, make_member
from tests.payments.tenant_billing_setup import make_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_suspended_site_admin_pays_and_the_notice_goes(page: Page, live_server, live_tenant, artifacts_dir):
    owner = UserFactory(is_superuser=True, is_staff=True)
    plan = make_plan()
    # No grace: a site that never paid is suspended as soon as subscriptions are switched on.
    update_billing_settings(actor=owner, subscriptions_enabled=True, grace_days=0)
    admin = make_member(live_tenant, Role.ADMIN, email="admin@example.com", handle="site-admin")
    assert status_of(live_tenant).suspended

    problems = watch(page, live_server.url)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("alert")).to_contain_text("Live Academy is suspended.")
    problems.assert_none("the suspended home page")

    sign_in(page.context, admin, live_server)
    page.goto(f"{live_server.url}/cms/billing/")
    expect(page.get_by_text("Suspended", exact=True)).to_be_visible()
    page.screenshot(path=artifacts_dir / "tenant-billing-suspended.png", full_page=True)
    page.select_option("#id_plan", str(plan.pk))
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(r".*/payments/test-checkout/.*"))
    page.fill("#id_card_number", "4242 4242 4242 4242")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r".*/cms/billing/\?payment=.*"))
    expect(page.get_by_text("the subscription is extended")).to_be_visible()
    expect(page.get_by_text("Active", exact=True)).to_be_visible()
    page.screenshot(path=artifacts_dir / "tenant-billing-paid.png", full_page=True)

    status = status_of(live_tenant)
    assert status.state == "active" and status.expires_at > timezone.now()
    revenue = ledger.platform_account(live_tenant, AccountKind.REVENUE, "USD").balance
    assert revenue == Money("30.00", "USD")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("alert")).to_have_count(0)
