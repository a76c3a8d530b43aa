"""Buying a plan in Chromium: the wallet pays, the page shows the new plan."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope
from djmoney.money import Money
from playwright.sync_api import Page, expect

from marketplace.models import Plan
from tests.e2e.browser import sign_in, watch
from tests.factories import make_member
from tests.factories.money import balance, fund

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_attendee_buys_a_plan(page: Page, live_server, live_tenant, artifacts_dir):
    with scope(tenant=live_tenant):
        Plan.objects.create(
            tenant=live_tenant, name="Pro", slug="pro", price=Money("19", "USD"), max_rooms=10
        )
    user = make_member(live_tenant, handle="future-host")
    fund(live_tenant, user, "50")
    sign_in(page.context, user, live_server)
    problems = watch(page)

    page.goto(f"{live_server.url}/dashboard/plans/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Choose Pro").click()
    expect(page.get_by_test_id("current-plan")).to_contain_text("Your plan: Pro")
    expect(page.get_by_test_id("current-plan")).to_contain_text(re.compile(r"Renews on"))
    page.screenshot(path=artifacts_dir / "plans-bought.png", full_page=True)
    problems.assert_none("the plans page")
    assert balance(live_tenant, user) == Money("31", "USD")
