"""Scheduled work on registrations: monthly renewals, their reminders, unanswered approvals.

A monthly registration is charged again from the wallet when its paid month ends. If the wallet
cannot pay, the registration lapses at once (no grace: access is per month) and the attendee is
told; registering again resumes it. A reminder goes out ROOM_SUBSCRIPTION_REMINDER_DAYS before.
Pending registrations whose held money expired are rejected and the money released.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from marketplace.models import FeeModel, Registration, RegistrationStatus, RoomStatus
from marketplace.services import registration_notices as notices
from marketplace.services.audit import audit
from marketplace.services.registrations import RegistrationError, _charge, _locked, reject
from payments.exceptions import InsufficientFunds
from payments.models import EntryKind


def _renew_one(registration: Registration, now: datetime) -> str:
    with scope(tenant=registration.tenant), transaction.atomic():
        registration = _locked(registration)
        due = registration.period_end
        if registration.status != RegistrationStatus.APPROVED or due is None or due > now:
            return "not due"
        if registration.cancel_at_period_end:
            registration.status = RegistrationStatus.CANCELED
            registration.save()
            return "canceled"
        if registration.room.status != RoomStatus.ACTIVE:
            registration.status = RegistrationStatus.LAPSED
            registration.note = "The room is paused, so the subscription stopped."
            registration.save()
            notices.subscription_lapsed(registration)
            return "room paused"
        try:
            with transaction.atomic():
                _charge(
                    registration,
                    actor=None,
                    now=now,
                    key=f"registration:{registration.public_id}:renewal:{due.isoformat()}",
                    kind=EntryKind.ROOM_SUBSCRIPTION,
                    period_from=due,
                )
        except InsufficientFunds:
            registration.status = RegistrationStatus.LAPSED
            registration.save()
            audit(registration, "lyceum.registration.lapse", actor=None)
            notices.subscription_lapsed(registration)
            return "lapsed"
        registration.reminded_for = None
        registration.save()
        audit(
            registration, "lyceum.registration.renew", actor=None, until=registration.period_end.isoformat()
        )
        return "renewed"


def renew_room_subscriptions(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    with scopes_disabled():
        due = list(
            Registration.objects.filter(
                status=RegistrationStatus.APPROVED, fee_model=FeeModel.MONTHLY, period_end__lte=now
            ).select_related("tenant")
        )
    outcomes: dict[str, int] = {}
    for registration in due:
        outcome = _renew_one(registration, now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def send_room_subscription_reminders(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.ROOM_SUBSCRIPTION_REMINDER_DAYS)
    with scopes_disabled():
        upcoming = list(
            Registration.objects.filter(
                status=RegistrationStatus.APPROVED,
                fee_model=FeeModel.MONTHLY,
                cancel_at_period_end=False,
                period_end__gt=now,
                period_end__lte=horizon,
            ).select_related("tenant", "room", "room__owner", "user")
        )
    sent = 0
    for registration in upcoming:
        if registration.reminded_for == registration.period_end:
            continue
        with scope(tenant=registration.tenant), transaction.atomic():
            claimed = (
                Registration.objects.filter(pk=registration.pk)
                .exclude(reminded_for=registration.period_end)
                .update(reminded_for=registration.period_end)
            )
            if claimed:  # another scheduler run may have sent it already
                notices.subscription_reminder(registration)
                sent += 1
    return sent


def reject_unanswered(*, now: datetime | None = None) -> int:
    """Pending registrations whose held money expired: rejected, the money released."""
    now = now or timezone.now()
    with scopes_disabled():
        stale = list(
            Registration.objects.filter(
                status=RegistrationStatus.PENDING, hold__isnull=False, hold__expires_at__lte=now
            ).select_related("tenant")
        )
    rejected = 0
    for registration in stale:
        try:
            reject(registration, actor=None, note="The host did not answer in time.", now=now)
            rejected += 1
        except RegistrationError:
            continue  # decided meanwhile
    return rejected
