"""The wallet in Chromium: recharge with the test gateway, a declined card, the history."""

from __future__ import annotations

import re

import pytest
from djmoney.money import Money
from playwright.sync_api import Page, expect

from payments import ledger
from tests.e2e.browser import watch
from tests.factories import PASSWORD, make_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in_with_form(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/dashboard/$"))


def recharge(page: Page, live_server, amount: str, card: str) -> None:
    page.goto(f"{live_server.url}/dashboard/wallet/")
    expect(page.get_by_test_id("test-mode")).to_be_visible()
    page.fill("#recharge-amount", amount)
    page.get_by_role("button", name="Recharge").click()
    page.wait_for_url(re.compile(r".*/payments/test-checkout/.*"))
    expect(page.get_by_text("Test mode · no real money")).to_be_visible()
    page.fill("#id_card_number", card)
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r".*/dashboard/wallet/\?payment=.*"))


def test_recharge_then_decline(page: Page, live_server, live_tenant, artifacts_dir):
    user = make_member(live_tenant, email="wallet@example.com", handle="wallet-user")
    problems = watch(page)
    sign_in_with_form(page, live_server, user.email)

    recharge(page, live_server, "25.00", "4242 4242 4242 4242")
    expect(page.get_by_test_id("payment-notice")).to_have_text("Your wallet was recharged with $25.00.")
    expect(page.get_by_test_id("balance").first).to_have_text("$25.00")
    expect(page.get_by_test_id("history")).to_contain_text("Wallet recharge")
    expect(page.get_by_test_id("history")).to_contain_text("$25.00")
    page.screenshot(path=artifacts_dir / "wallet-recharged.png", full_page=True)
    problems.assert_none("the wallet after a recharge")

    recharge(page, live_server, "40.00", "4000 0000 0000 0002")
    expect(page.get_by_test_id("payment-problem")).to_contain_text("Your card was declined.")
    expect(page.get_by_test_id("balance").first).to_have_text("$25.00")
    page.screenshot(path=artifacts_dir / "wallet-declined.png", full_page=True)
    assert ledger.wallet_of(user, live_tenant, "USD").balance == Money("25.00", "USD")
    problems.assert_none("the wallet after a declined card")
