"""Editing a room in Chromium: a plan error next to its field, a valid save, a session on the schedule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone
from django_scopes import scope
from playwright.sync_api import Page, expect

from marketplace.models import Room, ScheduledSession
from marketplace.roles import Role
from marketplace.services.rooms import create_room
from tests.e2e.browser import sign_in, watch
from tests.factories import make_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_moderator_edits_a_room_and_plans_a_session(page: Page, live_server, live_tenant, artifacts_dir):
    host = make_member(live_tenant, Role.MODERATOR, handle="live-host", time_zone="Europe/Paris")
    room = create_room(host, live_tenant, name="Office hours")
    sign_in(page.context, host, live_server)
    problems = watch(page)

    page.goto(f"{live_server.url}/dashboard/rooms/")
    page.get_by_role("link", name="Office hours").click()
    page.wait_for_url(f"**/dashboard/rooms/{room.public_id}/")
    expect(page.locator("#room-name")).to_have_value("Office hours")

    # The free plan has no paid rooms: the error shows next to the fee model, nothing is saved.
    page.select_option("#room-fee-model", "one_time")
    page.fill("#room-price", "15")
    expect(page.get_by_text("Attendees pay $15.00 once.")).to_be_visible()
    page.get_by_role("button", name="Save room").click()
    expect(page.get_by_test_id("fee_model-error")).to_contain_text("plan does not include paid rooms")
    # Chromium logs every 4xx answer as a console error: the refused save is the only one expected.
    assert [e for e in problems.console_errors if "status of 403" not in e] == []
    assert len(problems.console_errors) == 1
    problems.clear()
    problems.assert_none("the room edit page after a plan error")

    page.select_option("#room-fee-model", "free")
    page.fill("#room-name", "Office hours live")
    page.fill("#room-max-participants", "8")
    page.fill("#room-welcome", "Welcome, everyone!")
    page.get_by_role("button", name="Save room").click()
    expect(page.get_by_test_id("room-saved")).to_be_visible()
    expect(page.get_by_test_id("fee_model-error")).to_be_empty()
    with scope(tenant=live_tenant):
        saved = Room.objects.get(pk=room.pk)
    assert (saved.name, saved.max_participants, saved.welcome_message, saved.fee_model) == (
        "Office hours live",
        8,
        "Welcome, everyone!",
        "free",
    )

    year = timezone.now().year + 1
    expect(page.locator("#session-time-zone")).to_have_value("Europe/Paris")
    page.fill("#session-start", f"{year}-07-01T18:30")
    page.fill("#session-duration", "30")
    page.fill("#session-title", "Kick-off")
    page.get_by_role("button", name="Add session").click()
    expect(page.get_by_test_id("sessions")).to_contain_text("Kick-off")
    expect(page.get_by_test_id("sessions")).to_contain_text("(Europe/Paris)")
    expect(page.get_by_test_id("subscribe")).to_have_attribute(
        "href", f"webcal://localhost:{live_server.thread.port}/rooms/{room.public_id}/calendar.ics"
    )
    page.screenshot(path=artifacts_dir / "room-edit.png", full_page=True)
    problems.assert_none("the room edit page after saving and planning")

    with scope(tenant=live_tenant):
        session = ScheduledSession.objects.get(room=room)
    assert session.starts_at == datetime(year, 7, 1, 16, 30, tzinfo=UTC)
    assert (session.duration_minutes, session.time_zone) == (30, "Europe/Paris")
