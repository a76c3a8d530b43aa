"""Building sites to search: topics, hosts with profiles, rooms and sessions, through the services."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django_scopes import scope
from djmoney.money import Money

from marketplace.models import Plan, Room, RoomStatus, Tenant, Topic, User
from marketplace.roles import Role
from marketplace.services.moderator_profiles import get_or_create_profile, update_profile
from marketplace.services.plans import choose_plan
from marketplace.services.rooms import create_room
from marketplace.services.schedule import add_session
from marketplace.services.topics import create_topic
from tests.factories import make_member

_keys = itertools.count()


def topic(tenant: Tenant, name: str) -> Topic:
    admin = make_member(tenant, Role.ADMIN)
    return create_topic(tenant, actor=admin, name=name)


def studio_plan(tenant: Tenant) -> Plan:
    """A free plan that allows every kind of room (the tenant's own, found or made)."""
    with scope(tenant=tenant):
        plan, _ = Plan.objects.get_or_create(
            tenant=tenant,
            slug="search-studio",
            defaults={
                "name": "Studio",
                "price": Money(0, str(tenant.default_currency)),
                "max_rooms": 50,
                "max_attendees_per_room": 100,
                "max_session_minutes": 240,
                "allows_paid_rooms": True,
                "allows_subscription_rooms": True,
                "allows_per_minute_rooms": True,
            },
        )
    return plan


def host(
    tenant: Tenant,
    handle: str,
    name: str,
    *,
    headline: str = "",
    bio: str = "",
    topics: tuple[str, ...] = (),
    languages: tuple[str, ...] = ("en",),
    visibility: str = "public",
) -> User:
    """A moderator on a plan that allows paid rooms, with a filled-in profile."""
    user = make_member(tenant, Role.MODERATOR, handle=handle, display_name=name)
    choose_plan(user, studio_plan(tenant), idempotency_key=f"search-plan-{next(_keys)}")
    profile = get_or_create_profile(user, tenant)
    update_profile(
        profile,
        actor=user,
        headline=headline,
        bio=bio,
        topics=list(topics),
        languages=list(languages),
        visibility=visibility,
    )
    return user


def room(owner: User, tenant: Tenant, name: str, *, price: str = "", **fields) -> Room:
    """A room; a price makes it a one-time fee room unless fee_model says otherwise."""
    if price:
        fields.setdefault("fee_model", "one_time")
        fields["price"] = Money(Decimal(price), str(tenant.default_currency))
    return create_room(owner, tenant, name=name, **fields)


def session_in(room_: Room, *, days: int) -> None:
    starts = timezone.now() + timedelta(days=days)
    add_session(room_, actor=room_.owner, starts_at=starts, duration_minutes=60, time_zone="UTC")


def pause(room_: Room) -> None:
    with scope(tenant=room_.tenant):
        room_.status = RoomStatus.PAUSED
        room_.save()
