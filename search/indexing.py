"""Writes to the search index: moderator profiles and rooms, refreshed after what they show changed.

A profile's entry holds its user's name and handle and its topics' names; a room's, its host's
name and the topics on the host's profile. So a change to any of those rows refreshes the entries
that show it. Every refresh reads the rows as they are now: running one twice, late or out of
order leaves the same index.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db.models import Model
from django_scopes import scope, scopes_disabled
from wagtail.search.backends import get_search_backends

from marketplace.models import ModeratorProfile, Room, Tenant, User
from search import match_cache

logger = logging.getLogger(__name__)


def _sync(model: type[Model], tenant: Tenant, pks: set[int]) -> None:
    """Add or update the rows that exist; remove the entries of those that are gone."""
    if not pks:
        return
    present = list(model.get_indexed_objects().filter(tenant=tenant, pk__in=pks))
    gone = pks - {obj.pk for obj in present}
    with scopes_disabled():
        # An id that now belongs to another site was never this one's: leave its entry alone.
        gone -= set(model.objects.filter(pk__in=gone).exclude(tenant=tenant).values_list("pk", flat=True))
    for backend in get_search_backends(with_auto_update=True):
        if present:
            backend.add_bulk(model, present)
        for pk in gone:
            backend.delete(model(pk=pk))
        # Make the writes searchable before cached answers are dropped (Elasticsearch and
        # OpenSearch show them only after a refresh; the database backend at once).
        backend.refresh_indexes()
    match_cache.advance(tenant.pk)


def _remove(model: type[Model], pks: Iterable[int]) -> None:
    for backend in get_search_backends(with_auto_update=True):
        for pk in pks:
            backend.delete(model(pk=pk))


def refresh(
    tenant_id: int,
    *,
    profiles: Iterable[int] = (),
    rooms: Iterable[int] = (),
    hosts: Iterable[int] = (),
    topics: Iterable[int] = (),
) -> None:
    """Refresh the entries of these profiles and rooms, of every profile with these topics, and of
    the profiles and rooms of these hosts (users), on one site."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:  # the site was deleted with everything on it
        _remove(ModeratorProfile, profiles)
        _remove(Room, rooms)
        return
    with scope(tenant=tenant):
        profile_ids = set(profiles)
        if topics:
            tagged = ModeratorProfile.objects.filter(tenant=tenant, topics__in=list(topics))
            profile_ids |= set(tagged.values_list("pk", flat=True))
        host_ids = set(hosts) | set(
            ModeratorProfile.objects.filter(tenant=tenant, pk__in=profile_ids).values_list(
                "user_id", flat=True
            )
        )
        if host_ids:
            of_hosts = ModeratorProfile.objects.filter(tenant=tenant, user_id__in=host_ids)
            profile_ids |= set(of_hosts.values_list("pk", flat=True))
        room_ids = set(rooms)
        if host_ids:
            room_ids |= set(
                Room.objects.filter(tenant=tenant, owner_id__in=host_ids).values_list("pk", flat=True)
            )
        _sync(ModeratorProfile, tenant, profile_ids)
        _sync(Room, tenant, room_ids)


def refresh_user(user_id: int) -> None:
    """A user's name, handle or active flag changed: refresh what shows them, on every site.

    Users are global, so finding their sites looks across tenants (without reading their data).
    """
    with scopes_disabled():
        tenant_ids = set(ModeratorProfile.objects.filter(user_id=user_id).values_list("tenant_id", flat=True))
        tenant_ids |= set(Room.objects.filter(owner_id=user_id).values_list("tenant_id", flat=True))
    for tenant_id in sorted(tenant_ids):
        refresh(tenant_id, hosts=[user_id])


def index_tenant(tenant: Tenant) -> int:
    """Index every profile and room of one site now (the demo's seed has no worker to do it)."""
    with scope(tenant=tenant):
        profile_ids = set(ModeratorProfile.objects.filter(tenant=tenant).values_list("pk", flat=True))
        room_ids = set(Room.objects.filter(tenant=tenant).values_list("pk", flat=True))
    refresh(tenant.pk, profiles=profile_ids, rooms=room_ids)
    return len(profile_ids) + len(room_ids)


def is_indexed_user_change(user: User, update_fields: Iterable[str] | None) -> bool:
    """Whether a save of the user changed what the index shows of them (not a login, say)."""
    return update_fields is None or bool({"display_name", "handle", "is_active"} & set(update_fields))
