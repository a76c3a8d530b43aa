"""GET /api/v1/search/ and /api/v1/search/autocomplete/: results, errors naming the field, schema."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from tests.api.test_errors_and_schema import assert_error_shape
from tests.search import catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(tenant, index_jobs):
    catalogue.topic(tenant, "Music")
    owner = catalogue.host(tenant, "bach", "Johann Bach", headline="Organ lessons", topics=("music",))
    fugue = catalogue.room(owner, tenant, "Fugue workshop", price="30.00")
    catalogue.session_in(fugue, days=3)
    catalogue.room(owner, tenant, "Open rehearsal")
    index_jobs()
    return owner


def test_search_returns_results_with_their_details(api_for, tenant, listing):
    body = api_for(tenant).get("/api/v1/search/", {"q": "fugue"}).json()
    assert (body["count"], body["page"], body["pages"], body["next"], body["previous"]) == (
        1,
        1,
        1,
        None,
        None,
    )
    [room] = body["results"]
    assert room["kind"] == "room" and room["title"] == "Fugue workshop"
    assert room["url"] == "/@bach/fugue-workshop/" and room["handle"] == "bach"
    assert room["price"] == {"amount": "30.00", "currency": "USD"} and room["fee_model"] == "one_time"
    assert room["fee_text"] == "$30.00 once"
    assert room["topics"] == [{"slug": "music", "name": "Music"}]
    assert room["next_session"]["starts_at"] and room["next_session"]["time_zone"] == "UTC"
    host = api_for(tenant).get("/api/v1/search/", {"kind": "moderators"}).json()["results"][0]
    assert host["kind"] == "moderator" and host["url"] == "/@bach/" and host["price"] is None
    assert host["fee_text"] == "Free, or from $30.00"


def test_filters_and_pages(api_for, tenant, listing):
    client = api_for(tenant)
    free = client.get("/api/v1/search/", {"kind": "rooms", "free": "true"}).json()
    assert [r["title"] for r in free["results"]] == ["Open rehearsal"]
    priced = client.get("/api/v1/search/", {"price_min": "30", "price_max": "30.00", "kind": "rooms"}).json()
    assert [r["title"] for r in priced["results"]] == ["Fugue workshop"]
    upcoming = client.get("/api/v1/search/", {"has_upcoming": "true", "topic": "music", "sort": "soonest"})
    assert [r["title"] for r in upcoming.json()["results"]] == ["Johann Bach", "Fugue workshop"]
    first = client.get("/api/v1/search/", {"page_size": 2, "sort": "newest"}).json()
    assert first["count"] == 3 and first["pages"] == 2
    assert parse_qs(urlsplit(first["next"]).query) == {"page_size": ["2"], "sort": ["newest"], "page": ["2"]}
    second = client.get(first["next"]).json()
    assert second["previous"] and len(second["results"]) == 1
    assert {r["title"] for r in first["results"] + second["results"]} == {
        "Johann Bach",
        "Fugue workshop",
        "Open rehearsal",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "people"}, "kind"),
        ({"sort": "random"}, "sort"),
        ({"fee_model": "barter"}, "fee_model"),
        ({"price_min": "-1"}, "price_min"),
        ({"price_max": "1.001"}, "price_max"),
        ({"price_min": "20", "price_max": "10"}, "price_max"),
        ({"free": "maybe"}, "free"),
        ({"has_upcoming": "soon"}, "has_upcoming"),
        ({"topic": "alchemy"}, "topic"),
        ({"language": "english"}, "language"),
        ({"page": "0"}, "page"),
        ({"page_size": "500"}, "page_size"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_values_answer_400_naming_the_field(api_for, tenant, listing, params, field):
    error = assert_error_shape(api_for(tenant).get("/api/v1/search/", params), 400, "invalid")
    assert list(error["fields"]) == [field]
    assert field in error["message"]


def test_autocomplete(api_for, tenant, listing):
    body = api_for(tenant).get("/api/v1/search/autocomplete/", {"q": "fu"}).json()
    assert body == {
        "results": [
            {
                "kind": "room",
                "label": "Fugue workshop",
                "detail": "Johann Bach",
                "url": "/@bach/fugue-workshop/",
            }
        ]
    }
    music = api_for(tenant).get("/api/v1/search/autocomplete/", {"q": "mus"}).json()["results"]
    assert music == [{"kind": "topic", "label": "Music", "detail": "Topic", "url": "/explore/?topic=music"}]
    assert api_for(tenant).get("/api/v1/search/autocomplete/").json() == {"results": []}
    error = assert_error_shape(api_for(tenant).get("/api/v1/search/autocomplete/", {"q": "x" * 101}), 400)
    assert list(error["fields"]) == ["q"]


def test_the_schema_documents_the_search_api(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/search/:" in text and "/api/v1/search/autocomplete/:" in text
    for parameter in ("price_min", "has_upcoming", "fee_model", "page_size"):
        assert f"name: {parameter}" in text
