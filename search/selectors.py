"""What Explore may list and how it filters and orders it, as querysets (call inside the tenant's scope).

The database decides what is listed, never the search index: the index only ranks text, so a
stale entry (a room made private a moment ago) can never put a row on the page.

- Hosts: public profiles of active users who are moderators of the site.
- Rooms: active public rooms of active users who are moderators of the site.

Room filters (price, free or paid, fee model, upcoming session) apply to a host through their
rooms: a host passes when one of their listed rooms passes all of them. Topic and language are
the host's, and a room has its host's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from marketplace.models import (
    FeeModel,
    Membership,
    ModeratorProfile,
    ProfileVisibility,
    Room,
    RoomStatus,
    ScheduledSession,
    Tenant,
    Visibility,
)
from marketplace.roles import Role
from search.models import ExplorePage
from search.params import ExploreParams

# Sort keys never NULL (a union orders the same way on SQLite and PostgreSQL): rows without a price
# in the site's currency or without an upcoming session go last.
NO_PRICE = Decimal("999999999999999")
NO_SESSION = datetime(9999, 12, 31, tzinfo=UTC)
PRICE_FIELD = DecimalField(max_digits=19, decimal_places=4)
KIND_ORDER = {"moderator": 0, "room": 1}


def _moderators(tenant: Tenant) -> QuerySet:
    return Membership.objects.filter(tenant=tenant, role=Role.MODERATOR).values("user_id")


def listed_profiles(tenant: Tenant) -> QuerySet[ModeratorProfile]:
    return ModeratorProfile.objects.filter(
        tenant=tenant,
        visibility=ProfileVisibility.PUBLIC,
        user__is_active=True,
        user_id__in=_moderators(tenant),
    )


def listed_rooms(tenant: Tenant) -> QuerySet[Room]:
    return Room.objects.filter(
        tenant=tenant,
        visibility=Visibility.PUBLIC,
        status=RoomStatus.ACTIVE,
        owner__is_active=True,
        owner_id__in=_moderators(tenant),
    )


def upcoming_sessions(tenant: Tenant, now: datetime) -> QuerySet[ScheduledSession]:
    """Sessions still to come or under way, as the room page counts them (canceled ones aside)."""
    return ScheduledSession.objects.filter(tenant=tenant, canceled=False, ends_at__gt=now)


def _price_matches(params: ExploreParams, currency: str) -> Q:
    """Inclusive bounds in the site's currency; a free room costs nothing in any currency."""
    bounds = Q(currency=currency)
    if params.price_min is not None:
        bounds &= Q(price__gte=params.price_min.amount)
    if params.price_max is not None:
        bounds &= Q(price__lte=params.price_max.amount)
    if params.price_min is None or params.price_min.amount == 0:
        return bounds | Q(fee_model=FeeModel.FREE)
    return bounds & ~Q(fee_model=FeeModel.FREE)


def _room_level(
    rooms: QuerySet[Room], tenant: Tenant, params: ExploreParams, now: datetime
) -> QuerySet[Room]:
    if params.price_min is not None or params.price_max is not None:
        rooms = rooms.filter(_price_matches(params, str(tenant.default_currency)))
    if params.free is True:
        rooms = rooms.filter(fee_model=FeeModel.FREE)
    elif params.free is False:
        rooms = rooms.exclude(fee_model=FeeModel.FREE)
    if params.fee_model:
        rooms = rooms.filter(fee_model=params.fee_model)
    if params.has_upcoming:
        rooms = rooms.filter(Exists(upcoming_sessions(tenant, now).filter(room=OuterRef("pk"))))
    return rooms


def _host_profiles(tenant: Tenant, params: ExploreParams) -> QuerySet[ModeratorProfile]:
    profiles = ModeratorProfile.objects.filter(tenant=tenant)
    if params.topic:
        profiles = profiles.filter(topics__slug=params.topic)
    if params.language:
        # Codes are stored as a JSON list: '"fr"' (with quotes) matches the code, never a part of one.
        profiles = profiles.filter(languages__icontains=f'"{params.language}"')
    return profiles


def filtered_profiles(tenant: Tenant, params: ExploreParams, now: datetime) -> QuerySet[ModeratorProfile]:
    profiles = listed_profiles(tenant)
    if params.topic or params.language:
        profiles = profiles.filter(pk__in=_host_profiles(tenant, params).values("pk"))
    if params.room_filters:
        rooms = _room_level(listed_rooms(tenant), tenant, params, now)
        profiles = profiles.filter(Exists(rooms.filter(owner=OuterRef("user"))))
    return profiles


def filtered_rooms(tenant: Tenant, params: ExploreParams, now: datetime) -> QuerySet[Room]:
    rooms = _room_level(listed_rooms(tenant), tenant, params, now)
    if params.topic or params.language:
        rooms = rooms.filter(Exists(_host_profiles(tenant, params).filter(user=OuterRef("owner"))))
    return rooms


def _room_price(currency: str) -> Case:
    return Case(
        When(fee_model=FeeModel.FREE, then=Value(Decimal(0), output_field=PRICE_FIELD)),
        When(currency=currency, then=F("price")),
        default=Value(NO_PRICE, output_field=PRICE_FIELD),
        output_field=PRICE_FIELD,
    )


def _room_sort_key(tenant: Tenant, sort: str, now: datetime):
    if sort == "price":
        return _room_price(str(tenant.default_currency))
    if sort == "soonest":
        first = upcoming_sessions(tenant, now).filter(room=OuterRef("pk")).order_by("starts_at")
        return Coalesce(Subquery(first.values("starts_at")[:1]), Value(NO_SESSION))
    return F("created_at")


def _profile_sort_key(tenant: Tenant, params: ExploreParams, sort: str, now: datetime):
    """A host's price is their cheapest room that passes the filters; their soonest, its session."""
    rooms = _room_level(listed_rooms(tenant), tenant, params, now)
    if sort == "price":
        own = rooms.filter(owner=OuterRef("user"))
        cheapest = own.annotate(key=_room_price(str(tenant.default_currency))).order_by("key")
        return Coalesce(Subquery(cheapest.values("key")[:1]), Value(NO_PRICE, output_field=PRICE_FIELD))
    if sort == "soonest":
        sessions = upcoming_sessions(tenant, now).filter(
            room__in=rooms.values("pk"), room__owner=OuterRef("user")
        )
        first = sessions.order_by("starts_at")
        return Coalesce(Subquery(first.values("starts_at")[:1]), Value(NO_SESSION))
    return F("created_at")


def sorted_rows(
    tenant: Tenant,
    params: ExploreParams,
    profiles: QuerySet[ModeratorProfile] | None,
    rooms: QuerySet[Room] | None,
    now: datetime,
) -> QuerySet:
    """(kind order, id) rows of both kinds in one ordered query, for the database to page through.

    Ties break on the kind and the id, so pages never overlap or skip a row.
    """
    sort = params.effective_sort
    parts = []
    if profiles is not None:
        parts.append(
            profiles.annotate(
                kind_order=Value(KIND_ORDER["moderator"]),
                item_id=F("pk"),
                sort_key=_profile_sort_key(tenant, params, sort, now),
            ).values_list("kind_order", "item_id", "sort_key")
        )
    if rooms is not None:
        parts.append(
            rooms.annotate(
                kind_order=Value(KIND_ORDER["room"]),
                item_id=F("pk"),
                sort_key=_room_sort_key(tenant, sort, now),
            ).values_list("kind_order", "item_id", "sort_key")
        )
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    if sort == "newest":
        return rows.order_by("-sort_key", "kind_order", "-item_id")
    return rows.order_by("sort_key", "kind_order", "item_id")


def explore_page_of(tenant: Tenant) -> ExplorePage | None:
    """The site's live Explore page, if it has one."""
    return ExplorePage.objects.child_of(tenant.site.root_page).live().first()


def explore_path(tenant: Tenant) -> str:
    """The path of the site's Explore page ("/explore/"), or "" when it has none."""
    page = explore_page_of(tenant)
    parts = page.get_url_parts() if page is not None else None
    return parts[2] if parts else ""
