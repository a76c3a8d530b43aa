"""The back office's figures in Chromium: charts drawn from the stats API, regrouped from the form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from marketplace.roles import Role
from tests.e2e.browser import sign_in, watch
from tests.factories import make_member
from tests.factories.money import fund

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_tenant_admin_sees_charts_and_regroups_them(page: Page, live_server, live_tenant, artifacts_dir):
    admin = make_member(live_tenant, Role.ADMIN, handle="chart-admin", email="charts@example.com")
    fund(live_tenant, admin, "12.50")
    fund(live_tenant, admin, "0.25")
    sign_in(page.context, admin, live_server)
    problems = watch(page, live_server.url)

    page.goto(f"{live_server.url}/cms/")
    panel = page.locator("[data-figures]")
    expect(panel.locator("[data-figures-chart]")).to_have_count(12)
    recharges = panel.locator('[data-series="recharges"]')
    expect(recharges.locator("canvas").first).to_be_visible()
    # Totals are added exactly from the API's decimal strings.
    expect(recharges.locator("[data-figures-summary]")).to_have_text("Total: 12.75 USD")
    expect(panel.locator('[data-series="recharge-count"] [data-figures-summary]')).to_have_text("Total: 2")
    expect(panel.locator("[data-figures-status]")).to_have_text("")
    page.screenshot(path=artifacts_dir / "backoffice-figures.png", full_page=True)
    recharges.screenshot(path=artifacts_dir / "backoffice-figures-recharges.png")

    panel.locator("select[name=group]").select_option("week")
    panel.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r".*[?&]group=week.*"))
    expect(recharges.locator("[data-figures-csv]")).to_have_attribute(
        "href", re.compile(r".*group=week.*format=csv")
    )
    expect(recharges.locator("[data-figures-summary]")).to_have_text("Total: 12.75 USD")

    # A bad range is explained, not drawn.
    panel.locator("input[name=start]").fill("2010-01-01")
    panel.get_by_role("button", name="Show").click()
    expect(panel.locator("[data-figures-status]")).to_contain_text("at most")
    problems.clear()  # the refused requests' 400s are logged by the browser on purpose
    problems.assert_none("the back office's figures")
