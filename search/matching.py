"""Text matching and ranking through the configured Wagtail search backend.

The backend sees only what its index can filter on (site, visibility, status), and answers with
ids and scores; the listing rules and the visitor's filters are applied by the database
afterwards (search/selectors.py). So the database, PostgreSQL full text, SQLite FTS5 and
Elasticsearch/OpenSearch all give the same answers, ranked by their own relevance.
"""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.search.backends import get_search_backend

from marketplace.models import ModeratorProfile, ProfileVisibility, Room, RoomStatus, Tenant, Visibility

# A visitor never pages through more than this many matches of a kind; past it, results are cut.
MAX_MATCHES = 1000


def _indexed(model: type, tenant: Tenant) -> QuerySet:
    """What the index may answer with, in its own filter fields (the database checks the rest)."""
    if model is ModeratorProfile:
        return ModeratorProfile.objects.filter(tenant=tenant, visibility=ProfileVisibility.PUBLIC)
    return Room.objects.filter(tenant=tenant, visibility=Visibility.PUBLIC, status=RoomStatus.ACTIVE)


def _scores(hits) -> dict[int, float]:
    # Scores only compare within one backend: PostgreSQL and Elasticsearch give higher numbers to
    # better matches, SQLite's bm25() more negative ones. Their size is the strength either way.
    return {hit.pk: abs(float(getattr(hit, "_score", 0) or 0)) for hit in hits}


def matches(model: type, tenant: Tenant, q: str, operator: str = "and") -> dict[int, float]:
    """Ids of the indexed rows matching every word of q ("and") or any of them ("or"), with their
    relevance: higher is better."""
    queryset = _indexed(model, tenant).only("pk")
    hits = get_search_backend().search(q, queryset, operator=operator).annotate_score("_score")
    return _scores(hits[:MAX_MATCHES])


def prefix_matches(model: type, tenant: Tenant, prefix: str, limit: int) -> list[int]:
    """Ids of the indexed rows whose names or handles start with the prefix, best first."""
    backend = get_search_backend()
    hits = backend.autocomplete(prefix, _indexed(model, tenant).only("pk"))[:limit]
    return [hit.pk for hit in hits]
