"""Every email the platform sends, with sample data, for the back office's previews.

Each kind names its template (site/templates/email/, or an app's templates/email/), who receives it,
and builds the context its sender builds from sample people, rooms and plans (cms/email_samples.py):
unsaved model instances with obviously made-up names and example.com addresses. Nothing is read from a real
member and nothing is saved. The preview then goes through the real send's own steps: the queue's
`message_context`, then `render_email` with the site's branding, in the chosen language. Only the
recipients are missing, and nothing is queued or sent. (Like any page, the first use of a new logo
makes its Wagtail rendition.)

A new email needs a kind here: tests/cms/test_email_previews.py checks that every template in an
`email/` folder has one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.utils import timezone, translation

from cms import email_samples as samples
from marketplace.models import Tenant
from marketplace.notifications import message_context, render_email


@dataclass(frozen=True)
class EmailKind:
    template: str
    title: str
    recipient: str
    description: str
    sample: Callable[[samples.Cast], samples.Sample] = field(repr=False)
    variant: str = ""  # one template, several cases worth seeing (e.g. with or without an account)

    @property
    def key(self) -> str:
        """The kind's name in the preview's URL."""
        return f"{self.template}_{self.variant}" if self.variant else self.template


ATTENDEE, HOST, SITE_ADMINS = "The attendee", "The room's host", "The site's admins"

KINDS: tuple[EmailKind, ...] = (
    EmailKind(
        "registration_received",
        "Registration received",
        HOST,
        "Someone registered for one of the host's rooms; says whether it waits for their approval and "
        "what is held from the attendee's wallet meanwhile.",
        samples.received,
    ),
    EmailKind(
        "registration_pending",
        "Registration waiting for approval",
        ATTENDEE,
        "The registration needs the host's approval; says what is held from the wallet until then.",
        samples.pending,
    ),
    EmailKind(
        "registration_approved",
        "Registration approved",
        ATTENDEE,
        "The attendee is in (right away, or once the host approved), with the next session's time.",
        samples.approved,
    ),
    EmailKind(
        "registration_rejected",
        "Registration not accepted",
        ATTENDEE,
        "The host rejected the registration, with their note and the held money given back.",
        samples.rejected,
    ),
    EmailKind(
        "payment_receipt",
        "Payment receipt",
        ATTENDEE,
        "A room's fee or a monthly renewal was paid from the wallet.",
        samples.receipt,
    ),
    EmailKind(
        "subscription_reminder",
        "Room subscription renews soon",
        ATTENDEE,
        "A monthly room subscription renews in a few days, paid from the wallet.",
        samples.subscription_reminder,
    ),
    EmailKind(
        "subscription_lapsed",
        "Room subscription lapsed",
        ATTENDEE,
        "The wallet did not cover a monthly renewal: the attendee can no longer join.",
        samples.subscription_lapsed,
    ),
    EmailKind(
        "plan_reminder",
        "Plan renews soon",
        HOST,
        "The host's paid plan renews in a few days (PLAN_REMINDER_DAYS), paid from the wallet.",
        samples.plan,
    ),
    EmailKind(
        "plan_past_due",
        "Plan renewal failed",
        HOST,
        "The wallet did not cover the plan's renewal: recharge before the grace period ends.",
        samples.plan,
    ),
    EmailKind(
        "plan_expired",
        "Plan ended",
        HOST,
        "The plan ended and the host is back on the free plan; rooms beyond its limits are paused.",
        samples.plan,
    ),
    EmailKind(
        "room_invitation",
        "Invitation to a private room",
        "The invited person",
        "A host put someone's account on a private room's access list.",
        partial(samples.room_invitation, has_account=True),
    ),
    EmailKind(
        "room_invitation",
        "Invitation to a private room (no account yet)",
        "The invited address",
        "A host put an address without an account on a private room's access list: it is asked to sign up.",
        partial(samples.room_invitation, has_account=False),
        variant="address",
    ),
    EmailKind(
        "member_invitation",
        "New role on the site",
        "The new member",
        "A site admin gave an existing account a role (here: editor) from the back office.",
        partial(samples.member_invitation, has_account=True),
    ),
    EmailKind(
        "member_invitation",
        "Invitation to join the site (no account yet)",
        "The invited address",
        "A site admin invited an address without a confirmed account: the role is theirs once they "
        "sign up and confirm it, until the invitation expires (MEMBER_INVITATION_DAYS).",
        partial(samples.member_invitation, has_account=False),
        variant="address",
    ),
    EmailKind(
        "tenant_billing_reminder",
        "Site subscription ends soon",
        SITE_ADMINS,
        "The site's subscription ends in a few days; the title and body are the platform owner's "
        "(Settings → Tenant billing), with the placeholders filled.",
        samples.billing_reminder,
    ),
    EmailKind(
        "tenant_billing_suspended",
        "Site suspended",
        SITE_ADMINS,
        "The grace period after the site's subscription is over: the site is suspended until it pays.",
        samples.billing_suspended,
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
        sample = kind.sample(samples.cast_for(tenant, now or timezone.now()))
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
