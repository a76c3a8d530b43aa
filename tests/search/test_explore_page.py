"""The Explore page: one per site at /explore/, results and filters without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from search.models import ExplorePage
from search.selectors import explore_path
from search.services import ensure_explore_page
from tests.search import catalogue

pytestmark = pytest.mark.django_db


def page(tenant, query: str = "", user=None):
    client = Client(HTTP_HOST=tenant.hostname)
    if user is not None:
        client.force_login(user)
    response = client.get(f"/explore/{query}")
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def result_titles(html: str) -> list[str]:
    return re.findall(r'data-testid="result-link">([^<]+)</a>', html)


@pytest.fixture
def catalogue_site(tenant, index_jobs):
    catalogue.topic(tenant, "Chemistry")
    catalogue.topic(tenant, "Poetry")
    curie = catalogue.host(tenant, "curie", "Marie Curie", headline="Chemistry", topics=("chemistry",))
    catalogue.host(tenant, "keats", "John Keats", headline="Odes", topics=("poetry",), languages=("en",))
    for number in range(5):
        catalogue.room(curie, tenant, f"Lab session {number}", price="10.00" if number % 2 else "")
    index_jobs()


def test_every_site_gets_one_explore_page(tenant, other_tenant):
    for site in (tenant, other_tenant):
        assert explore_path(site) == "/explore/"
        assert ExplorePage.objects.child_of(site.site.root_page).count() == 1
    first = ensure_explore_page(tenant)
    assert ensure_explore_page(tenant) == first  # idempotent
    assert ExplorePage.objects.count() == 2


def test_results_render_without_javascript(tenant, catalogue_site):
    html = page(tenant, "?q=lab+session+3")
    assert result_titles(html)[0] == "Lab session 3"
    assert 'href="/@curie/lab-session-3/"' in html
    assert 'action="/explore/"' in html and 'method="get"' in html
    assert 'value="lab session 3"' in html  # the form keeps what was asked
    assert '<meta name="robots" content="noindex">' in html
    assert "js/pages/explore.js" in html
    html = page(tenant)
    assert set(result_titles(html)) == {"Marie Curie", "John Keats", *(f"Lab session {n}" for n in range(5))}
    assert 'href="/@keats/"' in html
    assert "noindex" not in html


def test_filters_sorting_and_pages_are_links(tenant, catalogue_site):
    html = page(tenant, "?topic=poetry")
    assert result_titles(html) == ["John Keats"]
    assert '<option value="poetry" selected>' in html
    assert re.search(r'Poetry\s*<a href="/explore/"', html)  # the chip removes the filter
    html = page(tenant, "?kind=rooms&sort=price&free=false")
    assert result_titles(html) == ["Lab session 1", "Lab session 3"]
    assert re.search(r"Rooms only\s*<a", html) and re.search(r"Paid only\s*<a", html)
    assert '<option value="price" selected>' in html
    tenant_page = ExplorePage.objects.get(
        slug="explore", depth=3, path__startswith=tenant.site.root_page.path
    )
    tenant_page.per_page = 2
    tenant_page.save_revision().publish()
    html = page(tenant, "?kind=rooms&sort=price")
    assert result_titles(html) == ["Lab session 0", "Lab session 2"]
    assert 'href="/explore/?kind=rooms&amp;sort=price&amp;page=2" rel="next"' in html
    assert 'aria-current="page">1<' in html
    html = page(tenant, "?kind=rooms&sort=price&page=3")  # free 0, 2, 4 first, then 1 and 3 at 10.00
    assert result_titles(html) == ["Lab session 3"]
    assert 'href="/explore/?kind=rooms&amp;sort=price&amp;page=2" rel="prev"' in html


def test_the_empty_state_suggests_topics(tenant, catalogue_site):
    html = page(tenant, "?q=volcanoes")
    assert result_titles(html) == []
    assert 'data-testid="empty"' in html and "Nothing matches “volcanoes” yet" in html
    assert 'href="/explore/?topic=chemistry"' in html and 'href="/explore/?topic=poetry"' in html


def test_bad_values_are_named_and_left_out(tenant, catalogue_site):
    html = page(tenant, "?price_min=cheap&topic=alchemy&q=lab")
    assert "Enter an amount such as 10 or 12.50." in html
    assert "No such topic on this site." in html
    assert len(result_titles(html)) == 5  # the search still ran, without the bad filters


def test_members_only_sites_ask_visitors_to_sign_in(tenant, catalogue_site):
    tenant.public_content_visible = False
    tenant.save()
    html = page(tenant)
    assert 'data-testid="explore-sign-in"' in html and result_titles(html) == []
    member = catalogue.host(tenant, "member", "Mia Member")
    assert "Marie Curie" in result_titles(page(tenant, user=member))


def test_the_sites_wording_names_kinds(tenant, catalogue_site):
    from django.template import engines

    template = engines["django"].from_string('{% include "search/explore_card.html" %}')
    from search.queries import explore

    item = next(i for i in explore(tenant, kind="rooms").items)
    html = template.render({"item": item, "wording": {"room": "consultation", "session": "visit"}})
    assert "Consultation" in html and "Next visit" in html
