"""In Chromium: sign up from the home page, reach the dashboard, sign out; edit the profile."""

from __future__ import annotations

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from marketplace.models import Membership, User
from tests.e2e.browser import sign_in, watch
from tests.factories import PASSWORD, UserFactory, make_member

pytestmark = pytest.mark.e2e

VIEWPORTS = [
    pytest.param({"width": 1280, "height": 800}, id="1280"),
    pytest.param({"width": 390, "height": 844}, id="390"),
]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_sign_up_reach_dashboard_and_sign_out(live_server, live_tenant, new_context, artifacts_dir, viewport):
    def shot(step: str) -> None:
        page.screenshot(path=artifacts_dir / f"signup-{viewport['width']}-{step}.png", full_page=True)

    context = new_context(viewport=viewport)
    page = context.new_page()
    problems = watch(page)

    account_nav = page.get_by_role("navigation", name="Account")
    page.goto("/")
    expect(account_nav.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    shot("home")

    account_nav.get_by_role("link", name="Sign up", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    page.locator('input[name="display_name"]').fill("Ada Lovelace")
    page.locator('input[name="handle"]').fill("ada-l")
    page.locator('input[name="email"]').fill("ada@example.com")
    page.locator('input[name="password1"]').fill(PASSWORD)
    page.locator('input[name="password2"]').fill(PASSWORD)
    shot("form")
    problems.assert_none("the sign-up page")

    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_test_id("handle")).to_have_text("@ada-l")
    page.wait_for_load_state("load")
    shot("dashboard")
    problems.assert_none("the dashboard")

    user = User.objects.get(email="ada@example.com")
    assert (user.handle, user.display_name) == ("ada-l", "Ada Lovelace")
    with scopes_disabled():
        assert Membership.objects.filter(user=user, tenant=live_tenant, role="attendee").exists()

    page.get_by_test_id("sign-out").click()
    expect(account_nav.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_test_id("sign-out")).to_have_count(0)
    expect(page.get_by_test_id("handle")).to_have_count(0)
    shot("signed-out")

    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/dashboard/$"))


def test_profile_edits_go_through_the_api(live_server, live_tenant, new_context, artifacts_dir):
    user = make_member(live_tenant, handle="grace", display_name="Grace", email="grace@example.com")
    UserFactory(handle="taken-handle", email="other@example.com")
    context = new_context(viewport={"width": 1280, "height": 800})
    sign_in(context, user, live_server)
    page = context.new_page()
    problems = watch(page)

    page.goto("/dashboard/profile/")
    name = page.get_by_label("Your name")
    expect(name).to_have_value("Grace")  # filled from GET /api/v1/me/
    name.fill("Grace Hopper")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    page.screenshot(path=artifacts_dir / "profile-saved.png", full_page=True)
    problems.assert_none("the profile page")

    page.reload()
    expect(page.get_by_label("Your name")).to_have_value("Grace Hopper")
    expect(page.locator(".identity")).to_contain_text("Grace Hopper")
    user.refresh_from_db()
    assert user.display_name == "Grace Hopper"

    handle = page.get_by_label("Handle", exact=True)
    expect(handle).to_have_value("grace")
    handle.fill("taken-handle")
    page.get_by_role("button", name="Save", exact=True).click()
    handle_errors = page.locator(".field", has=page.locator("#handle")).locator(".field-errors")
    expect(handle_errors).to_have_text("This handle is already taken.")
    expect(page.get_by_text("Saved.", exact=True)).to_be_hidden()
    expect(page.get_by_test_id("handle")).to_have_text("@grace")
    page.screenshot(path=artifacts_dir / "profile-handle-taken.png", full_page=True)
    user.refresh_from_db()
    assert user.handle == "grace"


def test_dashboard_fits_a_phone_screen(live_server, live_tenant, new_context):
    """No sideways scrolling at 390px (the side menu once widened the page to 511px)."""
    user = make_member(live_tenant, handle="grace", email="grace@example.com")
    context = new_context(viewport={"width": 390, "height": 844})
    sign_in(context, user, live_server)
    page = context.new_page()
    for path in ("/dashboard/", "/dashboard/profile/", "/dashboard/tokens/"):
        page.goto(path)
        expect(page.get_by_test_id("handle")).to_have_text("@grace")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone: {width}px wide"
