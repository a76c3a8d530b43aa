"""explore() and autocomplete(): relevance, filters, sorting, stable pages, suggestions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope
from djmoney.money import Money

from marketplace.models import ModeratorProfile, Room, ScheduledSession
from search.params import InvalidExploreQuery
from search.queries import MAX_SUGGESTIONS, autocomplete, explore
from tests.search import catalogue

pytestmark = pytest.mark.django_db


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def titles(results) -> list[str]:
    return [item.title for item in results.items]


@pytest.fixture
def school(tenant, index_jobs):
    """Three hosts with topics, languages and rooms of every price, some with sessions."""
    for name in ("Mathematics", "Writing", "Careers"):
        catalogue.topic(tenant, name)
    ada = catalogue.host(
        tenant,
        "ada",
        "Ada Lovelace",
        headline="Algebra and exam preparation",
        bio="<p>Ten years of teaching <strong>maths</strong>.</p>",
        topics=("mathematics",),
        languages=("en", "fr"),
    )
    grace = catalogue.host(
        tenant,
        "grace",
        "Grace Hopper",
        headline="Writing coach for essays and novels",
        topics=("writing", "careers"),
        languages=("en", "es"),
    )
    alan = catalogue.host(
        tenant,
        "alan",
        "Alan Turing",
        headline="Careers for engineers",
        topics=("careers",),
        languages=("de",),
    )
    office = catalogue.room(ada, tenant, "Algebra office hours", description="<p>Bring your homework.</p>")
    exam = catalogue.room(
        ada, tenant, "Exam prep course", price="25.00", description="<ul><li>Algebra</li></ul>"
    )
    circle = catalogue.room(grace, tenant, "Weekly writing circle", price="15.00", fee_model="monthly")
    catalogue.session_in(office, days=2)
    catalogue.session_in(exam, days=1)
    index_jobs()
    return {"ada": ada, "grace": grace, "alan": alan, "office": office, "exam": exam, "circle": circle}


def test_an_exact_name_ranks_first(tenant, school):
    assert titles(explore(tenant, q="Algebra office hours"))[0] == "Algebra office hours"
    assert titles(explore(tenant, q="grace hopper"))[0] == "Grace Hopper"
    assert titles(explore(tenant, q="@ada"))[0] == "Ada Lovelace"
    # "algebra" names one room; the host's headline and the other room's agenda mention it too.
    assert titles(explore(tenant, q="algebra")) == [
        "Algebra office hours",
        "Ada Lovelace",
        "Exam prep course",
    ]


def test_a_headline_outranks_a_bio(tenant, school, index_jobs):
    catalogue.host(tenant, "bea", "Bea Bio", bio="<p>Some geometry, among many other things we do.</p>")
    catalogue.host(tenant, "hal", "Hal Head", headline="Geometry tutoring")
    index_jobs()
    assert titles(explore(tenant, q="geometry")) == ["Hal Head", "Bea Bio"]


def test_all_words_first_then_any_word(tenant, school):
    assert titles(explore(tenant, q="writing novels")) == ["Grace Hopper"]
    # No row has both words: rows with either one are better than nothing.
    assert set(titles(explore(tenant, q="novels homework"))) == {"Grace Hopper", "Algebra office hours"}


def test_topic_and_language_filters(tenant, school):
    writing = explore(tenant, topic="writing")
    assert set(titles(writing)) == {"Grace Hopper", "Weekly writing circle"}
    assert all("writing" in [topic.slug for topic in item.topics] for item in writing.items)
    careers = explore(tenant, topic="careers", kind="moderators")
    assert set(titles(careers)) == {"Grace Hopper", "Alan Turing"}
    assert set(titles(explore(tenant, language="fr"))) == {
        "Ada Lovelace",
        "Algebra office hours",
        "Exam prep course",
    }
    assert titles(explore(tenant, language="de")) == ["Alan Turing"]
    assert titles(explore(tenant, language="e")) == []  # a code, never a part of one


def test_price_filters_are_inclusive(tenant, school, index_jobs):
    owner = school["alan"]
    for price in ("9.99", "10.00", "20.00", "20.01"):
        catalogue.room(owner, tenant, f"Talk at {price}", price=price)
    rooms = explore(tenant, kind="rooms", price_min=usd("10"), price_max=usd("20"))
    assert set(titles(rooms)) == {"Talk at 10.00", "Talk at 20.00", "Weekly writing circle"}
    cheap = explore(tenant, kind="rooms", price_max=usd("10"))
    assert set(titles(cheap)) == {"Algebra office hours", "Talk at 9.99", "Talk at 10.00"}  # free costs 0
    dear = explore(tenant, kind="rooms", price_min=usd("20.00"))
    assert set(titles(dear)) == {"Exam prep course", "Talk at 20.00", "Talk at 20.01"}
    # A host passes when one of their rooms does.
    assert set(titles(explore(tenant, kind="moderators", price_min=usd("20"), price_max=usd("20")))) == {
        "Alan Turing"
    }


def test_prices_compare_in_the_sites_currency_only(tenant, school, index_jobs):
    tenant.default_currency = "EUR"
    tenant.save()
    euro = catalogue.room(school["alan"], tenant, "Euro talk", price="15.00")
    index_jobs()
    assert str(euro.price.currency) == "EUR"
    found = explore(tenant, kind="rooms", price_min=Money(10, "EUR"), price_max=Money(30, "EUR"))
    assert titles(found) == ["Euro talk"]  # the USD rooms at 15 and 25 are not in euros
    with pytest.raises(InvalidExploreQuery) as error:
        explore(tenant, price_min=usd("10"))
    assert set(error.value.errors) == {"price_min"}


def test_free_paid_and_fee_model(tenant, school):
    assert titles(explore(tenant, kind="rooms", free=True)) == ["Algebra office hours"]
    assert set(titles(explore(tenant, kind="rooms", free=False))) == {
        "Exam prep course",
        "Weekly writing circle",
    }
    assert titles(explore(tenant, fee_model="monthly")) == ["Weekly writing circle", "Grace Hopper"]
    assert titles(explore(tenant, kind="moderators", free=True)) == ["Ada Lovelace"]


def test_has_upcoming_session(tenant, school, index_jobs):
    circle, now = school["circle"], timezone.now()
    with scope(tenant=tenant):  # neither an ended session nor a canceled one counts
        ScheduledSession.objects.create(tenant=tenant, room=circle, starts_at=now - timedelta(days=3))
        ScheduledSession.objects.create(
            tenant=tenant, room=circle, starts_at=now + timedelta(days=1), canceled=True
        )
    found = explore(tenant, has_upcoming=True)
    assert set(titles(found)) == {"Ada Lovelace", "Algebra office hours", "Exam prep course"}
    assert found.items[0].next_session is not None


def test_sorting(tenant, school):
    assert titles(explore(tenant, kind="rooms", sort="price")) == [
        "Algebra office hours",
        "Weekly writing circle",
        "Exam prep course",
    ]
    assert titles(explore(tenant, kind="rooms", sort="soonest")) == [
        "Exam prep course",
        "Algebra office hours",
        "Weekly writing circle",  # no session: last
    ]
    assert titles(explore(tenant, kind="moderators", sort="soonest")) == [
        "Ada Lovelace",
        "Grace Hopper",
        "Alan Turing",
    ]
    newest = explore(tenant, kind="rooms")  # without words, the newest come first
    assert titles(newest) == ["Weekly writing circle", "Exam prep course", "Algebra office hours"]
    assert titles(explore(tenant, kind="rooms", q="algebra", sort="newest")) == [
        "Exam prep course",
        "Algebra office hours",
    ]


@pytest.mark.parametrize("sort", ["newest", "price", "soonest", "relevance"])
def test_pages_neither_repeat_nor_skip(tenant, school, index_jobs, sort):
    for number in range(9):
        catalogue.room(school["alan"], tenant, f"Study room {number}", price="5.00" if number % 2 else "")
    with scope(tenant=tenant):  # equal sort keys everywhere: only the tie-break orders them
        moment = timezone.now()
        Room.objects.filter(tenant=tenant).update(created_at=moment)
        ModeratorProfile.objects.filter(tenant=tenant).update(created_at=moment)
    index_jobs()
    q = "study" if sort == "relevance" else ""
    everything = explore(tenant, q=q, sort=sort, per_page=50)
    assert everything.total == (9 if q else 15)
    seen = []
    for page in range(1, 5):
        results = explore(tenant, q=q, sort=sort, page=page, per_page=4)
        assert results.total == everything.total and results.pages == 3 + (not q)
        seen += [(item.kind, item.title) for item in results.items]
    assert seen == [(item.kind, item.title) for item in everything.items]
    assert len(set(seen)) == len(seen)


def test_a_page_past_the_last_is_empty(tenant, school):
    results = explore(tenant, page=9, per_page=2)
    assert results.items == [] and results.total == 6 and results.pages == 3


def test_bad_values_are_refused(tenant, school):
    with pytest.raises(InvalidExploreQuery) as error:
        explore(tenant, kind="people", sort="random", fee_model="barter", page=0)
    assert set(error.value.errors) == {"kind", "sort", "fee_model", "page"}


def test_autocomplete(tenant, school):
    suggestions = autocomplete(tenant, "alg")
    assert [(s.kind, s.label, s.url) for s in suggestions] == [
        ("room", "Algebra office hours", "/@ada/algebra-office-hours/")
    ]
    assert [(s.kind, s.label, s.detail, s.url) for s in autocomplete(tenant, "@gra")] == [
        ("moderator", "Grace Hopper", "@grace", "/@grace/")
    ]
    writing = autocomplete(tenant, "wri", explore_path="/explore/")
    assert ("topic", "Writing", "/explore/?topic=writing") in [(s.kind, s.label, s.url) for s in writing]
    assert ("room", "Weekly writing circle") in [(s.kind, s.label) for s in writing]
    assert autocomplete(tenant, "  ") == []


def test_autocomplete_gives_each_kind_a_turn_and_at_most_eight(tenant, school, index_jobs):
    for number in range(10):
        catalogue.room(school["alan"], tenant, f"Cartography {number}")
    index_jobs()
    suggestions = autocomplete(tenant, "ca")
    assert len(suggestions) == MAX_SUGGESTIONS
    kinds = [s.kind for s in suggestions]
    assert kinds[:2] == ["room", "topic"]  # Careers, the topic, is not pushed out by ten rooms
