"""Back-office figures: every series per period on a seeded fortnight, grouping, currencies, CSV,
isolation between tenants, who may read them, bad parameters, and the admin home panel."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django_scopes import scope
from djmoney.money import Money

from conferencing.models import Attendance, JoinGrant, Recording, Session, SessionStatus
from marketplace.models import Plan, Tenant, User
from marketplace.roles import Role
from marketplace.services.plans import choose_plan
from marketplace.services.registrations import register
from marketplace.services.rooms import create_room
from payments.services.payouts import approve_payout, cancel_payout, mark_payout_paid, request_payout
from payments.services.sales import refund_sale
from tests.factories import UserFactory, make_member
from tests.factories.money import fund

pytestmark = pytest.mark.django_db

START, END = date(2026, 3, 2), date(2026, 3, 15)  # Monday to Sunday: two ISO weeks
DAYS = [START + timedelta(days=n) for n in range(14)]


def at(day: int, hour: int = 10, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def travel(moment: datetime):
    return time_machine.travel(moment, tick=False)


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def daily(values: dict[int, object], zero: object) -> list[dict]:
    """The expected points of March 2-15, from {day of March: value}."""
    return [{"period": day.isoformat(), "value": values.get(day.day, zero)} for day in DAYS]


@pytest.fixture(autouse=True)
def _ledger_in_python(settings):
    # The database's posting function stamps entries with the database clock; the Python path
    # uses Django's, which time_machine moves, so each entry lands on the day the test chooses.
    settings.LYCEUM_LEDGER_DATABASE_ENGINE = False


@dataclass
class Seeded:
    admin: User
    other_admin: User
    owner: User
    beta: Tenant


def _conferencing(tenant: Tenant, room, buyer: User) -> None:
    with scope(tenant=tenant):
        first = Session.objects.create(
            tenant=tenant,
            room=room,
            meeting_id="m",
            create_time=1,
            endpoint="http://bbb.test/",
            status=SessionStatus.ENDED,
            started_at=at(5),
            ended_at=at(5, 11),
        )
        for key, seconds in (("a", 1800), ("b", 930)):
            Attendance.objects.create(
                tenant=tenant,
                session=first,
                bbb_user_id=key,
                full_name=key,
                role="VIEWER",
                joined_at=at(5),
                duration_seconds=seconds,
            )
        with travel(at(5)):
            JoinGrant.objects.create(
                tenant=tenant, session=first, user=buyer, full_name="Buyer", role="VIEWER", bbb_user_id="u1"
            )
            JoinGrant.objects.create(
                tenant=tenant, session=first, full_name="Guest", role="VIEWER", guest=True, bbb_user_id="g1"
            )
        second = Session.objects.create(
            tenant=tenant,
            room=room,
            meeting_id="m",
            create_time=2,
            endpoint="http://bbb.test/",
            status=SessionStatus.ENDED,
            started_at=at(12),
            ended_at=at(12, 11),
        )
        Attendance.objects.create(
            tenant=tenant,
            session=second,
            bbb_user_id="a",
            full_name="a",
            role="VIEWER",
            joined_at=at(12),
            duration_seconds=600,
        )
        for record_id, day, size, deleted in (
            ("r1", 5, 2_500_000, None),
            ("r2", 12, 1_000_000, at(13)),
            ("r3", 12, 500_000, None),
        ):
            Recording.objects.create(
                tenant=tenant,
                room=room,
                record_id=record_id,
                name=record_id,
                state="published",
                started_at=at(day),
                raw_size=size,
                deleted_at=deleted,
            )


@pytest.fixture
def seeded(tenant, other_tenant, admin_user) -> Seeded:
    """Two weeks of one tenant's life, plus a recharge and a sign-up on another tenant."""
    with travel(at(20, month=2)):
        with scope(tenant=tenant):
            paid_rooms = Plan.objects.create(
                tenant=tenant,
                name="Pro",
                slug="pro",
                price=usd("0"),
                billing_period="monthly",
                max_rooms=5,
                max_attendees_per_room=50,
                max_session_minutes=120,
                allows_paid_rooms=True,
            )
            studio = Plan.objects.create(
                tenant=tenant, name="Studio", slug="studio", price=usd("30"), billing_period="monthly"
            )
        host = make_member(tenant, Role.MODERATOR, handle="host")
        choose_plan(host, paid_rooms, idempotency_key="host-plan")
        room = create_room(host, tenant, name="Algebra", fee_model="one_time", price=usd("20"))
        buyer, seller = make_member(tenant, handle="buyer"), make_member(tenant, handle="seller")
        fund(tenant, host, "30")
        fund(tenant, seller, "30")
        beta_admin = make_member(other_tenant, Role.ADMIN, handle="beta-admin")
        owner = UserFactory(is_superuser=True, is_staff=True)
    with travel(at(25, month=2)):
        early = request_payout(tenant=tenant, user=host, amount=usd("5"), idempotency_key="early")
    with travel(at(2, 9)):
        newcomer = make_member(tenant, handle="newcomer")
        beta_user = make_member(other_tenant, handle="beta-user")
    with travel(at(2)):
        fund(tenant, buyer, "100")
        fund(tenant, newcomer, "50", "EUR")
        fund(other_tenant, beta_user, "70")
    with travel(at(3)):
        cancel_payout(early, actor=host)
    with travel(at(4)):
        registration = register(buyer, room)
    _conferencing(tenant, room, buyer)
    with travel(at(6)):
        create_room(host, tenant, name="Geometry")
    with travel(at(9)):
        choose_plan(seller, studio, idempotency_key="seller-plan")
    with travel(at(10)):
        first = request_payout(tenant=tenant, user=host, amount=usd("10"), idempotency_key="first")
    with travel(at(11)):
        request_payout(tenant=tenant, user=host, amount=usd("5"), idempotency_key="second")
    with travel(at(12)):
        approve_payout(first, actor=admin_user)
        make_member(tenant, handle="late")
    with travel(at(13)):
        mark_payout_paid(first, actor=admin_user, external_reference="bank-1")
    with travel(at(14)):
        refund_sale(registration.sale, idempotency_key="refund", actor=admin_user)
    return Seeded(admin=admin_user, other_admin=beta_admin, owner=owner, beta=other_tenant)


def get(client, series: str, **params):
    query = {"start": START.isoformat(), "end": END.isoformat(), **params}
    return client.get(f"/api/v1/stats/{series}/", query)


EXPECTED_DAILY = {
    "revenue": daily({4: "2.00", 9: "28.50", 14: "-2.00"}, "0.00"),
    "tenant-commission": daily({4: "2.00", 14: "-2.00"}, "0.00"),
    "platform-commission": daily({4: "1.00", 9: "1.50", 14: "-1.00"}, "0.00"),
    "recharges": daily({2: "100.00"}, "0.00"),
    "recharge-count": daily({2: 2}, 0),
    "active-users": daily({2: 2, 3: 1, 4: 2, 5: 1, 9: 1, 10: 1, 11: 1, 14: 2}, 0),
    "sign-ups": daily({2: 1, 12: 1}, 0),
    "rooms-created": daily({6: 1}, 0),
    "sessions": daily({5: 1, 12: 1}, 0),
    "participant-minutes": daily({5: "45.50", 12: "10.00"}, "0.00"),
    "recording-storage": daily({5: "2.50", 12: "0.50"}, "0.00"),
    "payout-queue": daily({2: 1, 10: 1, 11: 2, 12: 2, 13: 1, 14: 1, 15: 1}, 0),
}


MONEY_SERIES = {"revenue", "tenant-commission", "platform-commission", "recharges"}


def test_each_series_per_day_with_zero_filled_gaps(api_for, tenant, seeded):
    client = api_for(tenant, seeded.admin)
    # One seeding for all series (it is the slow part); the loop names the series that differs.
    for series, expected in EXPECTED_DAILY.items():
        body = get(client, series).json()
        assert (body["series"], body["group"], body["tenant"]) == (series, "day", "alpha")
        assert body["points"] == expected, series
        assert ("currency" in body) == (series in MONEY_SERIES), series


def test_the_catalogue_lists_every_series(api_for, tenant, admin_user):
    names = [row["name"] for row in api_for(tenant, admin_user).get("/api/v1/stats/").json()]
    assert sorted(names) == sorted(EXPECTED_DAILY)


WEEKLY = {
    "revenue": ["2.00", "26.50"],
    "recharge-count": [2, 0],
    # A person active on several days of a week is one active person that week.
    "active-users": [3, 3],
    "participant-minutes": ["45.50", "10.00"],
    # The queue at the end of each week, not the sum of its days.
    "payout-queue": [0, 1],
}


def test_weekly_grouping_starts_on_monday(api_for, tenant, seeded):
    client = api_for(tenant, seeded.admin)
    for series, expected in WEEKLY.items():
        body = get(client, series, group="week").json()
        assert [point["period"] for point in body["points"]] == ["2026-03-02", "2026-03-09"]
        assert [point["value"] for point in body["points"]] == expected, series


def test_monthly_grouping_and_a_window_that_starts_mid_period(api_for, tenant, seeded):
    client = api_for(tenant, seeded.admin)
    count = get(client, "recharge-count", group="month", start="2026-02-01", end="2026-03-31").json()
    assert count["points"] == [{"period": "2026-02-01", "value": 2}, {"period": "2026-03-01", "value": 2}]
    queue = get(client, "payout-queue", group="month", start="2026-02-01", end="2026-03-31").json()
    assert [point["value"] for point in queue["points"]] == [1, 1]
    # The first point is labelled with its month, but only counts the days inside the window.
    clipped = get(client, "recharge-count", group="month", start="2026-02-21", end="2026-03-01").json()
    assert clipped["points"] == [{"period": "2026-02-01", "value": 0}, {"period": "2026-03-01", "value": 0}]


def test_money_series_are_in_one_currency(api_for, tenant, seeded):
    client = api_for(tenant, seeded.admin)
    euros = get(client, "recharges", currency="eur").json()
    assert euros["currency"] == "EUR"
    assert euros["points"] == daily({2: "50.00"}, "0.00")
    yen = get(client, "revenue", currency="JPY").json()
    assert yen["currency"] == "JPY"
    assert {point["value"] for point in yen["points"]} == {"0"}  # no minor unit, nothing in yen
    assert get(client, "revenue").json()["currency"] == "USD"  # the tenant's default


def test_csv_matches_json(api_for, tenant, seeded):
    client = api_for(tenant, seeded.admin)
    for series in ("recharges", "payout-queue"):
        body = get(client, series).json()
        response = get(client, series, format="csv")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert f'filename="{series}-2026-03-02-2026-03-15-day.csv"' in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        money = "currency" in body
        assert rows[0] == (["period", "value", "currency"] if money else ["period", "value"])
        currency = [body["currency"]] if money else []
        assert rows[1:] == [[p["period"], str(p["value"]), *currency] for p in body["points"]]


def test_tenant_admins_see_only_their_tenant(api_for, tenant, seeded):
    alpha = get(api_for(tenant, seeded.admin), "recharges").json()
    beta = get(api_for(seeded.beta, seeded.other_admin), "recharges").json()
    assert alpha["points"][0]["value"] == "100.00"
    assert beta["points"] == daily({2: "70.00"}, "0.00")
    assert get(api_for(seeded.beta, seeded.other_admin), "sign-ups").json()["points"] == daily({2: 1}, 0)
    # Naming the other tenant is refused; asking on its site is refused too.
    refused = get(api_for(tenant, seeded.admin), "recharges", tenant="beta")
    assert refused.status_code == 400
    assert "tenant" in refused.json()["error"]["fields"]
    assert get(api_for(tenant, seeded.admin), "recharges", tenant="alpha").status_code == 200
    assert get(api_for(seeded.beta, seeded.admin), "recharges").status_code == 403


def test_the_owner_sees_every_tenant_or_one(api_for, tenant, seeded):
    client = api_for(tenant, seeded.owner)
    everyone = get(client, "recharges").json()
    assert everyone["tenant"] is None
    assert everyone["points"][0]["value"] == "170.00"
    assert get(client, "recharge-count").json()["points"][0]["value"] == 3
    assert get(client, "active-users").json()["points"][0]["value"] == 3
    assert get(client, "sign-ups").json()["points"] == daily({2: 2, 12: 1}, 0)
    only_beta = get(client, "recharges", tenant="beta").json()
    assert only_beta["tenant"] == "beta"
    assert only_beta["points"] == daily({2: "70.00"}, "0.00")
    assert get(client, "revenue", tenant="alpha").json()["points"] == EXPECTED_DAILY["revenue"]
    unknown = get(client, "recharges", tenant="nobody")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["fields"]["tenant"] == ["No tenant has this slug."]


def test_attendees_editors_and_strangers_are_refused(api_for, tenant, attendee):
    editor = make_member(tenant, Role.EDITOR)
    for user in (attendee, editor):
        response = get(api_for(tenant, user), "revenue")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
        assert api_for(tenant, user).get("/api/v1/stats/").status_code == 403
    assert get(api_for(tenant), "revenue").status_code == 401
    # Asking for CSV does not change the answer's shape: errors stay JSON.
    csv_refused = get(api_for(tenant, attendee), "revenue", format="csv")
    assert csv_refused.status_code == 403
    assert csv_refused.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"start": "2026-13-01"}, "start", "format"),
        ({"end": "yesterday"}, "end", "format"),
        ({"group": "year"}, "group", "valid choice"),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "start", "after the end"),
        ({"start": "2024-01-01", "end": "2026-03-01"}, "start", "at most 731 days"),
        ({"group": "week", "start": "2014-01-01", "end": "2026-03-01"}, "start", "at most 3653 days"),
        ({"currency": "XYZ"}, "currency", "Choose one of"),
    ],
)
def test_bad_parameters_answer_400_naming_the_field(api_for, tenant, admin_user, params, field, words):
    response = get(api_for(tenant, admin_user), "revenue", **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert words in error["fields"][field][0]


def test_defaults_and_unknown_series(api_for, tenant, admin_user):
    client = api_for(tenant, admin_user)
    with travel(at(15)):
        body = client.get("/api/v1/stats/sessions/").json()
    assert (body["start"], body["end"], body["group"]) == ("2026-02-14", "2026-03-15", "day")
    assert len(body["points"]) == 30
    missing = client.get("/api/v1/stats/streaming-minutes/")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "No such series."
