"""Search shows one site's public content only: never another site's, never unlisted, private,
paused, or anything of people who are no longer active moderators there."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from marketplace.models import Membership
from marketplace.roles import Role
from search.queries import autocomplete, explore
from tests.search import catalogue

pytestmark = pytest.mark.django_db


def titles(results) -> list[str]:
    return [item.title for item in results.items]


@pytest.fixture
def two_sites(tenant, other_tenant, index_jobs):
    """The same names on both sites, so only the site can tell them apart."""
    for site, handle in ((tenant, "ann"), (other_tenant, "bob")):
        catalogue.topic(site, "Algebra")
        owner = catalogue.host(site, handle, handle.title(), headline="Algebra tutor", topics=("algebra",))
        catalogue.room(owner, site, "Algebra office hours", description=f"<p>Kept by {handle}</p>")
    index_jobs()


def test_another_sites_profiles_and_rooms_never_appear(tenant, other_tenant, two_sites):
    for site, mine, theirs in ((tenant, "ann", "bob"), (other_tenant, "bob", "ann")):
        results = explore(site, q="algebra")
        assert results.total == 2
        assert {item.host.handle for item in results.items} == {mine}
        assert explore(site, q=theirs).total == 0
        assert [item.title for item in explore(site, q=f"kept by {theirs}").items] == ["Algebra office hours"]
        assert explore(site, q=f"kept by {theirs}").items[0].host.handle == mine  # "kept": their own room
        assert {item.host.handle for item in explore(site).items} == {mine}
        suggestions = autocomplete(site, "al")
        assert [s.label for s in suggestions] == ["Algebra office hours", "Algebra"]
        assert all(theirs not in s.url for s in suggestions)
        assert autocomplete(site, theirs[:2]) == []


def test_another_sites_rows_never_appear_in_the_api(api_for, tenant, other_tenant, two_sites):
    for site, theirs in ((tenant, "bob"), (other_tenant, "ann")):
        body = api_for(site).get("/api/v1/search/", {"q": "algebra"}).json()
        assert body["count"] == 2
        assert all(result["handle"] != theirs for result in body["results"])
        suggestions = api_for(site).get("/api/v1/search/autocomplete/", {"q": "alg"}).json()["results"]
        assert len(suggestions) == 2 and all(theirs not in s["url"] for s in suggestions)
        assert api_for(site).get("/api/v1/search/autocomplete/", {"q": theirs}).json() == {"results": []}
        # Another site's topic is no topic here: the filter answers 400, not their rows.
        assert api_for(site).get("/api/v1/search/", {"topic": "nope"}).status_code == 400


def test_unlisted_private_and_paused_are_never_listed(tenant, index_jobs):
    shy = catalogue.host(tenant, "shy", "Shy Sherpa", headline="Mountain guide", visibility="unlisted")
    open_host = catalogue.host(tenant, "open", "Olga Open", headline="Mountain walks")
    catalogue.room(shy, tenant, "Mountain basics")  # public room of an unlisted host: listed
    catalogue.room(open_host, tenant, "Mountain secrets", visibility="private")
    catalogue.room(open_host, tenant, "Mountain link only", visibility="unlisted")
    catalogue.pause(catalogue.room(open_host, tenant, "Mountain paused"))
    index_jobs()
    for query in ("mountain", "Mountain secrets", "Mountain link only", "Mountain paused", "Shy Sherpa", ""):
        found = set(titles(explore(tenant, q=query)))
        assert not found & {"Shy Sherpa", "Mountain secrets", "Mountain link only", "Mountain paused"}
    assert set(titles(explore(tenant, q="mountain"))) == {"Olga Open", "Mountain basics"}
    labels = {s.label for s in autocomplete(tenant, "mou")} | {s.label for s in autocomplete(tenant, "shy")}
    assert labels == {"Mountain basics"}


def test_people_who_left_or_stopped_hosting_vanish(tenant, index_jobs):
    gone = catalogue.host(tenant, "gone", "Gina Gone", headline="Pottery")
    former = catalogue.host(tenant, "former", "Fred Former", headline="Pottery")
    catalogue.room(gone, tenant, "Pottery wheel")
    catalogue.room(former, tenant, "Pottery glaze")
    index_jobs()
    assert explore(tenant, q="pottery").total == 4
    gone.is_active = False
    gone.save()
    with scopes_disabled():
        Membership.objects.filter(tenant=tenant, user=former, role=Role.MODERATOR).delete()
    index_jobs()
    assert explore(tenant, q="pottery").total == 0
    assert autocomplete(tenant, "pot") == []


def test_members_only_sites_answer_anonymous_visitors_with_401(api_for, tenant, two_sites):
    tenant.public_content_visible = False
    tenant.save()
    for path in ("/api/v1/search/", "/api/v1/search/autocomplete/?q=al"):
        assert api_for(tenant).get(path).status_code == 401
    member = catalogue.host(tenant, "member", "Mia Member")
    assert api_for(tenant, member).get("/api/v1/search/").json()["count"] == 3


def test_scoped_queries_stay_inside_the_site(tenant, other_tenant, two_sites):
    # Even when called inside another site's scope, explore answers for the site it is given.
    with scope(tenant=other_tenant):
        assert {item.host.handle for item in explore(tenant, q="algebra").items} == {"ann"}
