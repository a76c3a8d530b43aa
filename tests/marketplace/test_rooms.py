"""Rooms within plan limits: each limit refuses what exceeds it; a smaller plan pauses, never deletes."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password
from django_scopes import scope
from djmoney.money import Money

from marketplace.models import Plan, Room, RoomStatus
from marketplace.roles import Role
from marketplace.services import plans
from marketplace.services.rooms import PlanLimitExceeded, RoomError, SlugTaken, create_room, update_room
from tests.factories import make_member
from tests.factories.money import fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def pro(tenant):
    with scope(tenant=tenant):
        return Plan.objects.create(
            tenant=tenant,
            name="Pro",
            slug="pro",
            price=Money("30", "USD"),
            max_rooms=3,
            max_attendees_per_room=50,
            max_session_minutes=120,
            allows_paid_rooms=True,
            allows_recording=True,
        )


@pytest.fixture
def host(tenant):
    return make_member(tenant, Role.MODERATOR, handle="host")


def rooms_of(tenant, user):
    with scope(tenant=tenant):
        return list(Room.objects.filter(owner=user).order_by("created_at").values_list("name", "status"))


def test_one_click_room_on_the_free_plan(tenant, host):
    room = create_room(host, tenant, name="Office hours")
    assert (room.slug, room.fee_model, room.max_participants, room.max_duration_minutes) == (
        "office-hours",
        "free",
        10,
        45,
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"max_participants": 11}, "max_participants", "up to 10 participants"),
        ({"max_duration_minutes": 46}, "max_duration_minutes", "up to 45 minutes"),
        ({"fee_model": "one_time", "price": Money("5", "USD")}, "fee_model", "does not include paid rooms"),
        ({"fee_model": "monthly", "price": Money("5", "USD")}, "fee_model", "monthly subscription rooms"),
        ({"fee_model": "per_minute", "price": Money("1", "USD")}, "fee_model", "per-minute rooms"),
        ({"record": True}, "record", "does not include recordings"),
    ],
)
def test_each_limit_refuses_what_exceeds_it(tenant, host, fields, field, message):
    with pytest.raises(PlanLimitExceeded, match=message) as raised:
        create_room(host, tenant, name="Too much", **fields)
    assert raised.value.field == field
    assert rooms_of(tenant, host) == []


def test_room_count_limit(tenant, host):
    create_room(host, tenant, name="First")
    with pytest.raises(PlanLimitExceeded, match=r"allows 1 active room\."):
        create_room(host, tenant, name="Second")


def test_update_is_checked_too(tenant, host):
    room = create_room(host, tenant, name="Room")
    with pytest.raises(PlanLimitExceeded, match="participants"):
        update_room(room, actor=host, max_participants=500)
    with scope(tenant=tenant):
        room.refresh_from_db()
    assert room.max_participants == 10


def test_attendees_cannot_host(tenant, attendee):
    with pytest.raises(PlanLimitExceeded, match="choose a plan"):
        create_room(attendee, tenant, name="Nope")


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        (
            {"fee_model": "one_time", "price": Money("5", "EUR")},
            RoomError,
            "Prices on Alpha Academy are in USD",
        ),
        ({"fee_model": "one_time", "price": Money("0", "USD")}, RoomError, "price above zero"),
        ({"access": "guests", "passcode": "12345"}, RoomError, "at least 6 characters"),
        ({"name": "  "}, RoomError, "name"),
    ],
)
def test_bad_room_input(tenant, host, pro, fields, error, message):
    fund(tenant, host, "30")
    plans.choose_plan(host, pro, idempotency_key="pro")
    with pytest.raises(error, match=message):
        create_room(host, tenant, **{"name": "Room", **fields})
    assert rooms_of(tenant, host) == []


def test_slug_clash_and_passcode_is_hashed(tenant, host, pro):
    fund(tenant, host, "30")
    plans.choose_plan(host, pro, idempotency_key="pro")
    room = create_room(host, tenant, name="Maths", slug="maths", access="guests", passcode="s3cret-code")
    assert room.passcode_hash != "s3cret-code" and check_password("s3cret-code", room.passcode_hash)
    with pytest.raises(SlugTaken):
        create_room(host, tenant, name="Maths again", slug="maths")
    # Without an explicit slug, a free one is chosen.
    assert create_room(host, tenant, name="Maths").slug.startswith("maths-")


def test_description_is_sanitised(tenant, host):
    room = create_room(host, tenant, name="R", description='<p onclick="x()">Hi<script>bad()</script></p>')
    assert room.description == "<p>Hi</p>"


def test_downgrade_pauses_never_deletes_and_upgrade_resumes(tenant, host, pro):
    fund(tenant, host, "100")
    subscription = plans.choose_plan(host, pro, idempotency_key="pro")
    create_room(host, tenant, name="A")
    create_room(host, tenant, name="B", max_participants=40)
    create_room(host, tenant, name="C", fee_model="one_time", price=Money("10", "USD"))

    plans.cancel_plan(host, tenant)
    plans.renew_due_subscriptions(now=subscription.period_end)  # back on the free plan
    assert rooms_of(tenant, host) == [("A", "active"), ("B", "paused"), ("C", "paused")]

    plans.choose_plan(host, pro, idempotency_key="pro-again")
    assert rooms_of(tenant, host) == [("A", "active"), ("B", "active"), ("C", "active")]
    with scope(tenant=tenant):
        assert Room.objects.filter(owner=host, status=RoomStatus.PAUSED).count() == 0
