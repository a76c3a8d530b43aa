"""Explore's reads: search with filters, sorting and pages, and suggestions while typing.

Both answer for one site only and list only what its public pages list (search/selectors.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django_scopes import scope

from marketplace.models import ModeratorProfile, Room, Tenant, Topic
from search import match_cache, selectors
from search.items import ExploreItem, profile_items, room_items
from search.matching import matches, prefix_matches
from search.params import ExploreParams

MAX_SUGGESTIONS = 8
MAX_PREFIX_LENGTH = 100
KINDS_BY_ORDER = {order: kind for kind, order in selectors.KIND_ORDER.items()}


@dataclass(frozen=True)
class ExploreResults:
    items: list[ExploreItem]
    total: int
    page: int
    per_page: int
    params: ExploreParams

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "moderator", "room" or "topic"
    label: str
    detail: str
    url: str


def explore(tenant: Tenant, **fields: Any) -> ExploreResults:
    """Search the site's public hosts and rooms: see ExploreParams for the fields and defaults."""
    return explore_with(tenant, ExploreParams(**fields))


def explore_with(tenant: Tenant, params: ExploreParams, now: datetime | None = None) -> ExploreResults:
    params.check(tenant)
    now = now or timezone.now()
    with scope(tenant=tenant):
        at_generation = match_cache.generation(tenant)
        if params.depends_on_clock:
            rows, total = _page(tenant, params, now, at_generation)
        else:
            name = f"{sorted(params.query_string_values().items())}:{params.page}:{params.per_page}"
            rows, total = match_cache.cached_page(
                tenant, at_generation, name, lambda: _page(tenant, params, now, at_generation)
            )
        items = _items(tenant, rows)
    return ExploreResults(items=items, total=total, page=params.page, per_page=params.per_page, params=params)


def _page(
    tenant: Tenant, params: ExploreParams, now: datetime, at_generation: int
) -> tuple[list[tuple[int, int]], int]:
    """The (kind order, id) rows of the requested page, and how many rows there are in all."""
    offset = (params.page - 1) * params.per_page
    profiles = (
        selectors.filtered_profiles(tenant, params, now).order_by()
        if params.kind in ("all", "moderators")
        else None
    )
    rooms = (
        selectors.filtered_rooms(tenant, params, now).order_by() if params.kind in ("all", "rooms") else None
    )
    ranked: list[tuple[int, int]] | None = None
    if params.q:
        profiles, rooms, ranked = _matching(tenant, params, profiles, rooms, at_generation)
    if ranked is not None and params.effective_sort == "relevance":
        return ranked[offset : offset + params.per_page], len(ranked)
    # The database sorts and pages, however many rows there are.
    total = sum(part.count() for part in (profiles, rooms) if part is not None)
    ordered = selectors.sorted_rows(tenant, params, profiles, rooms, now)
    return [(kind, pk) for kind, pk, _ in ordered[offset : offset + params.per_page]], total


NAME_FIELDS = {ModeratorProfile: ("user__display_name", "user__handle"), Room: ("name",)}


def name_tier(q: str, names: tuple[str, ...]) -> int:
    """0 when the query is a name (or handle) itself, 1 when the name holds every word of it, else 2.

    Someone typing a host's or a room's name expects it first, whatever else mentions those words;
    backends score names differently (SQLite's bm25 weighs a whole row), so this rule is ours.
    """
    wanted = " ".join(q.casefold().lstrip("@").split())
    words = set(re.split(r"[\s_-]+", wanted))
    tier = 2
    for name in names:
        name = " ".join((name or "").casefold().split())
        if name == wanted:
            return 0
        if words <= set(re.split(r"[\s_-]+", name)):
            tier = 1
    return tier


def _matching(
    tenant: Tenant,
    params: ExploreParams,
    profiles: QuerySet[ModeratorProfile] | None,
    rooms: QuerySet[Room] | None,
    at_generation: int,
) -> tuple[QuerySet | None, QuerySet | None, list[tuple[int, int]]]:
    """Narrow both kinds to the rows matching the text, and rank those rows: names matching the
    query first, then by the backend's relevance, then by kind and id (so equal scores still page
    the same way every time)."""
    kinds = [(ModeratorProfile, profiles), (Room, rooms)]

    def scored(model: type, operator: str) -> dict[int, float]:
        name = f"{model._meta.label}:{operator}:{params.q}"
        return match_cache.cached_scores(
            tenant, at_generation, name, lambda: matches(model, tenant, params.q, operator)
        )

    scores = {model: scored(model, "and") for model, rows in kinds if rows is not None}
    if not any(scores.values()) and len(params.q.split()) > 1:
        # Nothing has every word: rows with some of them are better than an empty page.
        scores = {model: scored(model, "or") for model in scores}
    ranked: list[tuple[int, float, int, int]] = []
    narrowed: list[QuerySet | None] = []
    for model, rows in kinds:
        if rows is None:
            narrowed.append(None)
            continue
        rows = rows.filter(pk__in=list(scores[model]))
        kind_order = selectors.KIND_ORDER["moderator" if model is ModeratorProfile else "room"]
        ranked += [
            (name_tier(params.q, tuple(names)), -scores[model][pk], kind_order, pk)
            for pk, *names in rows.values_list("pk", *NAME_FIELDS[model])
        ]
        narrowed.append(rows)
    ranked.sort()
    return narrowed[0], narrowed[1], [(kind_order, pk) for _, _, kind_order, pk in ranked]


def _items(tenant: Tenant, rows: list[tuple[int, int]]) -> list[ExploreItem]:
    wanted = {
        kind: [pk for order, pk in rows if KINDS_BY_ORDER[order] == kind] for kind in ("moderator", "room")
    }
    found = {
        "moderator": profile_items(tenant, wanted["moderator"]) if wanted["moderator"] else {},
        "room": room_items(tenant, wanted["room"]) if wanted["room"] else {},
    }
    # A row may go between counting and loading (a room deleted meanwhile): skip it.
    return [found[KINDS_BY_ORDER[order]][pk] for order, pk in rows if pk in found[KINDS_BY_ORDER[order]]]


def autocomplete(tenant: Tenant, prefix: str, *, explore_path: str = "") -> list[Suggestion]:
    """Up to eight hosts, rooms and topics whose names (or handles) start with what was typed,
    taking turns so each kind gets a place. Topic suggestions link to Explore filtered by them."""
    prefix = " ".join(prefix.strip().lstrip("@").split())[:MAX_PREFIX_LENGTH]
    if not prefix:
        return []
    with scope(tenant=tenant):
        profile_ids = prefix_matches(ModeratorProfile, tenant, prefix, MAX_SUGGESTIONS * 2)
        listed = selectors.listed_profiles(tenant).filter(pk__in=profile_ids).select_related("user")
        by_pk = {profile.pk: profile for profile in listed}
        hosts = [
            Suggestion(
                "moderator", by_pk[pk].title, f"@{by_pk[pk].user.handle}", f"/@{by_pk[pk].user.handle}/"
            )
            for pk in profile_ids
            if pk in by_pk
        ]
        room_ids = prefix_matches(Room, tenant, prefix, MAX_SUGGESTIONS * 2)
        listed_rooms = selectors.listed_rooms(tenant).filter(pk__in=room_ids).select_related("owner")
        rooms_by_pk = {room.pk: room for room in listed_rooms}
        rooms = [
            Suggestion(
                "room",
                rooms_by_pk[pk].name,
                str(rooms_by_pk[pk].owner),
                f"/@{rooms_by_pk[pk].owner.handle}/{rooms_by_pk[pk].slug}/",
            )
            for pk in room_ids
            if pk in rooms_by_pk
        ]
        topics = [
            Suggestion("topic", topic.name, "Topic", f"{explore_path}?topic={topic.slug}")
            for topic in _topics_starting(tenant, prefix)
        ]
    return _take_turns([hosts, rooms, topics], MAX_SUGGESTIONS)


def _topics_starting(tenant: Tenant, prefix: str) -> list[Topic]:
    """Topics with a word starting with the prefix: a site has few, so the database answers."""
    lowered = prefix.lower()
    topics = Topic.objects.filter(tenant=tenant, name__icontains=prefix).order_by("sort_order", "name")
    return [
        topic
        for topic in topics[: MAX_SUGGESTIONS * 4]
        if any(word.lower().startswith(lowered) for word in [topic.name, *topic.name.split()])
    ][:MAX_SUGGESTIONS]


def _take_turns(groups: list[list[Suggestion]], limit: int) -> list[Suggestion]:
    taken: list[Suggestion] = []
    depth = 0
    while len(taken) < limit and any(depth < len(group) for group in groups):
        taken += [group[depth] for group in groups if depth < len(group)]
        depth += 1
    return taken[:limit]
