"""Background jobs of the search app: index updates, queued when a change commits (search/signals.py)."""

from __future__ import annotations

import dramatiq

from search import indexing


@dramatiq.actor(max_retries=5, min_backoff=2_000)
def update_search_index(
    tenant_id: int,
    profiles: list[int] | None = None,
    rooms: list[int] | None = None,
    hosts: list[int] | None = None,
    topics: list[int] | None = None,
) -> None:
    """Refresh the index entries a change touched; safe to run twice or late (it reads rows as they are)."""
    indexing.refresh(
        tenant_id, profiles=profiles or (), rooms=rooms or (), hosts=hosts or (), topics=topics or ()
    )


@dramatiq.actor(max_retries=5, min_backoff=2_000)
def update_search_index_for_user(user_id: int) -> None:
    """A user's name, handle or active flag changed: refresh their profiles and rooms on every site."""
    indexing.refresh_user(user_id)
