"""Every email the platform sends, with sample data, for the back office's previews.

Each kind names its template (site/templates/email/, or an app's templates/email/), who receives it,
and builds the context its sender builds, from sample people, rooms and plans: unsaved model
instances with obviously made-up names and example.com addresses. Nothing is read from a real
member and nothing is saved. The preview then goes through the real send's own steps: the queue's
`message_context`, then `render_email` with the site's branding, in the chosen language. Only the
recipients are missing, and nothing is queued or sent. (Like any page, the first use of a new logo
makes its Wagtail rendition.)

A new email needs a kind here: tests/cms/test_email_previews.py checks that every template in an
`email/` folder has one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from email.utils import parseaddr
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from djmoney.money import Money

from marketplace.models import Plan, Registration, Room, Tenant, User
from marketplace.models.registrations import RegistrationStatus
from marketplace.models.rooms import FeeModel
from marketplace.notifications import message_context, render_email
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


def _money(tenant: Tenant, amount: str) -> Money:
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
        price=_money(tenant, "25.00"),
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
        plan=Plan(tenant=tenant, name="Pro (sample)", slug="pro-sample", price=_money(tenant, "19.00")),
    )


@dataclass(frozen=True)
class Sample:
    """A sender's context, and its recipient (None: a bare address, greeted without a name)."""

    context: dict[str, Any]
    recipient: User | None = None


@dataclass(frozen=True)
class EmailKind:
    template: str
    title: str
    recipient: str
    description: str
    sample: Callable[[Cast], Sample] = field(repr=False)
    variant: str = ""  # one template, several cases worth seeing (e.g. with or without an account)

    @property
    def key(self) -> str:
        """The kind's name in the preview's URL."""
        return f"{self.template}_{self.variant}" if self.variant else self.template


# Registrations (marketplace.services.registration_notices).


def _room(cast: Cast) -> dict[str, str]:
    room = cast.room
    return {"room": room.name, "host": room.owner.get_short_name(), "room_id": str(room.public_id)}


def _received(cast: Cast) -> Sample:
    registration = cast.registration
    return Sample(
        {
            "attendee": cast.attendee.get_short_name(),
            "pending": registration.status == RegistrationStatus.PENDING,
            "held": registration.price,
            **_room(cast),
        },
        cast.host,
    )


def _pending(cast: Cast) -> Sample:
    return Sample({"held": cast.registration.price, **_room(cast)}, cast.attendee)


def _approved(cast: Cast) -> Sample:
    starts_at = cast.now + timedelta(days=2)
    next_session = (
        timezone.localtime(starts_at, timezone=ZoneInfo(SAMPLE_TIME_ZONE)).strftime("%Y-%m-%d %H:%M ")
        + SAMPLE_TIME_ZONE
    )
    return Sample({"next_session": next_session, **_room(cast)}, cast.attendee)


def _rejected(cast: Cast) -> Sample:
    registration = cast.registration
    return Sample({"note": registration.note, "released": registration.price, **_room(cast)}, cast.attendee)


def _receipt(cast: Cast) -> Sample:
    registration = cast.registration
    return Sample(
        {
            "amount": registration.price,
            "description": f"{cast.room.name} (monthly subscription)",
            "reference": str(SAMPLE_REFERENCE),
            "date": cast.now.date().isoformat(),
            **_room(cast),
        },
        cast.attendee,
    )


def _subscription_reminder(cast: Cast) -> Sample:
    registration = cast.registration
    return Sample(
        {"price": registration.price, "date": registration.period_end.date().isoformat(), **_room(cast)},
        cast.attendee,
    )


def _subscription_lapsed(cast: Cast) -> Sample:
    return Sample({"price": cast.registration.price, **_room(cast)}, cast.attendee)


# Moderator plans (marketplace.services.plans).


def _plan(cast: Cast) -> Sample:
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


def _room_invitation(cast: Cast, *, has_account: bool) -> Sample:
    return Sample(
        {
            "room": cast.room.name,
            "host": cast.host.get_short_name(),
            "has_account": has_account,
            "email_address": "" if has_account else GUEST_ADDRESS,
        },
        cast.newcomer if has_account else None,
    )


def _member_invitation(cast: Cast, *, has_account: bool) -> Sample:
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


def _billing_values(cast: Cast, state: BillingState) -> dict[str, str]:
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


def _billing_reminder(cast: Cast) -> Sample:
    values = _billing_values(cast, BillingState.ACTIVE)
    return Sample(reminder_context(billing_settings(), values, cast.admin), cast.admin)


def _billing_suspended(cast: Cast) -> Sample:
    return Sample(suspended_context(_billing_values(cast, BillingState.SUSPENDED)), cast.admin)


ATTENDEE, HOST, SITE_ADMINS = "The attendee", "The room's host", "The site's admins"

KINDS: tuple[EmailKind, ...] = (
    EmailKind(
        "registration_received",
        "Registration received",
        HOST,
        "Someone registered for one of the host's rooms; says whether it waits for their approval and "
        "what is held from the attendee's wallet meanwhile.",
        _received,
    ),
    EmailKind(
        "registration_pending",
        "Registration waiting for approval",
        ATTENDEE,
        "The registration needs the host's approval; says what is held from the wallet until then.",
        _pending,
    ),
    EmailKind(
        "registration_approved",
        "Registration approved",
        ATTENDEE,
        "The attendee is in (right away, or once the host approved), with the next session's time.",
        _approved,
    ),
    EmailKind(
        "registration_rejected",
        "Registration not accepted",
        ATTENDEE,
        "The host rejected the registration, with their note and the held money given back.",
        _rejected,
    ),
    EmailKind(
        "payment_receipt",
        "Payment receipt",
        ATTENDEE,
        "A room's fee or a monthly renewal was paid from the wallet.",
        _receipt,
    ),
    EmailKind(
        "subscription_reminder",
        "Room subscription renews soon",
        ATTENDEE,
        "A monthly room subscription renews in a few days, paid from the wallet.",
        _subscription_reminder,
    ),
    EmailKind(
        "subscription_lapsed",
        "Room subscription lapsed",
        ATTENDEE,
        "The wallet did not cover a monthly renewal: the attendee can no longer join.",
        _subscription_lapsed,
    ),
    EmailKind(
        "plan_reminder",
        "Plan renews soon",
        HOST,
        "The host's paid plan renews in a few days (PLAN_REMINDER_DAYS), paid from the wallet.",
        _plan,
    ),
    EmailKind(
        "plan_past_due",
        "Plan renewal failed",
        HOST,
        "The wallet did not cover the plan's renewal: recharge before the grace period ends.",
        _plan,
    ),
    EmailKind(
        "plan_expired",
        "Plan ended",
        HOST,
        "The plan ended and the host is back on the free plan; rooms beyond its limits are paused.",
        _plan,
    ),
    EmailKind(
        "room_invitation",
        "Invitation to a private room",
        "The invited person",
        "A host put someone's account on a private room's access list.",
        partial(_room_invitation, has_account=True),
    ),
    EmailKind(
        "room_invitation",
        "Invitation to a private room (no account yet)",
        "The invited address",
        "A host put an address without an account on a private room's access list: it is asked to sign up.",
        partial(_room_invitation, has_account=False),
        variant="address",
    ),
    EmailKind(
        "member_invitation",
        "New role on the site",
        "The new member",
        "A site admin gave an existing account a role (here: editor) from the back office.",
        partial(_member_invitation, has_account=True),
    ),
    EmailKind(
        "member_invitation",
        "Invitation to join the site (no account yet)",
        "The invited address",
        "A site admin invited an address without a confirmed account: the role is theirs once they "
        "sign up and confirm it, until the invitation expires (MEMBER_INVITATION_DAYS).",
        partial(_member_invitation, has_account=False),
        variant="address",
    ),
    EmailKind(
        "tenant_billing_reminder",
        "Site subscription ends soon",
        SITE_ADMINS,
        "The site's subscription ends in a few days; the title and body are the platform owner's "
        "(Settings → Tenant billing), with the placeholders filled.",
        _billing_reminder,
    ),
    EmailKind(
        "tenant_billing_suspended",
        "Site suspended",
        SITE_ADMINS,
        "The grace period after the site's subscription is over: the site is suspended until it pays.",
        _billing_suspended,
    ),
)
BY_KEY = {kind.key: kind for kind in KINDS}


def kind_named(key: str) -> EmailKind | None:
    return BY_KEY.get(key)


@dataclass(frozen=True)
class Preview:
    kind: EmailKind
    tenant: Tenant
    language: str
    subject: str
    from_email: str
    text: str
    html: str

    @property
    def sender_name(self) -> str:
        return parseaddr(self.from_email)[0]

    @property
    def sender_address(self) -> str:
        return parseaddr(self.from_email)[1]


def render_preview(
    kind: EmailKind, tenant: Tenant, language: str = "", *, now: datetime | None = None
) -> Preview:
    """The kind's email on the tenant's site, in the language (the default one when empty)."""
    language = language or settings.LANGUAGE_CODE
    # Senders build the context before the recipient's language applies (amounts and dates are
    # plain strings by then): the sample is built in the platform's default language.
    with translation.override(settings.LANGUAGE_CODE):
        sample = kind.sample(cast_for(tenant, now or timezone.now()))
        context = message_context(sample.context, sample.recipient)
    message = render_email(kind.template, tenant, context, language)
    html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")
    return Preview(
        kind=kind,
        tenant=tenant,
        language=language,
        subject=message.subject,
        from_email=message.from_email,
        text=message.body,
        html=html,
    )
