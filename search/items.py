"""One card of Explore's results: a host or a room, with its topics, price and next session.

A page of cards takes a fixed number of queries, however many cards it holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import Truncator

from marketplace.models import ModeratorProfile, Room, ScheduledSession, Tenant, Topic, User
from marketplace.profile_pages import language_names
from marketplace.public_pages import fee_text
from marketplace.schedule_selectors import next_sessions_for_rooms
from search.selectors import listed_profiles, listed_rooms

SUMMARY_WORDS = 30
TopicLinks = ModeratorProfile.topics.through


@dataclass(frozen=True)
class ExploreItem:
    kind: str  # "moderator" or "room"
    title: str
    url: str
    host: User
    summary: str
    fee_text: str
    next_session: ScheduledSession | None
    topics: list[Topic] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # ISO 639-1 codes
    language_names: list[str] = field(default_factory=list)  # in the reader's language
    profile: ModeratorProfile | None = None
    room: Room | None = None


def _summary(text: str) -> str:
    return Truncator(" ".join(text.split())).words(SUMMARY_WORDS)


def host_fee_text(rooms: list[Room], currency: str) -> str:
    """What a host's listed rooms cost, in a few words: "Free", "From $15.00", "Free, or from $15.00"."""
    if not rooms:
        return ""
    free = any(room.fee_model == "free" for room in rooms)
    prices = [
        room.price for room in rooms if room.fee_model != "free" and str(room.price.currency) == currency
    ]
    if not prices:
        return "Free" if free else fee_text(rooms[0])
    cheapest = min(prices, key=lambda money: money.amount)
    return f"Free, or from {cheapest}" if free else f"From {cheapest}"


def _earliest(sessions: list[ScheduledSession]) -> ScheduledSession | None:
    return min(sessions, key=lambda session: (session.starts_at, session.pk), default=None)


def _topics_of(profile_ids: list[int]) -> dict[int, list[Topic]]:
    """Each profile's topics in the topics' order: one query through the links, no related managers
    (a prefetch builds one per profile and costs more than the query)."""
    links = TopicLinks.objects.filter(moderatorprofile_id__in=profile_ids).select_related("topic")
    topics: dict[int, list[Topic]] = {pk: [] for pk in profile_ids}
    for link in links.order_by("topic__sort_order", "topic__name"):
        topics[link.moderatorprofile_id].append(link.topic)
    return topics


def _with_tenant(rooms: QuerySet[Room], tenant: Tenant) -> list[Room]:
    """The rooms, each holding the site it belongs to without a join for it."""
    loaded = list(rooms.select_related("owner"))
    for room in loaded:
        room.tenant = tenant
    return loaded


def profile_items(tenant: Tenant, pks: list[int]) -> dict[int, ExploreItem]:
    profiles = list(listed_profiles(tenant).filter(pk__in=pks).select_related("user"))
    topics = _topics_of([profile.pk for profile in profiles])
    users = [profile.user_id for profile in profiles]
    rooms = _with_tenant(listed_rooms(tenant).filter(owner_id__in=users), tenant)
    sessions = next_sessions_for_rooms(rooms)
    currency = str(tenant.default_currency)
    items = {}
    for profile in profiles:
        own = [room for room in rooms if room.owner_id == profile.user_id]
        items[profile.pk] = ExploreItem(
            kind="moderator",
            title=profile.title,
            url=reverse("profile-page", args=[profile.user.handle]),
            host=profile.user,
            summary=profile.headline or _summary(profile.bio_text()),
            fee_text=host_fee_text(own, currency),
            next_session=_earliest([sessions[room.pk] for room in own if room.pk in sessions]),
            topics=topics[profile.pk],
            languages=list(profile.languages or []),
            language_names=language_names(profile.languages or []),
            profile=profile,
        )
    return items


def room_items(tenant: Tenant, pks: list[int]) -> dict[int, ExploreItem]:
    rooms = _with_tenant(listed_rooms(tenant).filter(pk__in=pks), tenant)
    hosts = ModeratorProfile.objects.filter(tenant=tenant, user_id__in={room.owner_id for room in rooms})
    profiles = {profile.user_id: profile for profile in hosts.only("id", "tenant_id", "user_id", "languages")}
    topics = _topics_of([profile.pk for profile in profiles.values()])
    sessions = next_sessions_for_rooms(rooms)
    items = {}
    for room in rooms:
        profile = profiles.get(room.owner_id)
        items[room.pk] = ExploreItem(
            kind="room",
            title=room.name,
            url=reverse("room-page", args=[room.owner.handle, room.slug]),
            host=room.owner,
            summary=_summary(room.agenda_text()),
            fee_text=fee_text(room),
            next_session=sessions.get(room.pk),
            topics=topics[profile.pk] if profile else [],
            languages=list(profile.languages or []) if profile else [],
            language_names=language_names(profile.languages or []) if profile else [],
            room=room,
        )
    return items
