"""The rooms API: one-click create, plan errors in the error shape, updates, isolation."""

from __future__ import annotations

import pytest
from django_scopes import scope

from marketplace.models import Room
from marketplace.roles import Role
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def host(tenant):
    return make_member(tenant, Role.MODERATOR, handle="host")


def test_create_list_and_update(api_for, tenant, host):
    client = api_for(tenant, host)
    created = client.post("/api/v1/rooms/", {"name": "Office hours"}, format="json")
    assert created.status_code == 201, created.json()
    room = created.json()
    assert (room["slug"], room["link"], room["fee_model"]) == ("office-hours", "/@host/office-hours/", "free")
    assert client.get("/api/v1/rooms/").json()["count"] == 1

    changed = client.patch(
        f"/api/v1/rooms/{room['id']}/", {"welcome_message": "Hi!", "max_participants": 8}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["welcome_message"] == "Hi!"


def test_plan_limit_answers_with_the_limit_named(api_for, tenant, host):
    response = api_for(tenant, host).post(
        "/api/v1/rooms/", {"name": "Big", "max_participants": 500}, format="json"
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "plan_limit" and "participants" in error["message"]
    assert error["fields"] == {"max_participants": [error["message"]]}


def test_bad_price_and_slug_clash(api_for, tenant, host):
    client = api_for(tenant, host)
    bad = client.post(
        "/api/v1/rooms/", {"name": "R", "price": {"amount": "1.999", "currency": "USD"}}, format="json"
    )
    assert bad.status_code == 400 and "price" in bad.json()["error"]["fields"]
    client.post("/api/v1/rooms/", {"name": "R", "slug": "same"}, format="json")
    with scope(tenant=tenant):
        Room.objects.filter(owner=host).update(status="paused")  # frees the one-room limit of the free plan
    clash = client.post("/api/v1/rooms/", {"name": "Other", "slug": "same"}, format="json")
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "slug_taken"


def test_isolation_rooms(api_for, tenant, other_tenant, host):
    room = api_for(tenant, host).post("/api/v1/rooms/", {"name": "Mine"}, format="json").json()
    outsider = make_member(other_tenant, Role.ADMIN)
    other = api_for(other_tenant, outsider)
    assert other.get("/api/v1/rooms/").json()["count"] == 0
    assert other.get(f"/api/v1/rooms/{room['id']}/").status_code == 404
    assert (
        other.patch(f"/api/v1/rooms/{room['id']}/", {"name": "Taken over"}, format="json").status_code == 404
    )
    neighbour = make_member(tenant, Role.MODERATOR)
    assert (
        api_for(tenant, neighbour)
        .patch(f"/api/v1/rooms/{room['id']}/", {"name": "x"}, format="json")
        .status_code
        == 404
    )
