"""Monthly-subscription rooms: renewal from the wallet, reminder, lapse, cancel at period end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django_scopes import scope

from marketplace.models import Registration, RegistrationStatus
from marketplace.services import registrations as services
from marketplace.services.room_subscriptions import (
    renew_room_subscriptions,
    send_room_subscription_reminders,
)
from payments.models import Entry, EntryKind
from tests.factories import make_member
from tests.factories.money import balance, fund
from tests.marketplace.registration_fixtures import usd

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


@pytest.fixture
def sam(tenant):
    return make_member(tenant, handle="sam", display_name="Sam Student")


@pytest.fixture
def monthly(make_room):
    return make_room(name="Weekly clinic", fee_model="monthly", price=usd("15.00"))


def current(registration):
    with scope(tenant=registration.tenant):
        return Registration.objects.get(pk=registration.pk)


def subscription_charges(tenant) -> int:
    with scope(tenant=tenant):
        return Entry.objects.filter(kind=EntryKind.ROOM_SUBSCRIPTION).count()


def test_renews_monthly_from_the_wallet_and_charges_once(tenant, host, sam, monthly, outbox):
    fund(tenant, sam, "40")
    with time_machine.travel(START, tick=False):
        registration = services.register(sam, monthly)
    assert current(registration).period_end == datetime(2026, 2, 28, 9, 0, tzinfo=UTC)  # clamped month end

    with time_machine.travel(datetime(2026, 2, 28, 10, 0, tzinfo=UTC), tick=False):
        assert renew_room_subscriptions() == {"renewed": 1}
        assert renew_room_subscriptions() == {}  # a second run charges nothing
    assert balance(tenant, sam) == usd("10.00")
    assert subscription_charges(tenant) == 2
    assert current(registration).period_end == datetime(2026, 3, 28, 9, 0, tzinfo=UTC)
    assert [m["Subject"] for m in outbox()].count(f"[{tenant.name}] Receipt: $15.00 for Weekly clinic") == 2
    call_command("ledger_verify", verbosity=0)


def test_reminder_once_then_lapse_on_insufficient_funds(tenant, sam, monthly, outbox, settings):
    settings.ROOM_SUBSCRIPTION_REMINDER_DAYS = 3
    fund(tenant, sam, "15")
    with time_machine.travel(START, tick=False):
        registration = services.register(sam, monthly)
    with time_machine.travel(datetime(2026, 2, 26, 9, 0, tzinfo=UTC), tick=False):
        assert send_room_subscription_reminders() == 1
        assert send_room_subscription_reminders() == 0
    with time_machine.travel(datetime(2026, 2, 28, 9, 5, tzinfo=UTC), tick=False):
        assert renew_room_subscriptions() == {"lapsed": 1}
    assert current(registration).status == RegistrationStatus.LAPSED
    assert balance(tenant, sam) == usd("0")
    subjects = [m["Subject"] for m in outbox() if m["To"] == sam.email]
    assert f"[{tenant.name}] Your subscription to Weekly clinic renews on 2026-02-28" in subjects
    assert f"[{tenant.name}] Your subscription to Weekly clinic has lapsed" in subjects

    # Registering again after a recharge resumes it, charged anew.
    fund(tenant, sam, "15")
    assert services.register(sam, monthly).status == RegistrationStatus.APPROVED
    assert balance(tenant, sam) == usd("0")
    call_command("ledger_verify", verbosity=0)


def test_cancel_runs_to_the_end_of_the_paid_month(tenant, sam, monthly):
    fund(tenant, sam, "30")
    with time_machine.travel(START, tick=False):
        registration = services.register(sam, monthly)
        result = services.cancel(registration, actor=sam)
    assert result.refunded is None and result.access_until == datetime(2026, 2, 28, 9, 0, tzinfo=UTC)
    assert current(registration).status == RegistrationStatus.APPROVED  # still in until then
    with time_machine.travel(datetime(2026, 3, 1, tzinfo=UTC), tick=False):
        assert renew_room_subscriptions() == {"canceled": 1}
    assert current(registration).status == RegistrationStatus.CANCELED
    assert balance(tenant, sam) == usd("15.00")


def test_registering_again_before_the_end_undoes_the_cancellation(tenant, sam, monthly):
    fund(tenant, sam, "30")
    registration = services.register(sam, monthly)
    services.cancel(registration, actor=sam)
    services.register(sam, monthly)
    assert current(registration).cancel_at_period_end is False
    assert balance(tenant, sam) == usd("15.00")  # no second charge


def test_paused_room_stops_renewing_without_charging(tenant, sam, monthly):
    fund(tenant, sam, "30")
    registration = services.register(sam, monthly)
    with scope(tenant=tenant):
        monthly.status = "paused"
        monthly.save()
    with time_machine.travel(datetime.now(UTC) + timedelta(days=40), tick=False):
        assert renew_room_subscriptions() == {"room paused": 1}
    assert current(registration).status == RegistrationStatus.LAPSED
    assert balance(tenant, sam) == usd("15.00")
