"""Sample people, rooms and plans for the email previews, and each email's context built from them.

Unsaved model instances with obviously made-up names and example.com addresses: nothing is read
from a real member and nothing is saved (cms/email_previews.py renders them).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from djmoney.money import Money

from marketplace.models import Plan, Registration, Room, Tenant, User
from marketplace.models.registrations import RegistrationStatus
from marketplace.models.rooms import FeeModel
from marketplace.roles import Role
from payments.models import BillingMode, TenantBilling, TenantPlan
from payments.services.tenant_billing_reminders import placeholder_values, reminder_context, suspended_context
from payments.tenant_billing_selectors import BillingState, BillingStatus, billing_settings

SAMPLE_ROOM_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
SAMPLE_REFERENCE = uuid.UUID("00000000-0000-4000-8000-0000000000a1")
SAMPLE_TIME_ZONE = "Europe/Paris"


@dataclass(frozen=True)
class Cast:
    """The sample people and things an email talks about, for one site."""

    tenant: Tenant
    now: datetime
    attendee: User
    host: User
    admin: User
    newcomer: User
    room: Room
    registration: Registration
    plan: Plan


def money(tenant: Tenant, amount: str) -> Money:
    return Money(Decimal(amount), str(tenant.default_currency))


def cast_for(tenant: Tenant, now: datetime) -> Cast:
    def person(handle: str, name: str) -> User:
        return User(email=f"{handle}@example.com", handle=handle, display_name=name)

    attendee = person("ada-sample", "Ada Sample")
    host = person("sam-example", "Sam Example")
    room = Room(
        tenant=tenant,
        owner=host,
        public_id=SAMPLE_ROOM_ID,
        name="Stargazing for Beginners (sample)",
        slug="stargazing-sample",
        fee_model=FeeModel.MONTHLY,
    )
    registration = Registration(
        tenant=tenant,
        room=room,
        user=attendee,
        status=RegistrationStatus.PENDING,
        fee_model=FeeModel.MONTHLY,
        price=money(tenant, "25.00"),
        period_end=now + timedelta(days=3),
        note="This month's group is full; please register again for the next one.",
    )
    return Cast(
        tenant=tenant,
        now=now,
        attendee=attendee,
        host=host,
        admin=person("alex-admin-sample", "Alex Admin (sample)"),
        newcomer=person("robin-sample", "Robin Sample"),
        room=room,
        registration=registration,
        plan=Plan(tenant=tenant, name="Pro (sample)", slug="pro-sample", price=money(tenant, "19.00")),
    )


@dataclass(frozen=True)
class Sample:
    """A sender's context, and its recipient (None: a bare address, greeted without a name)."""

    context: dict[str, Any]
    recipient: User | None = None


# Registrations (marketplace.services.registration_notices).


def room(cast: Cast) -> dict[str, str]:
    room = cast.room
    return {"room": room.name, "host": room.owner.get_short_name(), "room_id": str(room.public_id)}


def received(cast: Cast) -> Sample:
    registration = cast.registration
    return Sample(
        {
            "attendee": cast.attendee.get_short_name(),
            "pending": registration.status == RegistrationStatus.PENDING,
            "held": registration.price,
            **room(cast),
        },
        cast.host,
    )


def pending(cast: Cast) -> Sample:
    return Sample({"held": cast.registration.price, **room(cast)}, cast.attendee)


def approved(cast: Cast) -> Sample:
    starts_at = cast.now + timedelta(days=2)
    next_session = (
        timezone.localtime(starts_at, timezone=ZoneInfo(SAMPLE_TIME_ZONE)).strftime("%Y-%m-%d %H:%M ")
        + SAMPLE_TIME_ZONE
    )
    return Sample({"next_session": next_session, **room(cast)}, cast.attendee)


def rejected(cast: Cast) -> Sample:
    registration = cast.registration
    return Sample({"note": registration.note, "released": registration.price, **room(cast)}, cast.attendee)


def receipt(cast: Cast) -> Sample:
    registration = cast.registration
    return Sample(
        {
            "amount": registration.price,
            "description": f"{cast.room.name} (monthly subscription)",
            "reference": str(SAMPLE_REFERENCE),
            "date": cast.now.date().isoformat(),
            **room(cast),
        },
        cast.attendee,
    )


def subscription_reminder(cast: Cast) -> Sample:
    registration = cast.registration
    return Sample(
        {"price": registration.price, "date": registration.period_end.date().isoformat(), **room(cast)},
        cast.attendee,
    )


def subscription_lapsed(cast: Cast) -> Sample:
    return Sample({"price": cast.registration.price, **room(cast)}, cast.attendee)


# Moderator plans (marketplace.services.plans).


def plan(cast: Cast) -> Sample:
    period_end = cast.now + timedelta(days=3)
    return Sample(
        {
            "plan": cast.plan.name,
            "price": cast.plan.price,
            "date": period_end.date().isoformat(),
            "grace": (period_end + timedelta(days=3)).date().isoformat(),
        },
        cast.host,
    )


# Invitations (marketplace.services.access_lists and invitations).


GUEST_ADDRESS = "lee.guest@example.com"


def room_invitation(cast: Cast, *, has_account: bool) -> Sample:
    return Sample(
        {
            "room": cast.room.name,
            "host": cast.host.get_short_name(),
            "has_account": has_account,
            "email_address": "" if has_account else GUEST_ADDRESS,
        },
        cast.newcomer if has_account else None,
    )


def member_invitation(cast: Cast, *, has_account: bool) -> Sample:
    context = {
        "role": Role.EDITOR.label.lower(),
        "inviter": cast.admin.get_short_name(),
        "back_office": True,
        "has_account": has_account,
    }
    if has_account:
        return Sample(context, cast.newcomer)
    expires = cast.now + timedelta(days=settings.MEMBER_INVITATION_DAYS)
    return Sample({**context, "email_address": GUEST_ADDRESS, "expires": expires.date().isoformat()})


# The site's own subscription (payments.services.tenant_billing_reminders), with the owner's text.


def billing_values(cast: Cast, state: BillingState) -> dict[str, str]:
    options = billing_settings()
    currency = TenantPlan._meta.get_field("price").default_currency  # the platform prices its plans
    plan = TenantPlan(name="Growth (sample)", slug="growth-sample", price=Money(Decimal("49.00"), currency))
    billing = TenantBilling(tenant=cast.tenant, mode=BillingMode.PAID, plan=plan)
    if state == BillingState.SUSPENDED:
        expires_at = cast.now - timedelta(days=options.grace_days + 1)
    else:
        expires_at = cast.now + timedelta(days=7)
    status = BillingStatus(
        state=state,
        subscriptions_enabled=True,
        mode=BillingMode.PAID,
        plan=plan,
        expires_at=expires_at,
        suspends_at=expires_at + timedelta(days=options.grace_days),
        grace_days=options.grace_days,
    )
    return placeholder_values(cast.tenant, billing, status, now=cast.now)


def billing_reminder(cast: Cast) -> Sample:
    values = billing_values(cast, BillingState.ACTIVE)
    return Sample(reminder_context(billing_settings(), values, cast.admin), cast.admin)


def billing_suspended(cast: Cast) -> Sample:
    return Sample(suspended_context(billing_values(cast, BillingState.SUSPENDED)), cast.admin)
