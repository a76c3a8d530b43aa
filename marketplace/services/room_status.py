"""Site admins pause a room (it takes no registrations and cannot be joined) and resume it.

A pause by the admins carries its reason and, unlike a pause for the owner's plan, never lifts by
itself when the plan changes. Resuming checks the owner's plan like creating a room does. A meeting
already running is not ended by a pause.
"""

from __future__ import annotations

from django.db import transaction
from django_scopes import scope

from marketplace.exceptions import MarketplaceError
from marketplace.models import Room, RoomStatus, User
from marketplace.selectors import active_plan, is_tenant_admin
from marketplace.services.audit import audit
from marketplace.services.rooms import PlanLimitExceeded, RoomError, plan_violations

ADMIN_PAUSE = "Paused by the site's admins"


class NotAllowed(MarketplaceError):
    code = "not_allowed"
    status = 403


def _locked(room: Room, actor: User) -> Room:
    if not is_tenant_admin(actor, room.tenant):
        raise NotAllowed(f"Only {room.tenant.name}'s admins can pause and resume rooms.")
    return Room.objects.select_for_update().select_related("owner", "tenant").get(pk=room.pk)


def pause_room(room: Room, *, actor: User, reason: str) -> Room:
    reason = reason.strip()
    if not reason:
        raise RoomError("Say why the room is paused: the host sees the reason.", field="reason")
    with scope(tenant=room.tenant), transaction.atomic():
        room = _locked(room, actor)
        if room.status == RoomStatus.PAUSED:
            raise RoomError("This room is already paused.")
        room.status = RoomStatus.PAUSED
        room.paused_reason = f"{ADMIN_PAUSE}: {reason}"[:200]
        room.save(update_fields=["status", "paused_reason", "updated_at"])
    audit(room, "lyceum.room.pause", actor=actor, reason=reason)
    return room


def resume_room(room: Room, *, actor: User) -> Room:
    with scope(tenant=room.tenant), transaction.atomic():
        room = _locked(room, actor)
        if room.status != RoomStatus.PAUSED:
            raise RoomError("This room is not paused.")
        plan = active_plan(room.owner, room.tenant)
        if plan is None:
            raise PlanLimitExceeded(f"{room.owner.handle} no longer hosts here: the room stays paused.")
        problems = plan_violations(room, plan)
        if problems:
            field, message = problems[0]
            raise PlanLimitExceeded(f"{message} The room stays paused.", field=field)
        active = Room.objects.filter(tenant=room.tenant, owner=room.owner, status=RoomStatus.ACTIVE).count()
        if active >= plan.max_rooms:
            raise PlanLimitExceeded(
                f"The host's {plan.name} plan allows {plan.max_rooms} active rooms: pause another first."
            )
        room.status, room.paused_reason = RoomStatus.ACTIVE, ""
        room.save(update_fields=["status", "paused_reason", "updated_at"])
    audit(room, "lyceum.room.resume", actor=actor)
    return room
