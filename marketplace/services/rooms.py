"""Creating and changing rooms within the owner's plan; pausing what a smaller plan no longer covers.

Every limit of the owner's active plan is checked on create and update, and the error names the
limit. When a plan shrinks (downgrade, lapse), rooms beyond it are paused with the reason, never
deleted; when it grows again, rooms paused for the plan come back if they fit.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils.text import slugify
from django_scopes import scope
from djmoney.money import Money

from marketplace.exceptions import MarketplaceError
from marketplace.handles import random_suffix
from marketplace.models import FeeModel, Plan, Room, RoomStatus, Tenant, User
from marketplace.models.rooms import Access
from marketplace.richtext import sanitize_html
from marketplace.roles import Role
from marketplace.selectors import active_plan, roles_of
from marketplace.services.audit import audit
from marketplace.services.plans import plan_changed

MIN_PASSCODE_LENGTH = 6
PAUSED_FOR_PLAN = "Paused: your plan no longer covers this room"

# BBB settings a moderator chooses per room.
SETTINGS_FIELDS = (
    "record",
    "auto_start_recording",
    "allow_start_stop_recording",
    "mute_on_start",
    "webcams_only_for_moderator",
    "guest_policy",
    "lock_private_chat",
    "lock_public_chat",
    "lock_shared_notes",
    "welcome_message",
)
EDITABLE = {
    "name",
    "slug",
    "description",
    "visibility",
    "access",
    "passcode",
    "max_participants",
    "max_duration_minutes",
    "fee_model",
    "price",
    "approval_required",
    "recording_access",
    *SETTINGS_FIELDS,
}


class RoomError(MarketplaceError):
    code = "invalid_room"


class PlanLimitExceeded(MarketplaceError):
    code = "plan_limit"
    status = 403


class SlugTaken(MarketplaceError):
    code = "slug_taken"
    status = 409
    field = "slug"


FEE_MODEL_FEATURES = {
    FeeModel.ONE_TIME: ("allows_paid_rooms", "paid rooms"),
    FeeModel.MONTHLY: ("allows_subscription_rooms", "monthly subscription rooms"),
    FeeModel.PER_MINUTE: ("allows_per_minute_rooms", "per-minute rooms"),
}


def plan_violations(room: Room, plan: Plan) -> list[tuple[str, str]]:
    """(field, message) for each way the room goes beyond the plan."""
    problems = []
    if room.max_participants > plan.max_attendees_per_room:
        problems.append(
            (
                "max_participants",
                f"Your {plan.name} plan allows up to {plan.max_attendees_per_room} participants.",
            )
        )
    if room.max_duration_minutes > plan.max_session_minutes:
        problems.append(
            (
                "max_duration_minutes",
                f"Your {plan.name} plan allows sessions up to {plan.max_session_minutes} minutes.",
            )
        )
    feature = FEE_MODEL_FEATURES.get(room.fee_model)
    if feature and not getattr(plan, feature[0]):
        problems.append(("fee_model", f"Your {plan.name} plan does not include {feature[1]}."))
    if (room.record or room.auto_start_recording) and not plan.allows_recording:
        problems.append(("record", f"Your {plan.name} plan does not include recordings."))
    return problems


def _check(room: Room, plan: Plan | None, *, counting_new: bool) -> None:
    if plan is None:
        raise PlanLimitExceeded("Only moderators can host rooms here: choose a plan first.", field="plan")
    problems = plan_violations(room, plan)
    if problems:
        field, message = problems[0]
        raise PlanLimitExceeded(message, field=field)
    if counting_new:
        with scope(tenant=room.tenant):
            active = Room.objects.filter(
                tenant=room.tenant, owner=room.owner, status=RoomStatus.ACTIVE
            ).count()
        if active >= plan.max_rooms:
            rooms = "room" if plan.max_rooms == 1 else "rooms"
            message = f"Your {plan.name} plan allows {plan.max_rooms} active {rooms}."
            raise PlanLimitExceeded(message, field="max_rooms")


def _validate(room: Room, tenant: Tenant) -> None:
    if not room.name.strip():
        raise RoomError("Give the room a name.", field="name")
    currency = str(tenant.default_currency)
    if str(room.price.currency) != currency:
        raise RoomError(f"Prices on {tenant.name} are in {currency}.", field="price")
    if room.fee_model == FeeModel.FREE:
        room.price = Money(0, currency)
    elif room.price.amount <= 0:
        raise RoomError("A paid room needs a price above zero.", field="price")
    if room.access == Access.GUESTS and not tenant.guests_allowed:
        raise RoomError(f"{tenant.name} does not allow guests in rooms.", field="access")
    room.description = sanitize_html(room.description)


def _apply(room: Room, changes: dict[str, Any]) -> None:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise RoomError(f"Not editable: {', '.join(sorted(unknown))}.")
    passcode = changes.pop("passcode", None)
    for field, value in changes.items():
        setattr(room, field, value)
    if passcode is not None:
        if passcode == "":
            room.passcode_hash = ""
        elif len(passcode) < MIN_PASSCODE_LENGTH:
            raise RoomError(f"A passcode has at least {MIN_PASSCODE_LENGTH} characters.", field="passcode")
        else:
            room.passcode_hash = make_password(passcode)


def _free_slug(tenant: Tenant, owner: User, wanted: str) -> str:
    base = slugify(wanted)[:50] or "room"
    candidate = base
    with scope(tenant=tenant):
        while Room.objects.filter(tenant=tenant, owner=owner, slug=candidate).exists():
            candidate = f"{base}-{random_suffix()}"
    return candidate


def create_room(owner: User, tenant: Tenant, *, actor: User | None = None, **fields: Any) -> Room:
    """A new room with sensible defaults; `name` is enough for one click. `actor` is who made it
    for the host (an admin's import), when not the host."""
    if Role.MODERATOR not in roles_of(owner, tenant):
        raise PlanLimitExceeded("Only moderators can host rooms here: choose a plan first.", field="plan")
    plan = active_plan(owner, tenant)
    explicit_slug = fields.pop("slug", None)
    # Imported here: profiles validate their room defaults against this module's settings.
    from marketplace.services.moderator_profiles import defaults_for_new_room

    fields = {**defaults_for_new_room(owner, tenant, plan), **fields}  # explicit fields win
    room = Room(tenant=tenant, owner=owner, price=Money(0, str(tenant.default_currency)))
    room.max_participants = min(room.max_participants, plan.max_attendees_per_room)
    room.max_duration_minutes = min(room.max_duration_minutes, plan.max_session_minutes)
    _apply(room, fields)
    _validate(room, tenant)
    _check(room, plan, counting_new=True)
    room.slug = slugify(explicit_slug) if explicit_slug else _free_slug(tenant, owner, room.name)
    if not room.slug:
        raise RoomError("Use letters, digits and hyphens in the room link.", field="slug")
    try:
        with scope(tenant=tenant), transaction.atomic():
            room.save()
    except IntegrityError:
        raise SlugTaken("You already have a room at this link.") from None
    audit(room, "wagtail.create", actor=actor or owner)
    return room


def update_room(room: Room, *, actor: User, **changes: Any) -> Room:
    tenant = room.tenant
    with scope(tenant=tenant), transaction.atomic():
        room = Room.objects.select_for_update().get(pk=room.pk)
        if "slug" in changes:
            changes["slug"] = slugify(changes["slug"])
            if not changes["slug"]:
                raise RoomError("Use letters, digits and hyphens in the room link.", field="slug")
        _apply(room, changes)
        _validate(room, tenant)
        _check(room, active_plan(room.owner, tenant), counting_new=False)
        try:
            with transaction.atomic():
                room.save()
        except IntegrityError:
            raise SlugTaken("You already have a room at this link.") from None
    audit(room, "wagtail.edit", actor=actor)
    return room


@receiver(plan_changed)
def fit_rooms_to_plan(sender, *, user: User, tenant: Tenant, plan: Plan, **kwargs) -> None:
    """Pause rooms a smaller plan does not cover (newest first); resume what fits again."""
    with scope(tenant=tenant), transaction.atomic():
        rooms = list(
            Room.objects.select_for_update().filter(tenant=tenant, owner=user).order_by("created_at")
        )
        kept = 0
        for room in rooms:
            fits = not plan_violations(room, plan) and kept < plan.max_rooms
            if room.status == RoomStatus.ACTIVE and not fits:
                room.status, room.paused_reason = RoomStatus.PAUSED, PAUSED_FOR_PLAN
                room.save(update_fields=["status", "paused_reason", "updated_at"])
            elif room.status == RoomStatus.PAUSED and room.paused_reason == PAUSED_FOR_PLAN and fits:
                room.status, room.paused_reason = RoomStatus.ACTIVE, ""
                room.save(update_fields=["status", "paused_reason", "updated_at"])
            if room.status == RoomStatus.ACTIVE:
                kept += 1
