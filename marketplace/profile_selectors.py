"""Reads of moderator profiles and topics, shared by the API, the dashboard and the public pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django_scopes import scope

from marketplace.handles import normalize_handle
from marketplace.models import (
    Membership,
    ModeratorProfile,
    ProfileVisibility,
    Room,
    RoomStatus,
    Tenant,
    Topic,
    User,
    Visibility,
)
from marketplace.roles import Role
from marketplace.selectors import roles_of


def is_moderator(user: User, tenant: Tenant | None) -> bool:
    return Role.MODERATOR in roles_of(user, tenant)


def profile_of(user: User, tenant: Tenant) -> ModeratorProfile | None:
    """The user's saved profile on this site, if any (whatever their roles now)."""
    with scope(tenant=tenant):
        return ModeratorProfile.objects.filter(tenant=tenant, user=user).select_related("user").first()


def public_profile(handle: str, tenant: Tenant) -> ModeratorProfile | None:
    """The profile at /@handle/ on this site: public or unlisted, of an active moderator here.

    A moderator who has not edited a profile yet gets an unsaved one with the defaults, so the
    link works from the start; anyone else (unknown handle, not a moderator here) gets None.
    """
    user = User.objects.filter(handle__iexact=normalize_handle(handle or ""), is_active=True).first()
    if user is None or not is_moderator(user, tenant):
        return None
    return profile_of(user, tenant) or ModeratorProfile(tenant=tenant, user=user)


def listed_profiles(tenant: Tenant, *, topic: str | None = None) -> QuerySet[ModeratorProfile]:
    """Public profiles of the site's active moderators (unlisted ones only open by their link)."""
    with scope(tenant=tenant):
        moderators = Membership.objects.filter(tenant=tenant, role=Role.MODERATOR).values("user_id")
        profiles = ModeratorProfile.objects.filter(
            tenant=tenant,
            visibility=ProfileVisibility.PUBLIC,
            user__is_active=True,
            user_id__in=moderators,
        )
        if topic:
            profiles = profiles.filter(topics__slug=topic)
        return profiles.select_related("user").prefetch_related("topics")


def topics_of(tenant: Tenant) -> QuerySet[Topic]:
    with scope(tenant=tenant):
        return Topic.objects.filter(tenant=tenant)


def topics_of_profile(profile: ModeratorProfile) -> list[Topic]:
    if profile.pk is None:  # not saved yet: no topics chosen
        return []
    with scope(tenant=profile.tenant):
        return list(profile.topics.all())


def listed_rooms_of(user: User, tenant: Tenant) -> QuerySet[Room]:
    """The host's rooms a profile lists: active public ones on this site.

    Unlisted and private rooms open only by their link or an invitation, so a profile never lists
    them, not even to people who may open them; paused rooms take no registrations.
    """
    with scope(tenant=tenant):
        return (
            Room.objects.filter(
                tenant=tenant, owner=user, visibility=Visibility.PUBLIC, status=RoomStatus.ACTIVE
            )
            .select_related("tenant", "owner")
            .order_by("name", "pk")
        )
