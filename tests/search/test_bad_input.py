"""Explore and the search API given hostile or nonsensical input: a normal answer, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.test_errors_and_schema import assert_error_shape
from tests.search import catalogue

pytestmark = pytest.mark.django_db

LONG = "x" * 10_000
SQL = "' OR 1=1 --"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def listing(tenant, index_jobs):
    catalogue.topic(tenant, "Music")
    owner = catalogue.host(tenant, "bach", "Johann Bach", headline="Organ lessons", topics=("music",))
    catalogue.room(owner, tenant, "Fugue workshop", price="30.00")
    catalogue.room(owner, tenant, "Open rehearsal")
    index_jobs()


def explore(tenant, params: dict) -> str:
    response = Client(HTTP_HOST=tenant.hostname).get("/explore/", params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": LONG},
        {"q": SQL},
        {"q": SCRIPT},
        {"page": "999"},
        {"page": "10001"},
        {"page": "abc"},
        {"topic": "alchemy"},
        {"kind": "people"},
        {"sort": "random"},
        {"fee_model": "barter"},
        {"price_min": "ten", "price_max": "-5"},
        {"language": SCRIPT},
    ],
)
def test_the_explore_page_answers_normally(tenant, listing, params):
    html = explore(tenant, params)
    assert SCRIPT not in html
    assert "<html" in html.lower()


def test_the_explore_page_escapes_the_query(tenant, listing):
    html = explore(tenant, {"q": SCRIPT})
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the form keeps what was asked, escaped
    html = explore(tenant, {"q": SQL})
    assert "0 results" in html  # a phrase to look for, not a condition that matches everything


def test_a_page_past_the_end_of_explore_is_a_page(tenant, listing):
    html = explore(tenant, {"q": "fugue", "page": "999"})
    assert 'data-testid="result-count"' in html


@pytest.mark.parametrize("query", [SQL, SCRIPT])
def test_the_api_treats_sql_and_html_as_words(api_for, tenant, listing, query):
    response = api_for(tenant).get("/api/v1/search/", {"q": query})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"]) < 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": LONG}, "q"),
        ({"topic": "alchemy"}, "topic"),
        ({"kind": SCRIPT}, "kind"),
        ({"page": "abc"}, "page"),
        ({"page": "10001"}, "page"),
    ],
)
def test_the_api_names_the_bad_field(api_for, tenant, listing, params, field):
    error = assert_error_shape(api_for(tenant).get("/api/v1/search/", params), 400)
    assert field in error["fields"]


def test_a_page_past_the_end_of_the_api_is_empty_or_named(api_for, tenant, listing):
    response = api_for(tenant).get("/api/v1/search/", {"page": "999"})
    if response.status_code == 200:
        assert response.json()["results"] == []
    else:
        assert "page" in assert_error_shape(response, 400)["fields"]
