"""In Chromium: a visitor explores a site, finds a host and a room, signs up and registers; home pages
of two sites at desktop and phone widths."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope
from playwright.sync_api import expect

from marketplace.models import Registration, RegistrationStatus
from search.indexing import index_tenant
from tests.e2e.browser import watch
from tests.factories import PASSWORD, TenantFactory
from tests.search import catalogue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def seed_catalogue(tenant) -> None:
    catalogue.topic(tenant, "Astronomy")
    catalogue.topic(tenant, "Cooking")
    stars = catalogue.host(
        tenant, "star-gazer", "Vera Rubin", headline="Galaxies and dark matter", topics=("astronomy",)
    )
    cook = catalogue.host(tenant, "chef-julia", "Julia Child", headline="French cooking", topics=("cooking",))
    catalogue.room(stars, tenant, "Telescope basics")
    catalogue.room(stars, tenant, "Galaxy masterclass", price="40.00")
    catalogue.room(stars, tenant, "Comet club", price="90.00")
    catalogue.room(cook, tenant, "Bread at home", price="15.00")
    index_tenant(tenant)


def test_visitor_explores_signs_up_and_registers(live_server, live_tenant, new_context, artifacts_dir):
    seed_catalogue(live_tenant)
    context = new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    problems = watch(page)

    page.goto("/explore/")
    results = page.get_by_test_id("results")
    expect(results.get_by_test_id("result-link")).to_have_count(6)
    problems.assert_none("the Explore page")

    # A topic, then a price range: the rooms of the astronomy host under 50.
    page.get_by_test_id("filter-topic").select_option("astronomy")
    page.get_by_test_id("explore-submit").click()
    expect(page).to_have_url(re.compile(r"/explore/\?.*topic=astronomy"))
    expect(results).to_contain_text("Vera Rubin")
    expect(results).not_to_contain_text("Julia Child")
    page.fill("#explore-price-min", "0")
    page.fill("#explore-price-max", "50")
    page.get_by_test_id("explore-submit").click()
    expect(page).to_have_url(re.compile(r"price_max=50"))
    titles = results.get_by_test_id("result-link")
    expect(titles).to_have_count(3)
    assert sorted(titles.all_inner_texts()) == ["Galaxy masterclass", "Telescope basics", "Vera Rubin"]
    expect(results).not_to_contain_text("Comet club")
    page.screenshot(path=artifacts_dir / "explore-filtered.png", full_page=True)
    problems.assert_none("the filtered Explore page")

    # The host's profile, then the free room.
    titles.filter(has_text="Vera Rubin").click()
    expect(page).to_have_url(re.compile(r"/@star-gazer/$"))
    page.get_by_role("link", name="Telescope basics").first.click()
    expect(page).to_have_url(re.compile(r"/@star-gazer/telescope-basics/$"))
    expect(page.get_by_test_id("room-name")).to_have_text("Telescope basics")
    problems.assert_none("the profile and room pages")

    # Registering needs an account: sign in, then the way to sign up, which keeps where to come back.
    page.get_by_test_id("sign-in-to-register").click()
    if "/accounts/signup/" not in page.url:
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
        page.locator("main").get_by_role("link", name=re.compile("sign up", re.I)).first.click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/\?next=.*telescope-basics"))
    page.locator('input[name="display_name"]').fill("Carl Sagan")
    page.locator('input[name="handle"]').fill("carl-s")
    page.locator('input[name="email"]').fill("carl@example.com")
    page.locator('input[name="password1"]').fill(PASSWORD)
    page.locator('input[name="password2"]').fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    expect(page).to_have_url(re.compile(r"/@star-gazer/telescope-basics/$"))
    page.get_by_test_id("register").click()
    expect(page.get_by_test_id("registration-status")).to_have_text("Approved")
    page.screenshot(path=artifacts_dir / "explore-registered.png", full_page=True)
    problems.assert_none("the room page after registering")
    with scope(tenant=live_tenant):
        registration = Registration.objects.get(room__slug="telescope-basics", user__handle="carl-s")
    assert registration.status == RegistrationStatus.APPROVED


def test_home_pages_of_two_sites(live_server, live_tenant, new_context, artifacts_dir):
    port = live_server.thread.port
    other = TenantFactory(name="Second School", slug="second", hostname="127.0.0.1", port=port)
    sites = {
        live_tenant.slug: (f"http://localhost:{port}", live_tenant.name),
        other.slug: (f"http://127.0.0.1:{port}", other.name),
    }
    for slug, (origin, name) in sites.items():
        for width, viewport in VIEWPORTS.items():
            context = new_context(viewport=viewport)
            page = context.new_page()
            problems = watch(page)
            page.goto(f"{origin}/")
            expect(page.get_by_role("heading", level=1)).to_contain_text(name)
            page.wait_for_load_state("load")
            page.screenshot(path=artifacts_dir / f"home-{slug}-{width}.png", full_page=True)
            problems.assert_none(f"the home page of {slug} at {width} width")
            context.close()
