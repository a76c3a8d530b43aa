"""The public page of a room at /@handle/<slug>/: what it is, when it meets, how to register.

A room the viewer may not see answers 404 (never 403), so the page never confirms that it exists.
The Register button posts to the registrations API; everything else is rendered here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from marketplace import access
from marketplace.handles import normalize_handle
from marketplace.models import (
    FeeModel,
    Registration,
    RegistrationStatus,
    Room,
    RoomStatus,
    Tenant,
    Visibility,
)
from marketplace.registration_selectors import seats_left
from marketplace.schedule_selectors import upcoming_sessions

# How many upcoming sessions the page lists; the calendar feed has them all.
SESSIONS_SHOWN = 10

FEE_PERIODS = {
    FeeModel.ONE_TIME: "once",
    FeeModel.MONTHLY: "per month",
    FeeModel.PER_MINUTE: "per minute, while you are in a session",
}
PAID_MODELS = (FeeModel.ONE_TIME, FeeModel.MONTHLY)


@dataclass(frozen=True)
class Action:
    """What the viewer can do here: sign in, edit (the host), register, or see where they stand."""

    kind: str  # "sign_in", "owner", "register", "registered" or "closed"
    url: str = ""
    message: str = ""
    registration: Registration | None = None


def room_at(tenant: Tenant, handle: str, slug: str) -> Room | None:
    return (
        Room.objects.select_related("owner", "tenant")
        .filter(
            tenant=tenant, owner__handle__iexact=normalize_handle(handle), owner__is_active=True, slug=slug
        )
        .first()
    )


def fee_text(room: Room) -> str:
    if room.fee_model == FeeModel.FREE:
        return "Free"
    return f"{room.price} {FEE_PERIODS[room.fee_model]}"


def approval_note(room: Room) -> str:
    if not room.approval_required:
        return ""
    if room.fee_model in PAID_MODELS:
        return (
            "The host approves each registration. Until they decide, the price is held in your wallet: "
            "it is paid to the host on approval and released to you if they turn you down or have not "
            f"decided within {settings.REGISTRATION_APPROVAL_DAYS} days."
        )
    return "The host approves each registration."


def money_rules(room: Room) -> list[str]:
    """The refund rule of this room's fee model, in the words of the registrations service."""
    hours = settings.REGISTRATION_REFUND_CUTOFF_HOURS
    if room.fee_model == FeeModel.ONE_TIME:
        return [
            "The fee is paid from your wallet when you register.",
            "Cancel and get it back in full while no session has started since you paid and the next "
            f"one is more than {hours} hours away; after that there is no refund.",
        ]
    if room.fee_model == FeeModel.MONTHLY:
        return [
            "The first month is paid from your wallet when you register; it renews every month.",
            "Cancel any time: your subscription runs to the end of the paid month, then stops "
            "(no partial refunds).",
        ]
    if room.fee_model == FeeModel.PER_MINUTE:
        return ["Registering costs nothing; the per-minute fee is paid from your wallet while you are in."]
    return ["Registering costs nothing."]


def _action(request: HttpRequest, room: Room, seats: int) -> Action:
    user = request.user
    if not user.is_authenticated:
        return Action("sign_in", url=f"{reverse('account_login')}?{urlencode({'next': request.path})}")
    if user.pk == room.owner_id:
        return Action("owner", url=reverse("dashboard:room-edit", args=[room.public_id]))
    registration = access.registration_of(user, room)
    if registration is not None and registration.status == RegistrationStatus.APPROVED:
        if registration.cancel_at_period_end:
            # Registering again undoes the cancellation of a monthly subscription.
            return Action("register", registration=registration)
        return Action("registered", registration=registration)
    if registration is not None and registration.status == RegistrationStatus.PENDING:
        return Action("registered", registration=registration)
    refusal = access.registration_refusal(user, room)
    if refusal is not None:
        return Action("closed", message=refusal)
    if seats == 0:
        return Action("closed", message="This room is full.")
    return Action("register", registration=registration)


@dataclass(frozen=True)
class JoinLink:
    """The button into the room's meeting, for whoever may join it (the join page does the rest)."""

    url: str
    label: str
    primary: bool = True  # the guest link stays second to signing in


def _join_link(request: HttpRequest, room: Room) -> JoinLink | None:
    url = reverse("join-page", args=[room.public_id])
    if request.user.is_authenticated:
        role = access.join_role(request.user, room)
        if role == access.JoinRole.MODERATOR:
            return JoinLink(url, "Start meeting")
        return JoinLink(url, "Join") if role == access.JoinRole.VIEWER else None
    # Signed-in people join with their account; only visitors without one join as guests.
    return JoinLink(url, "Join as a guest", primary=False) if access.guests_allowed(room) else None


def room_page(request: HttpRequest, handle: str, slug: str) -> HttpResponse:
    room = room_at(request.tenant, handle, slug)
    if room is None or not access.can_see(request.user, room):
        raise Http404("No such room.")
    seats = seats_left(room)
    context = {
        "room": room,
        "host": room.owner,
        "fee_text": fee_text(room),
        "approval_note": approval_note(room),
        "money_rules": money_rules(room),
        "seats": seats,
        "sessions": list(upcoming_sessions(room)[:SESSIONS_SHOWN]),
        # Private feeds need a personal token link (from the dashboard), so only others get one here.
        "calendar_url": ""
        if room.visibility == Visibility.PRIVATE
        else reverse("room-calendar", args=[room.public_id]),
        "paused": room.status != RoomStatus.ACTIVE,
        # Only active public rooms belong in search engines.
        "noindex": room.visibility != Visibility.PUBLIC or room.status != RoomStatus.ACTIVE,
        "action": _action(request, room, seats),
        "join": _join_link(request, room),
    }
    return render(request, "rooms/room_page.html", context)
