"""Meetings in Chromium against the BBB simulator: joining, attendance and recordings end to end.

The simulator runs as its own process on loopback; the app's settings point at it, and the meeting's
callbacks (ended, analytics, recording ready) come back to live_server through the live tenant's Site.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django_scopes import scope
from djmoney.money import Money
from playwright.sync_api import BrowserContext, Page, expect

from conferencing.models import Recording, Session, SessionStatus
from marketplace.models import Plan, RegistrationStatus, Room
from marketplace.roles import Role
from marketplace.services.plans import choose_plan
from marketplace.services.registrations import register
from marketplace.services.rooms import create_room
from tests.conferencing.conftest import BBBSimulator
from tests.e2e.browser import sign_in, watch
from tests.factories import make_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CALLBACK_DEADLINE = 20  # seconds
MEETING_MINUTES = 5
MEETING_PAGE = re.compile(r"/html5client/join\?sessionToken=")
CALLBACK_KINDS = {"meeting-ended", "analytics", "recording-ready"}


def wait_until(check: Callable[[], object], what: str, timeout: float = CALLBACK_DEADLINE) -> object:
    """Ask `check` again until it answers something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (outcome := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"Still waiting after {timeout}s for {what}.")
        time.sleep(0.1)
    return outcome


def seconds_of(clock: str) -> int:
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    return hours * 3600 + minutes * 60 + seconds


def new_signed_in_context(new_context: Callable[..., BrowserContext], user, live_server) -> BrowserContext:
    context = new_context(viewport={"width": 1280, "height": 900})
    sign_in(context, user, live_server)
    return context


@pytest.fixture
def classroom(live_tenant) -> Room:
    """A free recorded room of a host whose plan includes recordings and attendance reports."""
    with scope(tenant=live_tenant):
        plan = Plan.objects.create(
            tenant=live_tenant,
            name="Studio",
            slug="studio",
            price=Money("0", "USD"),
            max_rooms=5,
            max_attendees_per_room=50,
            max_session_minutes=120,
            allows_recording=True,
            allows_attendance_reports=True,
        )
    host = make_member(live_tenant, Role.MODERATOR, handle="lab-host", display_name="Hana Host")
    choose_plan(host, plan, idempotency_key="lab-host-plan")
    return create_room(host, live_tenant, name="Chemistry lab", record=True)


def callbacks_delivered(bbb: BBBSimulator) -> list[dict]:
    """The simulator's callback log once the three end-of-meeting callbacks are all in."""
    log = bbb.control("callbacks", method="GET")
    if not CALLBACK_KINDS.issubset(entry["kind"] for entry in log):
        return []
    failed = [entry for entry in log if not entry["delivered"]]
    assert not failed, f"Callbacks the app refused: {failed}"
    return log


def test_host_and_attendee_meet_then_see_attendance_and_recording(
    page: Page, new_context, live_server, live_tenant, meeting_server, classroom, artifacts_dir: Path
):
    bbb = meeting_server
    room, host = classroom, classroom.owner
    attendee = make_member(live_tenant, handle="ada-learner", display_name="Ada Learner")
    stranger = make_member(live_tenant, handle="sam-stranger", display_name="Sam Stranger")
    registration = register(attendee, room)
    assert registration.status == RegistrationStatus.APPROVED
    room_page = f"{live_server.url}/@lab-host/{room.slug}/"

    # The host starts the meeting from the room page and lands in it as its moderator.
    host_problems = watch(page, origin=live_server.url)
    sign_in(page.context, host, live_server)
    page.goto(room_page)
    expect(page.get_by_test_id("join")).to_have_text("Start meeting")
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url) if frame == page.main_frame else None)
    page.get_by_test_id("join").click()
    page.wait_for_url(MEETING_PAGE)
    assert page.url.startswith(bbb.base_url)
    assert f"{live_server.url}/rooms/{room.public_id}/join/" in visited
    host_problems.assert_none("the room and join pages of the host")
    expect(page.get_by_test_id("meeting-name")).to_have_text("Chemistry lab")
    expect(page.get_by_test_id("my-name")).to_have_text("Hana Host")
    expect(page.get_by_test_id("my-role")).to_have_text("MODERATOR")
    expect(page.get_by_test_id("end-meeting")).to_be_visible()
    with scope(tenant=live_tenant):
        session = Session.objects.get(room=room)
    assert session.status == SessionStatus.RUNNING
    assert session.recorded

    # The attendee joins from Shared rooms as a viewer.
    learner = new_signed_in_context(new_context, attendee, live_server).new_page()
    learner_problems = watch(learner, origin=live_server.url)
    learner.goto(f"{live_server.url}/dashboard/shared-rooms/")
    row = learner.get_by_test_id("shared-rooms").locator("tr").filter(has_text="Chemistry lab")
    expect(row).to_contain_text("Approved")
    learner_problems.assert_none("Shared rooms before the meeting")
    row.get_by_test_id("join").click()
    learner.wait_for_url(MEETING_PAGE)
    expect(learner.get_by_test_id("meeting-name")).to_have_text("Chemistry lab")
    expect(learner.get_by_test_id("my-role")).to_have_text("VIEWER")
    expect(learner.get_by_test_id("end-meeting")).to_have_count(0)
    learner_problems.assert_none("the join page of the attendee")

    page.reload()
    participants = page.get_by_test_id("participants")
    expect(participants.get_by_test_id("participant")).to_have_count(2)
    expect(participants).to_contain_text("Hana Host")
    expect(participants).to_contain_text("Ada Learner")
    expect(page.get_by_test_id("participant-count")).to_have_text("2")
    page.screenshot(path=artifacts_dir / "meeting-host.png", full_page=True)

    # Some minutes pass in the meeting; the host ends it and is sent back to the room page.
    bbb.advance(MEETING_MINUTES * 60)
    page.reload()  # the meeting page refreshes itself every few seconds: click within a fresh load
    expect(page.get_by_test_id("participant-count")).to_have_text("2")
    host_problems.clear()
    page.get_by_test_id("end-meeting").click()
    page.wait_for_url(room_page)
    expect(page.get_by_test_id("room-name")).to_have_text("Chemistry lab")
    host_problems.assert_none("the room page after the meeting")

    log = wait_until(lambda: callbacks_delivered(bbb), "the meeting's callbacks")
    assert all(entry["url"].startswith(live_server.url) for entry in log)
    with scope(tenant=live_tenant):
        session.refresh_from_db()
        assert session.status == SessionStatus.ENDED
        assert Recording.objects.filter(room=room, session=session, published=True).count() == 1

    # Sessions: one run, ended, with both people in its attendance.
    page.goto(f"{live_server.url}/dashboard/rooms/{room.public_id}/sessions/")
    sessions = page.get_by_test_id("sessions").locator("tbody tr")
    expect(sessions).to_have_count(1)
    cells = sessions.first.locator("td")
    expect(cells.nth(1)).not_to_have_text(re.compile("running|^$"))
    expect(cells.nth(2)).to_have_text("2")  # peak participants
    expect(cells.nth(3)).to_have_text("2")  # attendees
    expect(cells.nth(4)).to_have_text("Yes")
    host_problems.assert_none("the sessions page")
    sessions.first.get_by_test_id("attendance-link").click()
    page.wait_for_url(f"**/dashboard/sessions/{session.public_id}/attendance/")
    expect(page.get_by_test_id("session-times")).to_contain_text(", ended ")
    lines = page.get_by_test_id("attendance").locator("tbody tr")
    expect(lines).to_have_count(2)
    for name, account, role in (
        ("Hana Host", "@lab-host", "Moderator"),
        ("Ada Learner", "@ada-learner", "Viewer"),
    ):
        line = lines.filter(has_text=name)
        expect(line.locator("td").nth(1)).to_have_text(account)
        expect(line.locator("td").nth(2)).to_have_text(role)
        expect(line).not_to_contain_text("in the meeting")
        spent = seconds_of(line.locator("td").nth(5).inner_text())
        # The simulator's clock moved MEETING_MINUTES forward; the rest is the real time the test took.
        assert MEETING_MINUTES * 60 <= spent < (MEETING_MINUTES + 1) * 60, (name, spent)
    page.screenshot(path=artifacts_dir / "meeting-attendance.png", full_page=True)
    host_problems.assert_none("the attendance page")

    with page.expect_download() as download_info:
        page.get_by_test_id("download-csv").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"attendance-{room.slug}-")
    table = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert table[0][:3] == ["Name", "Handle", "Role"]
    by_name = {row[0]: row for row in table[1:]}
    assert set(by_name) == {"Hana Host", "Ada Learner"}
    assert by_name["Ada Learner"][1:3] == ["ada-learner", "Viewer"]
    assert seconds_of(by_name["Ada Learner"][5]) >= MEETING_MINUTES * 60

    # Recordings: the host sees the published recording of that run.
    page.goto(f"{live_server.url}/dashboard/rooms/{room.public_id}/recordings/")
    recordings = page.get_by_test_id("recordings").locator("tbody tr")
    expect(recordings).to_have_count(1)
    expect(recordings.first).to_contain_text("Chemistry lab")
    expect(recordings.first).to_contain_text(f"{MEETING_MINUTES} min")
    expect(recordings.first.get_by_test_id("published-toggle")).to_be_checked()
    expect(recordings.first.locator("a[data-format=presentation]")).to_have_text("Play")
    page.screenshot(path=artifacts_dir / "meeting-recordings-host.png", full_page=True)
    host_problems.assert_none("the host's recordings page")

    # The attendee reaches it from Shared rooms and plays it on the meeting server.
    learner.goto(f"{live_server.url}/dashboard/shared-rooms/")
    row.get_by_test_id("recordings-link").click()
    learner.wait_for_url(f"**/dashboard/rooms/{room.public_id}/recordings/")
    watched = learner.get_by_test_id("recordings").locator("tbody tr")
    expect(watched).to_have_count(1)
    expect(watched.first).to_contain_text("Chemistry lab")
    play = watched.first.locator("a[data-format=presentation]")
    expect(play).to_have_text("Play")
    learner_problems.assert_none("the attendee's recordings page")
    with learner.context.expect_page() as playback_info:
        play.click()
    playback = playback_info.value
    playback.wait_for_load_state()
    assert playback.url.startswith(f"{bbb.base_url}/playback/presentation/")
    expect(playback.get_by_test_id("meeting-name")).to_have_text("Chemistry lab")
    expect(playback.get_by_test_id("playback")).to_be_visible()

    # Someone who never registered gets no sign that the recordings exist.
    outsider = new_signed_in_context(new_context, stranger, live_server).new_page()
    response = outsider.goto(f"{live_server.url}/dashboard/rooms/{room.public_id}/recordings/")
    assert response is not None and response.status == 404
    expect(outsider.get_by_text("Chemistry lab")).to_have_count(0)


def test_join_while_the_meeting_server_is_down_then_after_it_recovers(
    page: Page, live_server, live_tenant, meeting_server, classroom, settings
):
    settings.BBB_RETRIES = 0
    bbb = meeting_server
    room = classroom
    bbb.fail("drop")
    problems = watch(page, origin=live_server.url)
    sign_in(page.context, room.owner, live_server)

    page.goto(f"{live_server.url}/rooms/{room.public_id}/join/")
    error = page.get_by_test_id("join-error")
    expect(error).to_contain_text(
        "The meeting server is not answering right now. Nothing was started; try again in a minute."
    )
    expect(page.get_by_test_id("join-waiting")).to_be_hidden()
    expect(page).to_have_url(f"{live_server.url}/rooms/{room.public_id}/join/")
    # The refused request (503) is logged by the browser: the only console error expected.
    assert [e for e in problems.console_errors if "status of 503" not in e] == []
    problems.clear()
    problems.assert_none("the join page while the meeting server is down")
    with scope(tenant=live_tenant):
        assert not Session.objects.filter(room=room).exists()

    bbb.recover()
    error.get_by_test_id("join-retry").click()
    page.wait_for_url(MEETING_PAGE)
    expect(page.get_by_test_id("my-role")).to_have_text("MODERATOR")
    expect(page.get_by_test_id("meeting-name")).to_have_text("Chemistry lab")
    with scope(tenant=live_tenant):
        assert Session.objects.filter(room=room, status=SessionStatus.RUNNING).count() == 1
