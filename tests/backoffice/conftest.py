"""Fixtures of the back-office tests: people and rows on two sites, and signed-in clients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from django.db.models import Model
from django.test import Client
from django_scopes import scope
from djmoney.money import Money

from conferencing.models import Attendance, Session
from marketplace.models import Membership, Plan, PlanSubscription
from marketplace.roles import Role
from marketplace.services.plans import choose_plan
from marketplace.services.registrations import register
from marketplace.services.rooms import create_room
from payments.models import Payment, WebhookEvent
from payments.services.adjustments import adjust_wallet
from payments.services.payouts import request_payout
from tests.factories import PASSWORD, UserFactory, make_member
from tests.factories.money import fund
from tests.marketplace.registration_fixtures import host, make_room, pro_plan  # noqa: F401

STARTED = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


def sign_in(tenant, user) -> Client:
    """A browser on the tenant's host, logged in with the user's password."""
    client = Client(HTTP_HOST=tenant.hostname)
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def owner(db):
    return UserFactory(handle="platform", email="owner@example.com", is_superuser=True, is_staff=True)


@pytest.fixture
def editor(tenant):
    return make_member(tenant, Role.EDITOR, handle="eddie", email="eddie@example.com")


@pytest.fixture
def other_admin(other_tenant):
    return make_member(other_tenant, Role.ADMIN, handle="rival", email="rival@example.com")


@pytest.fixture
def amy(tenant):
    return make_member(tenant, handle="amy", email="amy@example.com", display_name="Amy Attendee")


@pytest.fixture
def bert(other_tenant):
    return make_member(other_tenant, handle="bert", email="bert@example.com", display_name="Bert Beta")


def moderator_on_plan(tenant, plan_name: str, handle: str):
    """A moderator of the site on a free plan of the given name that allows paid rooms."""
    with scope(tenant=tenant):
        plan = Plan.objects.create(
            tenant=tenant,
            name=plan_name,
            slug=plan_name.lower(),
            price=Money("0", "USD"),
            max_rooms=5,
            max_attendees_per_room=50,
            allows_paid_rooms=True,
        )
    user = make_member(tenant, Role.MODERATOR, handle=handle, email=f"{handle}@example.com")
    choose_plan(user, plan, idempotency_key=f"{handle}-plan")
    return user


@pytest.fixture
def other_host(other_tenant):
    return moderator_on_plan(other_tenant, "Zeta", "zoltan")


@pytest.fixture
def other_room(other_tenant, other_host):
    return create_room(other_host, other_tenant, name="Zoology")


def make_session(room, number: int = 1) -> Session:
    with scope(tenant=room.tenant):
        return Session.objects.create(
            tenant=room.tenant,
            room=room,
            meeting_id=f"lyceum-{room.public_id}",
            internal_meeting_id=f"run-{number}",
            create_time=number,
            endpoint="http://bbb.test/bigbluebutton/api/",
            started_at=STARTED,
            status="ended",
        )


def attend(session: Session, name: str, *, user=None, seconds: int = 600) -> Attendance:
    with scope(tenant=session.tenant):
        return Attendance.objects.create(
            tenant=session.tenant,
            session=session,
            user=user,
            bbb_user_id=f"user-{name.lower().replace(' ', '-')}",
            full_name=name,
            role="VIEWER",
            joined_at=STARTED,
            duration_seconds=seconds,
        )


@dataclass(frozen=True)
class Rows:
    """One row of a screen on each site, and text that tells them apart in a listing."""

    prefix: str
    mine: Model
    theirs: Model
    mine_label: str
    theirs_label: str


def _attendee_row(user, tenant) -> Membership:
    with scope(tenant=tenant):
        return Membership.objects.get(user=user, tenant=tenant, role=Role.ATTENDEE)


def _subscription(user, tenant) -> PlanSubscription:
    with scope(tenant=tenant):
        return PlanSubscription.objects.get(user=user, tenant=tenant)


def _payment(tenant, user, reference: str) -> Payment:
    with scope(tenant=tenant):
        return Payment.objects.create(
            tenant=tenant,
            user=user,
            gateway="test",
            amount=Money("25", "USD"),
            status="succeeded",
            provider_reference=reference,
        )


def _adjustment(tenant, user, actor, reason: str):
    return adjust_wallet(
        tenant=tenant,
        user=user,
        amount=Money("5", "USD"),
        reason=reason,
        idempotency_key=f"test:{reason}",
        actor=actor,
    )


def _payout(tenant, user, key: str):
    fund(tenant, user, "30")
    return request_payout(tenant=tenant, user=user, amount=Money("10", "USD"), idempotency_key=key)


@pytest.fixture
def screen_rows(request, tenant, other_tenant, amy, bert, owner) -> Rows:
    """The rows of the screen named by the test's parameter, built through the services."""
    screen = request.param
    if screen == "members":
        return Rows(screen, _attendee_row(amy, tenant), _attendee_row(bert, other_tenant), "amy", "bert")
    if screen in ("plan-subscriptions", "rooms", "registrations", "sessions"):
        room_a = request.getfixturevalue("make_room")(name="Algebra")
        host_b, room_b = request.getfixturevalue("other_host"), request.getfixturevalue("other_room")
        if screen == "plan-subscriptions":
            aurora = moderator_on_plan(tenant, "Aurora", "amos")
            mine, theirs = _subscription(aurora, tenant), _subscription(host_b, other_tenant)
            return Rows(screen, mine, theirs, "Aurora", "Zeta")
        if screen == "rooms":
            return Rows(screen, room_a, room_b, "Algebra", "Zoology")
        if screen == "registrations":
            return Rows(screen, register(amy, room_a), register(bert, room_b), "amy", "bert")
        return Rows(screen, make_session(room_a), make_session(room_b), "Algebra", "Zoology")
    if screen == "ledger-accounts":
        fund(tenant, amy, "10")
        fund(other_tenant, bert, "10")
        from payments import ledger

        mine, theirs = ledger.wallet_of(amy, tenant, "USD"), ledger.wallet_of(bert, other_tenant, "USD")
        return Rows(screen, mine, theirs, "amy Wallet", "bert Wallet")
    if screen == "ledger-entries":
        mine = _adjustment(tenant, amy, owner, "Alpha goodwill")
        theirs = _adjustment(other_tenant, bert, owner, "Beta goodwill")
        return Rows(screen, mine, theirs, "Alpha goodwill", "Beta goodwill")
    if screen == "gateway-payments":
        mine, theirs = _payment(tenant, amy, "pay_alpha"), _payment(other_tenant, bert, "pay_beta")
        return Rows(screen, mine, theirs, "amy", "bert")
    if screen == "webhook-events":
        mine = WebhookEvent.objects.create(
            provider="test", event_id="evt_alpha", event_type="payment.ok", payload={}, tenant=tenant
        )
        theirs = WebhookEvent.objects.create(
            provider="test", event_id="evt_beta", event_type="payment.ok", payload={}, tenant=other_tenant
        )
        return Rows(screen, mine, theirs, "evt_alpha", "evt_beta")
    if screen == "payouts":
        mine, theirs = _payout(tenant, amy, "payout-amy"), _payout(other_tenant, bert, "payout-bert")
        return Rows(screen, mine, theirs, "amy", "bert")
    raise AssertionError(f"No rows for {screen}")
