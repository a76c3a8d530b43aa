"""Explore's API answers kept whole for anonymous visitors: served again until what they show changes."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_scopes import scope
from rest_framework.test import APIClient
from wagtail.models import Site

from config import public_cache
from config.public_cache import _version_key
from marketplace import middleware
from marketplace.models import Membership, ModeratorProfile, Room, Tenant, Topic, Visibility
from marketplace.roles import Role
from search.answer_signals import tenant_changed
from tests.jobs import deliver, run_on_commit_callbacks
from tests.search import catalogue

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/search/"
EVERYONE = {"kind": "all"}  # every listed host and room, newest first


@pytest.fixture
def bach(tenant, index_jobs):
    catalogue.topic(tenant, "Music")
    owner = catalogue.host(tenant, "bach", "Johann Bach", headline="Organ lessons", topics=("music",))
    catalogue.room(owner, tenant, "Fugue workshop", price="30.00")
    index_jobs()
    return owner


@pytest.fixture
def visitor(tenant):
    return APIClient(HTTP_HOST=tenant.hostname)


def kept(response) -> bool:
    """Whether the answer came from the cache (a cache says how old it is)."""
    return response.has_header("Age")


def warm(client, params=EVERYONE) -> dict:
    """Ask twice: the second answer comes from the cache."""
    first = client.get(SEARCH, params)
    again = client.get(SEARCH, params)
    assert first.status_code == again.status_code == 200
    assert not kept(first) and kept(again) and again.json() == first.json()
    return again.json()


def test_a_repeated_search_is_answered_from_the_cache_without_the_database(
    visitor, bach, django_assert_num_queries
):
    body = warm(visitor)
    assert sorted(result["title"] for result in body["results"]) == ["Fugue workshop", "Johann Bach"]
    with django_assert_num_queries(0):
        again = visitor.get(SEARCH, EVERYONE)
    assert kept(again) and again.json() == body
    assert again["Content-Type"] == "application/json"


def _edit(model, tenant, lookup: dict, **changes) -> None:
    """Save one row with the changes, as the services do (signals and all)."""
    with scope(tenant=tenant):
        row = model.objects.get(**lookup)
        for name, value in changes.items():
            setattr(row, name, value)
        row.save()


def _rename_room(host, tenant):
    _edit(Room, tenant, {"owner": host}, name="Fugue masterclass")


def _make_room_private(host, tenant):
    _edit(Room, tenant, {"owner": host}, visibility=Visibility.PRIVATE)


def _new_headline(host, tenant):
    _edit(ModeratorProfile, tenant, {"user": host}, headline="Organ and harpsichord lessons")


def _rename_topic(host, tenant):
    _edit(Topic, tenant, {"tenant": tenant, "slug": "music"}, name="Baroque music")


def _drop_topic(host, tenant):
    with scope(tenant=tenant):
        ModeratorProfile.objects.get(user=host).topics.clear()


def _rename_host(host, tenant):
    host.display_name = "J. S. Bach"
    host.save(update_fields=["display_name"])


def _deactivate_host(host, tenant):
    host.is_active = False
    host.save()


def _no_longer_moderator(host, tenant):
    with scope(tenant=tenant):
        Membership.objects.filter(tenant=tenant, user=host, role=Role.MODERATOR).delete()


def _schedule_session(host, tenant):
    with scope(tenant=tenant):
        room = Room.objects.get(owner=host)
    catalogue.session_in(room, days=2)


@pytest.mark.parametrize(
    "change",
    [
        _rename_room,
        _make_room_private,
        _new_headline,
        _rename_topic,
        _drop_topic,
        _rename_host,
        _deactivate_host,
        _no_longer_moderator,
        _schedule_session,
    ],
)
def test_every_change_to_what_the_results_show_is_seen_on_the_next_search(visitor, tenant, bach, change):
    before = warm(visitor)
    change(bach, tenant)
    deliver()  # the change commits
    after = visitor.get(SEARCH, EVERYONE)
    assert after.status_code == 200 and not kept(after)
    assert after.json() != before


def test_a_login_changes_nothing_shown_and_keeps_the_answers(visitor, bach):
    warm(visitor)
    bach.last_login = timezone.now()
    bach.save(update_fields=["last_login"])
    deliver()
    assert kept(visitor.get(SEARCH, EVERYONE))


def test_signed_in_visitors_share_the_answers_of_a_public_site(api_for, tenant, visitor, bach):
    body = warm(visitor)
    member = api_for(tenant, bach)
    answer = member.get(SEARCH, EVERYONE)
    assert kept(answer) and answer.json() == body
    # And what a signed-in visitor was answered first is kept for everyone.
    first = member.get(SEARCH, {"q": "fugue"})
    assert not kept(first) and kept(visitor.get(SEARCH, {"q": "fugue"}))


def test_requests_with_a_token_are_never_answered_from_the_cache(visitor, bach):
    warm(visitor)
    answer = visitor.get(SEARCH, EVERYONE, HTTP_AUTHORIZATION="Bearer lyc_not-a-token")
    assert answer.status_code == 401 and not kept(answer)


def test_a_site_for_signed_in_people_only_keeps_nothing(api_for, tenant, visitor, bach):
    tenant.public_content_visible = False
    tenant.save()
    member = api_for(tenant, bach)
    answers = [member.get(SEARCH, EVERYONE) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert not any(kept(answer) for answer in answers)
    assert visitor.get(SEARCH, EVERYONE).status_code == 401


def test_answers_expire_after_their_time_to_live(visitor, bach, settings):
    settings.PUBLIC_RESPONSE_CACHE_SECONDS = 30
    with time_machine.travel(timezone.now(), tick=False) as clock:
        warm(visitor)
        clock.shift(timedelta(seconds=20))
        assert visitor.get(SEARCH, EVERYONE)["Age"] == "20"
        clock.shift(timedelta(seconds=11))
        assert not kept(visitor.get(SEARCH, EVERYONE))


def test_no_answer_is_kept_when_the_cache_is_off(visitor, bach, settings):
    settings.PUBLIC_RESPONSE_CACHE_SECONDS = 0
    visitor.get(SEARCH, EVERYONE)
    assert not kept(visitor.get(SEARCH, EVERYONE))


def test_another_site_on_the_same_path_gets_its_own_answer(visitor, other_tenant, bach, index_jobs):
    catalogue.room(
        catalogue.host(other_tenant, "cy", "Cy Beta", headline="Organ repairs"), other_tenant, "Pipes"
    )
    index_jobs()
    warm(visitor)
    elsewhere = APIClient(HTTP_HOST=other_tenant.hostname).get(SEARCH, EVERYONE)
    assert not kept(elsewhere)
    assert sorted(result["title"] for result in elsewhere.json()["results"]) == ["Cy Beta", "Pipes"]


def test_a_host_answered_by_the_default_site_is_not_cached(tenant, bach):
    Site.objects.filter(pk=tenant.site_id).update(is_default_site=True)
    stranger = APIClient(HTTP_HOST="unknown-host.localhost")
    answers = [stranger.get(SEARCH, EVERYONE) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [200, 200]  # the default site's results
    assert not any(kept(answer) for answer in answers)


def test_the_host_is_kept_as_it_was_sent(tenant, visitor, bach, index_jobs):
    catalogue.room(bach, tenant, "Organ recital")
    index_jobs()
    shouting = APIClient(HTTP_HOST=tenant.hostname.upper())
    loud = shouting.get(SEARCH, {**EVERYONE, "page_size": "1"}).json()
    assert loud["next"].startswith(f"http://{tenant.hostname.upper()}/")
    answer = visitor.get(SEARCH, {**EVERYONE, "page_size": "1"})
    assert not kept(answer) and answer.json()["next"].startswith(f"http://{tenant.hostname}/")


def test_a_hostname_given_to_another_site_drops_its_answers(tenant, visitor, bach):
    warm(visitor)
    Site.objects.create(hostname=tenant.hostname, port=8000, root_page=tenant.site.root_page, site_name="B")
    deliver()
    assert not kept(visitor.get(SEARCH, EVERYONE))


def test_a_site_that_moves_to_another_hostname_leaves_nothing_behind(tenant, visitor, bach):
    warm(visitor)
    site = tenant.site
    site.hostname = "moved.localhost"
    site.save()
    deliver()
    assert not kept(APIClient(HTTP_HOST="moved.localhost").get(SEARCH, EVERYONE))
    assert visitor.get(SEARCH, EVERYONE).status_code == 404


def test_results_indexed_after_the_change_commits_are_not_hidden_by_a_kept_answer(visitor, tenant, bach):
    warm(visitor)
    warm(visitor, {"q": "toccata"})
    catalogue.room(bach, tenant, "Toccata evening")
    run_on_commit_callbacks()  # committed; the index job has not run yet
    visitor.get(SEARCH, {"q": "toccata"})  # answered, and kept, from the index as it was
    deliver()  # the index catches up
    answer = visitor.get(SEARCH, {"q": "toccata"})
    assert not kept(answer) and [result["title"] for result in answer.json()["results"]] == [
        "Toccata evening"
    ]


def test_a_change_committed_while_a_request_runs_never_leaves_a_stale_answer(
    visitor, tenant, bach, monkeypatch
):
    warm(visitor)
    resolve = middleware.resolve_tenant

    def resolve_then_close_the_site(request):
        found = resolve(request)  # the site as it was: open to visitors
        Tenant.objects.filter(pk=tenant.pk).update(public_content_visible=False)
        tenant_changed(Tenant, tenant)
        run_on_commit_callbacks()  # the change commits while the request runs on the old tenant
        return found

    monkeypatch.setattr(middleware, "resolve_tenant", resolve_then_close_the_site)
    assert visitor.get(SEARCH, {"q": "bach"}).status_code == 200
    monkeypatch.setattr(middleware, "resolve_tenant", resolve)
    assert visitor.get(SEARCH, {"q": "bach"}).status_code == 401


def test_the_browsable_api_is_never_kept(api_for, tenant, bach):
    member = api_for(tenant, bach)
    pages = [member.get(SEARCH, {**EVERYONE, "format": "api"}) for _ in range(2)]
    assert [page.status_code for page in pages] == [200, 200]
    assert pages[1]["Content-Type"].startswith("text/html") and not kept(pages[1])


class BrokenCache:
    def __getattr__(self, name):
        def unavailable(*args, **kwargs):
            raise ConnectionError("cache down")

        return unavailable


@pytest.mark.parametrize("broken", ["reading", "keeping"])
def test_a_broken_cache_costs_only_the_shortcut(visitor, bach, monkeypatch, broken):
    warm(visitor)
    if broken == "reading":
        monkeypatch.setattr(public_cache, "cache", BrokenCache())
    else:
        monkeypatch.setattr(public_cache.Kept, "__reduce__", BrokenCache().__reduce__)
    for _ in range(2):
        answer = visitor.get(SEARCH, {"q": "bach"})
        assert answer.status_code == 200 and not kept(answer)
        assert "Johann Bach" in [result["title"] for result in answer.json()["results"]]


def test_the_order_of_the_parameters_does_not_matter(visitor, bach):
    visitor.get(f"{SEARCH}?q=fugue&kind=rooms")
    again = visitor.get(f"{SEARCH}?kind=rooms&q=fugue")
    assert kept(again) and [result["title"] for result in again.json()["results"]] == ["Fugue workshop"]


def test_each_language_has_its_own_answer(visitor, bach):
    warm(visitor)
    assert not kept(visitor.get(SEARCH, EVERYONE, HTTP_ACCEPT_LANGUAGE="fr"))


@pytest.mark.parametrize(
    "params", [{"q": "organ", "sort": "soonest"}, {"q": "organ", "has_upcoming": "true"}]
)
def test_answers_that_change_with_the_clock_are_never_kept(visitor, bach, params):
    answers = [visitor.get(SEARCH, params) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert not any(kept(answer) for answer in answers)


def test_errors_are_never_kept(visitor, bach):
    answers = [visitor.get(SEARCH, {"q": "organ", "sort": "loudest"}) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [400, 400]
    assert not any(kept(answer) for answer in answers)


def test_a_site_closed_to_visitors_stops_answering_them_at_once(visitor, tenant, bach):
    warm(visitor)
    tenant.public_content_visible = False
    tenant.save()
    deliver()
    assert visitor.get(SEARCH, EVERYONE).status_code == 401


def test_suggestions_are_kept_and_dropped_like_results(visitor, tenant, bach):
    path = "/api/v1/search/autocomplete/"
    visitor.get(path, {"q": "fug"})
    assert kept(visitor.get(path, {"q": "fug"}))
    _rename_room(bach, tenant)
    deliver()
    fresh = visitor.get(path, {"q": "fug"})
    assert not kept(fresh) and [s["label"] for s in fresh.json()["results"]] == ["Fugue masterclass"]


def test_a_lost_version_drops_every_kept_answer(visitor, tenant, bach):
    warm(visitor)
    cache.delete(_version_key(tenant.hostname))
    assert not kept(visitor.get(SEARCH, EVERYONE))
    assert kept(visitor.get(SEARCH, EVERYONE))


def test_a_change_that_is_rolled_back_keeps_the_answers(visitor, tenant, bach):
    warm(visitor)
    with contextlib.suppress(RuntimeError), transaction.atomic():
        _rename_room(bach, tenant)
        raise RuntimeError("the change fails")
    run_on_commit_callbacks()
    assert kept(visitor.get(SEARCH, EVERYONE))
