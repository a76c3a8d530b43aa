"""Search answers kept in the cache: ranked matches until the site's entries change, pages briefly.

Ranking is the costly part of a search: PostgreSQL scores every row that matches, tens of
thousands for a common word on a large site. The same words are searched far more often than
hosts and rooms change, so each query's ranked ids are cached under the site's index generation,
which every write to its entries raises (search/indexing.py). An answer is thus never older than
the index. The listing rules and the visitor's filters still run on the database for every
request (search/queries.py), so a room taken down disappears at once even from a cached answer.

A page of results (which rows, in which order, and how many in all) is kept for a few seconds
too (SEARCH_PAGE_CACHE_SECONDS), under the same generation: a popular query then costs only the
loading of its rows, which always happens afresh, so what a row shows (price, seats, next
session) is current and a row no longer listed is left out. Pages that depend on the clock
(upcoming sessions) are never cached.

Above these, config/public_cache.py keeps whole API answers for anonymous visitors until the
site's data changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django_scopes import scopes_disabled

from config.public_cache import hostname_changed, site_changed
from marketplace.models import Tenant
from search.models import IndexGeneration

Scores = dict[int, float]
T = TypeVar("T")


def generation(tenant: Tenant) -> int:
    """The site's index generation now (0 before its first indexed change)."""
    return IndexGeneration.objects.filter(tenant=tenant).values_list("number", flat=True).first() or 0


def advance(tenant_id: int) -> None:
    """Make every cached answer of the site stale: call after writing its entries. Whole answers
    kept between the change's commit and this index update were built from the old entries."""
    IndexGeneration.objects.bulk_create([IndexGeneration(tenant_id=tenant_id)], ignore_conflicts=True)
    IndexGeneration.objects.filter(tenant_id=tenant_id).update(number=F("number") + 1)
    transaction.on_commit(lambda: site_changed(tenant_id), robust=True)


def advance_all() -> None:
    """Make every cached answer of every site stale: after a full rebuild of the index."""
    with scopes_disabled():
        IndexGeneration.objects.bulk_create(
            [IndexGeneration(tenant_id=pk) for pk in Tenant.objects.values_list("pk", flat=True)],
            ignore_conflicts=True,
        )
        IndexGeneration.objects.update(number=F("number") + 1)
        hostnames = list(Tenant.objects.values_list("site__hostname", flat=True))
    for hostname in hostnames:
        transaction.on_commit(lambda hostname=hostname: hostname_changed(hostname or ""), robust=True)


def cached(tenant: Tenant, at_generation: int, name: str, compute: Callable[[], T], seconds: int) -> T:
    """compute(), or its answer from an earlier call with the same name at the same generation."""
    if seconds <= 0:
        return compute()
    digest = hashlib.sha256(name.encode()).hexdigest()[:32]
    key = f"search:{tenant.pk}:{at_generation}:{digest}"
    answer = cache.get(key)
    if answer is None:
        answer = compute()
        cache.set(key, answer, seconds)
    return answer


def cached_scores(tenant: Tenant, at_generation: int, name: str, compute: Callable[[], Scores]) -> Scores:
    return cached(tenant, at_generation, f"scores:{name}", compute, settings.SEARCH_MATCH_CACHE_SECONDS)


def cached_page(tenant: Tenant, at_generation: int, name: str, compute: Callable[[], T]) -> T:
    return cached(tenant, at_generation, f"page:{name}", compute, settings.SEARCH_PAGE_CACHE_SECONDS)
