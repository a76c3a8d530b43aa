"""Registrations in Chromium: a paid room with approval end to end, and the host's registrant tools."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope
from djmoney.money import Money
from playwright.sync_api import Page, expect

from marketplace.models import Plan, Registration, RegistrationStatus, Room
from marketplace.roles import Role
from marketplace.services.access_lists import grant_access
from marketplace.services.plans import choose_plan
from marketplace.services.registrations import register
from marketplace.services.rooms import create_room
from tests.e2e.browser import BrowserProblems, sign_in, watch
from tests.factories import make_member
from tests.factories.money import balance, fund

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def switch_to(page: Page, user, live_server) -> None:
    """Sign the browser out of the current account and into another one."""
    page.context.clear_cookies()
    sign_in(page.context, user, live_server)


def accept_next_dialog(page: Page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())


def host_sets_up_a_paid_room(page: Page, live_server, problems: BrowserProblems, artifacts_dir) -> None:
    page.goto(f"{live_server.url}/dashboard/plans/")
    accept_next_dialog(page)
    page.get_by_role("button", name="Choose Pro").click()
    expect(page.get_by_test_id("current-plan")).to_contain_text("Your plan: Pro")

    page.goto(f"{live_server.url}/dashboard/rooms/")
    page.fill("#room-name", "Linear algebra")
    page.get_by_role("button", name="Create room").click()
    page.get_by_role("link", name="Linear algebra").click()
    page.wait_for_url(re.compile(r".*/dashboard/rooms/[0-9a-f-]+/$"))
    expect(page.locator("#room-name")).to_have_value("Linear algebra")
    page.fill("#room-description", "<p>Vectors, matrices and <strong>eigenvalues</strong>.</p>")
    page.select_option("#room-fee-model", "one_time")
    page.fill("#room-price", "20")
    page.get_by_label("I approve each registration").check()
    page.get_by_role("button", name="Save room").click()
    expect(page.get_by_test_id("room-saved")).to_be_visible()
    page.screenshot(path=artifacts_dir / "registration-room-set-up.png", full_page=True)
    problems.assert_none("the host's plan and room pages")


def test_attendee_registers_and_host_approves(page: Page, live_server, live_tenant, artifacts_dir):
    with scope(tenant=live_tenant):
        Plan.objects.create(
            tenant=live_tenant,
            name="Pro",
            slug="pro",
            price=Money("19", "USD"),
            max_rooms=5,
            max_attendees_per_room=50,
            max_session_minutes=120,
            allows_paid_rooms=True,
        )
    host = make_member(live_tenant, Role.MODERATOR, handle="paid-host", display_name="Paula Host")
    learner = make_member(live_tenant, handle="keen-learner", display_name="Kim Learner")
    fund(live_tenant, host, "50")
    fund(live_tenant, learner, "30")
    problems = watch(page)

    sign_in(page.context, host, live_server)
    host_sets_up_a_paid_room(page, live_server, problems, artifacts_dir)
    with scope(tenant=live_tenant):
        room = Room.objects.get(owner=host)
    assert (room.fee_model, room.price, room.approval_required) == ("one_time", Money("20", "USD"), True)
    room_page = f"{live_server.url}/@paid-host/{room.slug}/"

    # The attendee registers from the public room page: the price is held, not paid yet.
    switch_to(page, learner, live_server)
    page.goto(room_page)
    expect(page.get_by_test_id("room-name")).to_have_text("Linear algebra")
    expect(page.get_by_test_id("room-host")).to_contain_text("Paula Host")
    expect(page.get_by_test_id("agenda").locator("strong")).to_have_text("eigenvalues")
    expect(page.get_by_test_id("fee")).to_have_text("$20.00 once")
    expect(page.get_by_test_id("approval-note")).to_contain_text("The host approves each registration")
    page.get_by_test_id("register").click()
    expect(page.get_by_test_id("registration-status")).to_have_text("Waiting for approval")
    expect(page.get_by_text("$20.00 is held in your wallet until the host decides.")).to_be_visible()
    expect(page.get_by_test_id("register")).to_be_hidden()
    page.screenshot(path=artifacts_dir / "registration-pending.png", full_page=True)
    problems.assert_none("the room page after registering")

    page.goto(f"{live_server.url}/dashboard/wallet/")
    expect(page.get_by_test_id("balance").first).to_have_text("$10.00")
    expect(page.get_by_text("$20.00 held for pending bookings")).to_be_visible()
    expect(page.get_by_test_id("history")).to_contain_text("Funds held")
    expect(page.get_by_test_id("history")).to_contain_text("-$20.00")
    problems.assert_none("the wallet while the registration waits")

    # The host approves on the registrants page, reached from My rooms.
    switch_to(page, host, live_server)
    page.goto(f"{live_server.url}/dashboard/rooms/")
    page.get_by_test_id("registrants-link").filter(has_text="1 pending").click()
    page.wait_for_url(f"**/dashboard/rooms/{room.public_id}/registrants/")
    row = page.locator('tr[data-registrant="keen-learner"]')
    expect(row).to_contain_text("Kim Learner")
    expect(row).to_contain_text("Waiting for approval")
    row.get_by_role("button", name="Approve").click()
    expect(row.locator("td").nth(5)).to_have_text("Approved")
    expect(row.get_by_role("button", name="Approve")).to_be_hidden()
    page.screenshot(path=artifacts_dir / "registration-approved.png", full_page=True)
    page.goto(f"{live_server.url}/dashboard/rooms/")
    rooms = page.get_by_test_id("rooms")
    expect(rooms).to_contain_text("1 approved")
    expect(rooms).to_contain_text("$20.00")
    problems.assert_none("the registrants and My rooms pages")

    # The attendee sees the room as approved and the charge in the wallet.
    switch_to(page, learner, live_server)
    page.goto(f"{live_server.url}/dashboard/shared-rooms/")
    shared = page.get_by_test_id("shared-rooms")
    expect(shared).to_contain_text("Linear algebra")
    expect(shared).to_contain_text("Approved")
    expect(shared).to_contain_text("Paid $20.00")
    expect(shared.get_by_role("link", name="Linear algebra")).to_have_attribute(
        "href", f"/@paid-host/{room.slug}/"
    )
    page.screenshot(path=artifacts_dir / "registration-shared-rooms.png", full_page=True)

    page.goto(f"{live_server.url}/dashboard/wallet/")
    expect(page.get_by_test_id("balance").first).to_have_text("$10.00")
    expect(page.get_by_text("held for pending bookings")).to_be_hidden()
    expect(page.get_by_test_id("history")).to_contain_text("-$20.00")
    problems.assert_none("Shared rooms and the wallet after approval")

    with scope(tenant=live_tenant):
        registration = Registration.objects.get(room=room, user=learner)
    assert registration.status == RegistrationStatus.APPROVED
    assert registration.paid == Money("20", "USD")
    assert balance(live_tenant, learner) == Money("10", "USD")
    assert balance(live_tenant, host) == Money("31", "USD") + Money("17", "USD")


def test_host_decides_in_bulk_and_keeps_lists(page: Page, live_server, live_tenant, artifacts_dir):
    with scope(tenant=live_tenant):
        pro = Plan.objects.create(
            tenant=live_tenant,
            name="Pro",
            slug="pro",
            price=Money("0", "USD"),
            max_rooms=5,
            allows_paid_rooms=True,
        )
    host = make_member(live_tenant, Role.MODERATOR, handle="group-host")
    choose_plan(host, pro, idempotency_key="group-host-plan")
    group = create_room(host, live_tenant, name="Study group", visibility="private", approval_required=True)
    people = {
        name: make_member(live_tenant, handle=name, display_name=name.title())
        for name in ("ann", "ben", "cat")
    }
    for person in people.values():
        grant_access(group, actor=host, person=f"@{person.handle}")
        register(person, group)
    problems = watch(page)

    sign_in(page.context, host, live_server)
    page.goto(f"{live_server.url}/dashboard/rooms/{group.public_id}/registrants/")
    rows = page.get_by_test_id("registrants")
    expect(rows.locator("tbody tr")).to_have_count(3)
    page.locator('tr[data-registrant="ann"] input[type=checkbox]').check()
    page.locator('tr[data-registrant="ben"] input[type=checkbox]').check()
    expect(page.get_by_test_id("selected-count")).to_have_text("2 selected")
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_test_id("registrants-notice")).to_have_text("2 done.")
    expect(page.locator('tr[data-registrant="ann"]')).to_contain_text("Approved")

    # Deciding again reports, per row, why nothing changed.
    page.get_by_test_id("select-all").check()
    page.fill("#decision-note", "Full this term")
    page.get_by_role("button", name="Reject selected").click()
    expect(page.get_by_test_id("registrants-notice")).to_have_text("1 done, 2 not changed (see Result).")
    expect(page.locator('tr[data-registrant="ben"]')).to_contain_text(
        "Only pending registrations can be rejected"
    )
    expect(page.locator('tr[data-registrant="cat"]')).to_contain_text("Rejected")

    page.once("dialog", lambda dialog: dialog.accept("Spam"))
    page.locator('tr[data-registrant="ben"]').get_by_role("button", name="Ban").click()
    expect(page.locator('tr[data-registrant="ben"]')).to_contain_text("Banned")
    page.fill("#ban-person", "@outsider")
    page.get_by_role("button", name="Ban", exact=True).last.click()
    expect(page.get_by_test_id("ban-error")).to_contain_text("Nobody here has the handle @outsider")
    # The refused ban answers 400, which Chromium logs: the only console error expected.
    assert [e for e in problems.console_errors if "status of 4" not in e] == []
    problems.clear()

    access = page.get_by_test_id("access-list")
    expect(access).to_contain_text("Has access")
    page.fill("#invite-person", "newcomer@example.com")
    access.get_by_role("button", name="Invite").click()
    expect(access).to_contain_text("Invitation sent to newcomer@example.com.")
    expect(access.locator("tbody tr").filter(has_text="newcomer@example.com")).to_contain_text(
        "Invitation sent"
    )
    page.screenshot(path=artifacts_dir / "registrants-managed.png", full_page=True)
    problems.assert_none("the registrants page")

    page.goto(f"{live_server.url}/dashboard/lists/")
    block = page.get_by_test_id("block-list")
    page.fill("#block-person", "@cat")
    page.fill("#block-note", "Rude in chat")
    block.get_by_role("button", name="Add to black list").click()
    expect(block).to_contain_text("Cat (@cat)")
    allow = page.get_by_test_id("allow-list")
    page.fill("#allow-person", "friend@example.com")
    allow.get_by_role("button", name="Add to white list").click()
    expect(allow).to_contain_text("friend@example.com")
    page.once("dialog", lambda dialog: dialog.accept())
    allow.get_by_role("button", name="Remove").click()
    expect(allow).to_contain_text("Nobody yet.")
    page.screenshot(path=artifacts_dir / "lists.png", full_page=True)
    problems.assert_none("the lists page")

    # An attendee cancels a one-time registration before any session: the fee comes back.
    lesson = create_room(
        host, live_tenant, name="Single lesson", fee_model="one_time", price=Money("5", "USD")
    )
    ann = people["ann"]
    fund(live_tenant, ann, "5")
    register(ann, lesson)
    switch_to(page, ann, live_server)
    page.goto(f"{live_server.url}/dashboard/shared-rooms/")
    row = page.get_by_test_id("shared-rooms").locator("tr").filter(has_text="Single lesson")
    expect(row).to_contain_text("Paid $5.00")
    questions: list[str] = []

    def answer(dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    row.get_by_role("button", name="Cancel").click()
    expect(page.get_by_test_id("cancel-outcome")).to_have_text(
        "Canceled Single lesson: $5.00 went back to your wallet."
    )
    assert "more than 24 hours away" in questions[0]
    expect(row).to_contain_text("Canceled")
    page.screenshot(path=artifacts_dir / "shared-rooms-canceled.png", full_page=True)
    problems.assert_none("Shared rooms after a cancel")
    assert balance(live_tenant, ann) == Money("5", "USD")
