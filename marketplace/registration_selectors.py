"""Reads about registrations: an attendee's rooms, a room's registrants, hosts' figures."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django_scopes import scope

from marketplace.models import Registration, RegistrationStatus, Room, Tenant, User
from marketplace.models.registrations import SEATED_STATUSES


def registrations_of(user: User, tenant: Tenant) -> QuerySet[Registration]:
    """An attendee's registrations on this site, newest first (banned ones are not theirs to see)."""
    return (
        Registration.objects.filter(tenant=tenant, user=user)
        .exclude(status=RegistrationStatus.BANNED)
        .select_related("room", "room__owner", "room__tenant")
    )


def registrants_of(room: Room) -> QuerySet[Registration]:
    return Registration.objects.filter(tenant=room.tenant, room=room).select_related("user", "room")


def seats_left(room: Room) -> int:
    with scope(tenant=room.tenant):
        taken = Registration.objects.filter(room=room, status__in=SEATED_STATUSES).count()
    return max(room.max_participants - taken, 0)


def with_registration_figures(rooms: QuerySet[Room]) -> QuerySet[Room]:
    """Rooms annotated with registrant counts by status and sales (paid less refunds)."""
    return rooms.annotate(
        approved_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.APPROVED)),
        pending_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.PENDING)),
        sales_amount=Sum("registrations__paid"),
    )


def sales_of(room: Room) -> Decimal:
    return getattr(room, "sales_amount", None) or Decimal(0)
