"""The iCal feed: valid RFC 5545 text, times in UTC, cancellations, and who may read it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from marketplace.calendar_feed import escape_text, fold, plain_text
from marketplace.calendar_links import calendar_token
from marketplace.models import Membership, RoomAccess
from marketplace.roles import Role
from marketplace.services.rooms import create_room, update_room
from marketplace.services.schedule import add_session, cancel_session, update_session
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def host(tenant):
    return make_member(tenant, Role.MODERATOR, handle="host")


@pytest.fixture
def room(tenant, host):
    return create_room(
        host,
        tenant,
        name="Maths; algebra, \\ more",
        slug="maths",
        description="<p>Bring <strong>paper</strong>, pens; calculators.</p>"
        "<ul><li>Limits</li><li>Series</li></ul>",
    )


def next_july_evening() -> datetime:
    year = timezone.now().year + 1
    return datetime(year, 7, 1, 18, 30, tzinfo=ZoneInfo("Europe/Paris"))


def feed(tenant, room, query: str = "", user=None):
    client = Client(HTTP_HOST=tenant.hostname)
    if user is not None:
        client.force_login(user)
    return client.get(f"/rooms/{room.public_id}/calendar.ics{query}")


def parse(body: bytes) -> tuple[list[dict[str, str]], dict[str, str]]:
    """(events, calendar properties) from the feed, checking line endings and folding on the way."""
    text = body.decode("utf-8")
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    assert not any("\n" in line or "\r" in line for line in physical)
    lines: list[str] = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    assert (lines[0], lines[-1]) == ("BEGIN:VCALENDAR", "END:VCALENDAR")
    calendar: dict[str, str] = {}
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in lines[1:-1]:
        name, value = line.split(":", 1)
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
        else:
            calendar[name] = value
    return events, calendar


def test_feed_publishes_sessions_in_utc(tenant, room, host):
    session = add_session(
        room, actor=host, starts_at=next_july_evening(), duration_minutes=45, time_zone="Europe/Paris"
    )
    response = feed(tenant, room)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="maths.ics"'

    [event], calendar = parse(response.content)
    assert (calendar["VERSION"], calendar["METHOD"]) == ("2.0", "PUBLISH")
    assert calendar["PRODID"].startswith("-//Lyceum//")
    assert calendar["X-WR-CALNAME"] == "Maths\\; algebra\\, \\\\ more · Alpha Academy"
    year = next_july_evening().year
    assert event["DTSTART"] == f"{year}0701T163000Z"  # 18:30 in Paris (summer time) is 16:30 UTC
    assert event["DTEND"] == f"{year}0701T171500Z"
    assert event["UID"] == f"{session.public_id}@alpha.localhost"
    assert event["SEQUENCE"] == "0" and event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == "Maths\\; algebra\\, \\\\ more"
    assert event["DESCRIPTION"] == "Bring paper\\, pens\\; calculators.\\n\\n- Limits\\n- Series"
    assert event["URL"] == "http://alpha.localhost/@host/maths/"
    assert event["DTSTAMP"].endswith("Z")


def test_long_lines_fold_at_75_octets_without_splitting_characters(tenant, room, host):
    title = "Révisions · équations différentielles 🧮 " * 4
    update_room(room, actor=host, description=f"<p>{'Déjà vu, ' * 30}</p>")
    add_session(
        room,
        actor=host,
        starts_at=next_july_evening(),
        duration_minutes=30,
        time_zone="Europe/Paris",
        title=title[:120],
    )
    response = feed(tenant, room)
    assert b"\r\n " in response.content
    [event], _ = parse(response.content)  # parse() checks every physical line is at most 75 octets
    assert event["SUMMARY"] == escape_text(title[:120].strip())
    assert event["DESCRIPTION"] == escape_text(("Déjà vu, " * 30).strip())


def test_canceled_and_changed_sessions(tenant, room, host):
    kept = add_session(
        room, actor=host, starts_at=next_july_evening(), duration_minutes=30, time_zone="Europe/Paris"
    )
    dropped = add_session(
        room,
        actor=host,
        starts_at=next_july_evening() + timedelta(days=1),
        duration_minutes=30,
        time_zone="Europe/Paris",
        title="Extra",
    )
    update_session(kept, actor=host, title="Moved")
    cancel_session(dropped, actor=host)
    events, _ = parse(feed(tenant, room).content)
    assert [(e["SUMMARY"], e["SEQUENCE"], e["STATUS"]) for e in events] == [
        ("Moved", "1", "CONFIRMED"),
        ("Extra", "1", "CANCELLED"),
    ]


def test_private_room_needs_a_valid_token(tenant, room, host):
    add_session(room, actor=host, starts_at=next_july_evening(), duration_minutes=30, time_zone="UTC")
    update_room(room, actor=host, visibility="private")
    guest = make_member(tenant, handle="guest")
    with scope(tenant=tenant):
        access = RoomAccess.objects.create(tenant=tenant, room=room, user=guest)

    assert feed(tenant, room).status_code == 404
    assert feed(tenant, room, user=guest).status_code == 404  # a calendar app has no session: token only
    token = calendar_token(room, guest)
    assert feed(tenant, room, f"?token={token}").status_code == 200
    assert feed(tenant, room, f"?token={token}x").status_code == 404

    other_room = create_room(make_member(tenant, Role.MODERATOR), tenant, name="Elsewhere")
    update_room(other_room, actor=other_room.owner, visibility="private")
    assert feed(tenant, other_room, f"?token={token}").status_code == 404  # bound to its room

    # The link from the API works for the host, and stops working for a guest who loses access.
    link = Client(HTTP_HOST=tenant.hostname)
    link.force_login(host)
    url = link.get(f"/api/v1/rooms/{room.public_id}/calendar-link/").json()["url"]
    assert (
        Client(HTTP_HOST=tenant.hostname).get(url.removeprefix("http://alpha.localhost")).status_code == 200
    )
    with scope(tenant=tenant):
        access.delete()
    assert feed(tenant, room, f"?token={token}").status_code == 404


def test_token_of_a_member_who_left_the_site_is_refused(tenant, room, host):
    update_room(room, actor=host, visibility="private")
    guest = make_member(tenant, handle="guest")
    with scope(tenant=tenant):
        RoomAccess.objects.create(tenant=tenant, room=room, user=guest)
    token = calendar_token(room, guest)
    assert feed(tenant, room, f"?token={token}").status_code == 200
    with scope(tenant=tenant):
        Membership.objects.filter(user=guest).delete()
    assert feed(tenant, room, f"?token={token}").status_code == 404


def test_other_tenants_host_and_unknown_rooms_answer_404(tenant, other_tenant, room, host):
    assert feed(tenant, room).status_code == 200
    assert feed(other_tenant, room).status_code == 404
    outsider = make_member(other_tenant, Role.ADMIN)
    assert feed(other_tenant, room, user=outsider).status_code == 404
    response = Client(HTTP_HOST=tenant.hostname).get(
        "/rooms/00000000-0000-0000-0000-000000000000/calendar.ics"
    )
    assert response.status_code == 404


def test_rooms_hidden_from_visitors_need_a_member_or_token(tenant, room, host):
    tenant.public_content_visible = False
    tenant.save()
    assert feed(tenant, room).status_code == 404
    attendee = make_member(tenant)
    assert feed(tenant, room, user=attendee).status_code == 200
    assert feed(tenant, room, f"?token={calendar_token(room, attendee)}").status_code == 200


def test_text_helpers():
    assert escape_text("a\\b;c,d\r\ne\nf") == "a\\\\b\\;c\\,d\\ne\\nf"
    assert plain_text('<p>One &amp; two</p><p>See <a href="https://example.com/x">notes</a></p>') == (
        "One & two\n\nSee notes (https://example.com/x)"
    )
    folded = fold("X" * 200)
    assert [len(part) for part in folded.split("\r\n")] == [75, 75, 52]
    emoji = fold("é" * 80)  # two octets each: never cut inside one
    assert all(len(part.encode()) <= 75 for part in emoji.split("\r\n"))
    assert emoji.replace("\r\n ", "") == "é" * 80
