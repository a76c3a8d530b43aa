"""The OpenAPI schema, the one error shape, and throttling of auth endpoints."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


def test_schema_is_valid_openapi_and_only_covers_the_api(tmp_path, tenant):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/me/" in text
    assert "/cms/" not in text

    response = Client(HTTP_HOST=tenant.hostname).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    assert Client(HTTP_HOST=tenant.hostname).get("/api/docs/").status_code == 200


def test_400_malformed_json(api_for, tenant, attendee):
    response = api_for(tenant, attendee).patch(
        "/api/v1/me/", data="{not json", content_type="application/json"
    )
    assert_error_shape(response, 400, "parse_error")


def test_400_field_errors_name_the_field(api_for, tenant, attendee):
    response = api_for(tenant, attendee).patch("/api/v1/me/", {"time_zone": "Mars/Olympus"}, format="json")
    error = assert_error_shape(response, 400, "invalid")
    assert "time_zone" in error["fields"]
    assert "Unknown time zone" in error["fields"]["time_zone"][0]


def test_401_without_credentials(api_for, tenant):
    error = assert_error_shape(api_for(tenant).get("/api/v1/me/"), 401, "not_authenticated")
    assert "credentials" in error["message"]


def test_403_for_non_admin_managing_members(api_for, tenant, attendee):
    response = api_for(tenant, attendee).post(
        "/api/v1/memberships/", {"user": attendee.email, "role": "moderator"}, format="json"
    )
    assert_error_shape(response, 403, "permission_denied")


def test_404_unknown_object_and_unknown_endpoint(api_for, tenant, attendee):
    client = api_for(tenant, attendee)
    assert_error_shape(
        client.get("/api/v1/memberships/00000000-0000-0000-0000-000000000000/"), 404, "not_found"
    )
    assert_error_shape(client.get("/api/v1/no-such-thing/"), 404, "not_found")


def test_405_wrong_method(api_for, tenant, attendee):
    assert_error_shape(api_for(tenant, attendee).delete("/api/v1/me/"), 405, "method_not_allowed")


def test_obtain_token_then_use_it(api_for, tenant):
    user = make_member(tenant)
    response = api_for(tenant).post(
        "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD, "name": "CLI"}, format="json"
    )
    assert response.status_code == 201
    raw = response.json()["token"]
    client = api_for(tenant)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me/").json()["handle"] == user.handle


def test_obtain_token_wrong_password(api_for, tenant):
    user = make_member(tenant)
    response = api_for(tenant).post(
        "/api/v1/auth/token/", {"email": user.email, "password": "nope"}, format="json"
    )
    assert_error_shape(response, 401, "invalid_credentials")


def test_auth_endpoint_is_throttled_with_429(api_for, tenant, settings):
    user = make_member(tenant)
    client = api_for(tenant)
    statuses = [
        client.post(
            "/api/v1/auth/token/", {"email": user.email, "password": "guess"}, format="json"
        ).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    response = client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
    error = assert_error_shape(response, 429, "throttled")
    assert "throttled" in error["message"].lower()
    assert int(response["Retry-After"]) > 0
