"""Cached search answers: a repeated search skips the ranking, yet never lists what is no longer listed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from marketplace.models import Membership
from marketplace.roles import Role
from search.queries import explore
from tests.search import catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def astronomers(tenant, index_jobs):
    ada = catalogue.host(tenant, "ada", "Ada Lovelace", headline="Telescopes")
    catalogue.room(ada, tenant, "Telescopes for beginners")
    bea = catalogue.host(tenant, "bea", "Bea Bright", headline="Telescopes and comets")
    catalogue.room(bea, tenant, "Comet watch with telescopes")
    index_jobs()
    return ada, bea


def searched(tenant, **fields) -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        results = explore(tenant, **fields)
    return [item.title for item in results.items], len(queries.captured_queries)


def test_a_repeated_search_is_answered_without_ranking_again(tenant, astronomers):
    first, cold = searched(tenant, q="telescopes")
    again, warm = searched(tenant, q="telescopes")
    assert again == first and len(first) == 4
    assert warm < cold
    # Another page or filter of the same words reuses the ranking, not the page.
    assert searched(tenant, q="telescopes", kind="rooms")[0] == [
        title for title in first if title in ("Telescopes for beginners", "Comet watch with telescopes")
    ]


def test_nothing_is_cached_when_caching_is_off(tenant, astronomers, settings):
    settings.SEARCH_MATCH_CACHE_SECONDS = settings.SEARCH_PAGE_CACHE_SECONDS = 0
    first, cold = searched(tenant, q="telescopes")
    again, warm = searched(tenant, q="telescopes")
    assert again == first and warm == cold


def test_a_cached_page_never_shows_a_host_who_left(tenant, astronomers):
    _, bea = astronomers
    assert "Bea Bright" in searched(tenant, q="telescopes")[0]
    # No longer a moderator: nothing the index shows changed, so no index job runs.
    with scope(tenant=tenant):
        Membership.objects.filter(tenant=tenant, user=bea, role=Role.MODERATOR).delete()
    titles = searched(tenant, q="telescopes")[0]
    assert "Bea Bright" not in titles and "Comet watch with telescopes" not in titles
    assert sorted(titles) == ["Ada Lovelace", "Telescopes for beginners"]


def test_other_sites_never_share_an_answer(tenant, other_tenant, astronomers, index_jobs):
    catalogue.room(catalogue.host(other_tenant, "cy", "Cy Beta"), other_tenant, "Telescopes in Beta")
    index_jobs()
    assert "Telescopes in Beta" not in searched(tenant, q="telescopes")[0]
    assert searched(other_tenant, q="telescopes")[0] == ["Telescopes in Beta"]
