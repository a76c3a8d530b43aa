"""The join page in Chromium while the host has not started the meeting (no meeting server needed).

Waiting asks the join API again and again without ever calling the meeting server, so these tests
run the real page against the live server alone. They also count the page's timers: a tab may stay
open for hours, so waiting must never pile up timeouts or intervals.
"""

from __future__ import annotations

import pytest
from django_scopes import scope
from djmoney.money import Money
from playwright.sync_api import Page, expect

from marketplace.models import Plan
from marketplace.roles import Role
from marketplace.services.plans import choose_plan
from marketplace.services.registrations import register
from marketplace.services.rooms import create_room
from tests.e2e.browser import sign_in, watch
from tests.factories import make_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs before the page's scripts: keeps count of the timers that are pending right now.
COUNT_TIMERS = """
(() => {
  const timeouts = new Set(), intervals = new Set();
  const setT = window.setTimeout, clearT = window.clearTimeout;
  const setI = window.setInterval, clearI = window.clearInterval;
  window.setTimeout = function (callback, delay, ...rest) {
    const id = setT(function () { timeouts.delete(id); callback(...arguments); }, delay, ...rest);
    timeouts.add(id);
    return id;
  };
  window.clearTimeout = function (id) { timeouts.delete(id); return clearT(id); };
  window.setInterval = function (...args) { const id = setI(...args); intervals.add(id); return id; };
  window.clearInterval = function (id) { intervals.delete(id); return clearI(id); };
  window.__timers = () => ({ timeouts: timeouts.size, intervals: intervals.size });
})();
"""


@pytest.fixture
def room(live_tenant):
    with scope(tenant=live_tenant):
        plan = Plan.objects.create(
            tenant=live_tenant,
            name="Host",
            slug="host",
            price=Money("0", "USD"),
            max_rooms=5,
            max_attendees_per_room=50,
            max_session_minutes=120,
        )
    host = make_member(live_tenant, Role.MODERATOR, handle="waiting-host", display_name="Wanda Host")
    choose_plan(host, plan, idempotency_key="waiting-host-plan")
    return create_room(host, live_tenant, name="Office hours", access="guests", passcode="open-sesame")


def test_a_registrant_waits_for_the_host(page: Page, live_server, live_tenant, room, settings, artifacts_dir):
    settings.BBB_WAITING_POLL_SECONDS = 1
    learner = make_member(live_tenant, handle="early-bird", display_name="Eli Early")
    register(learner, room)
    asks: list[str] = []
    page.on("request", lambda request: asks.append(request.method) if "/join/" in request.url else None)
    page.add_init_script(COUNT_TIMERS)
    problems = watch(page)
    sign_in(page.context, learner, live_server)

    page.goto(f"{live_server.url}/rooms/{room.public_id}/join/")
    expect(page.get_by_test_id("room-name")).to_have_text("Office hours")
    expect(page.get_by_test_id("join-waiting")).to_contain_text("Waiting for the host to start the meeting…")
    expect(page.get_by_test_id("join-elapsed")).to_have_text("0:03", timeout=6000)
    expect(page.get_by_test_id("guest-form")).to_have_count(0)
    expect(page.get_by_test_id("back-to-room")).to_have_attribute("href", f"/@waiting-host/{room.slug}/")
    page.screenshot(path=artifacts_dir / "join-waiting.png", full_page=True)

    # Asked again about once a second, never two requests at a time, and the timers do not pile up.
    page.wait_for_timeout(2000)
    posts = [method for method in asks if method == "POST"]
    assert 4 <= len(posts) <= 8
    timers = page.evaluate("() => window.__timers()")
    assert timers["intervals"] <= 1 and timers["timeouts"] <= 2, timers
    problems.assert_none("the join page while waiting")


def test_a_guest_gives_the_passcode_then_waits(page: Page, live_server, room, settings):
    settings.BBB_WAITING_POLL_SECONDS = 1
    problems = watch(page)

    page.goto(f"{live_server.url}/rooms/{room.public_id}/join/")
    expect(page.get_by_test_id("guest-form")).to_be_visible()
    expect(page.get_by_test_id("join-waiting")).to_be_hidden()
    page.fill("#guest-name", "Gus Guest")
    page.fill("#guest-passcode", "wrong-guess")
    page.get_by_test_id("guest-join").click()
    expect(page.get_by_test_id("guest-passcode-error")).to_have_text("That passcode is not right.")
    expect(page.get_by_test_id("guest-form")).to_be_visible()
    problems.clear()  # the browser logs the refused request (403) as a console error

    page.fill("#guest-passcode", "open-sesame")
    page.get_by_test_id("guest-join").click()
    expect(page.get_by_test_id("join-waiting")).to_contain_text("Waiting for the host to start the meeting…")
    expect(page.get_by_test_id("guest-form")).to_be_hidden()
    expect(page.get_by_test_id("guest-passcode-error")).to_be_hidden()
    expect(page.get_by_test_id("join-elapsed")).to_have_text("0:02", timeout=5000)
    problems.assert_none("the join page of a guest")
