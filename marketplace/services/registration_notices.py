"""The emails registrations send: who gets which, with what in it."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from djmoney.money import Money

from marketplace.models import Registration
from marketplace.notifications import notify


def _room_context(registration: Registration) -> dict[str, str]:
    room = registration.room
    return {"room": room.name, "host": room.owner.get_short_name(), "room_id": str(room.public_id)}


def _next_session_text(registration: Registration) -> str:
    from marketplace.schedule_selectors import next_session

    session = next_session(registration.room)
    if session is None:
        return ""
    return (
        timezone.localtime(session.starts_at, timezone=_zone(session.time_zone)).strftime("%Y-%m-%d %H:%M ")
        + session.time_zone
    )


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def received(registration: Registration, *, held: Money | None) -> None:
    """To the host: someone registered (and whether they need a decision)."""
    notify(
        "registration_received",
        tenant=registration.tenant,
        user=registration.room.owner,
        attendee=registration.user.get_short_name(),
        pending=registration.status == "pending",
        held=held or "",
        **_room_context(registration),
    )


def pending(registration: Registration, *, held: Money | None) -> None:
    notify(
        "registration_pending",
        tenant=registration.tenant,
        user=registration.user,
        held=held or "",
        **_room_context(registration),
    )


def approved(registration: Registration) -> None:
    notify(
        "registration_approved",
        tenant=registration.tenant,
        user=registration.user,
        next_session=_next_session_text(registration),
        **_room_context(registration),
    )


def rejected(registration: Registration, *, released: Money | None) -> None:
    notify(
        "registration_rejected",
        tenant=registration.tenant,
        user=registration.user,
        note=registration.note,
        released=released or "",
        **_room_context(registration),
    )


def receipt(
    registration: Registration, *, amount: Money, description: str, reference: str, when: datetime
) -> None:
    notify(
        "payment_receipt",
        tenant=registration.tenant,
        user=registration.user,
        amount=amount,
        description=description,
        reference=reference,
        date=when.date().isoformat(),
        **_room_context(registration),
    )


def subscription_reminder(registration: Registration) -> None:
    notify(
        "subscription_reminder",
        tenant=registration.tenant,
        user=registration.user,
        price=registration.price,
        date=registration.period_end.date().isoformat(),
        **_room_context(registration),
    )


def subscription_lapsed(registration: Registration) -> None:
    notify(
        "subscription_lapsed",
        tenant=registration.tenant,
        user=registration.user,
        price=registration.price,
        **_room_context(registration),
    )
