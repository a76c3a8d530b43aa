"""Shared set-up for registration tests: a host with a plan that allows paid rooms, attendees."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scope
from djmoney.money import Money

from marketplace.models import Plan
from marketplace.roles import Role
from marketplace.services.plans import choose_plan
from marketplace.services.rooms import create_room
from tests.factories import make_member

USD = "USD"


def usd(amount: str) -> Money:
    return Money(Decimal(amount), USD)


@pytest.fixture
def pro_plan(tenant):
    with scope(tenant=tenant):
        return Plan.objects.create(
            tenant=tenant,
            name="Pro",
            slug="pro",
            price=usd("0"),
            billing_period="monthly",
            max_rooms=20,
            max_attendees_per_room=100,
            max_session_minutes=240,
            allows_paid_rooms=True,
            allows_subscription_rooms=True,
            allows_recording=True,
        )


@pytest.fixture
def host(tenant, pro_plan):
    user = make_member(tenant, Role.MODERATOR, handle="host", display_name="Hannah Host")
    choose_plan(user, pro_plan, idempotency_key="host-plan")
    return user


@pytest.fixture
def make_room(tenant, host):
    def make(**fields):
        fields.setdefault("name", "Algebra")
        return create_room(host, tenant, **fields)

    return make
