"""Admins manage members' roles; members manage their API tokens."""

from __future__ import annotations

import pytest
from django_scopes import scope

from marketplace.models import ApiToken, Membership
from marketplace.roles import Role
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


def roles_of(tenant, user) -> set[str]:
    with scope(tenant=tenant):
        return set(Membership.objects.filter(tenant=tenant, user=user).values_list("role", flat=True))


def test_admin_lists_and_filters_members(api_for, tenant, admin_user):
    make_member(tenant, Role.MODERATOR, handle="teacher", display_name="Great Teacher")
    make_member(tenant, handle="student")
    client = api_for(tenant, admin_user)
    moderators = client.get("/api/v1/memberships/?role=moderator").json()
    assert [row["user"]["handle"] for row in moderators["results"]] == ["teacher"]
    found = client.get("/api/v1/memberships/?search=great").json()
    assert {row["user"]["handle"] for row in found["results"]} == {"teacher"}
    page = client.get("/api/v1/memberships/?page_size=2").json()
    assert page["count"] == 5 and len(page["results"]) == 2 and page["next"]


def test_member_sees_only_their_own_roles(api_for, tenant, attendee, admin_user):
    rows = api_for(tenant, attendee).get("/api/v1/memberships/").json()["results"]
    assert {row["user"]["handle"] for row in rows} == {attendee.handle}


def test_admin_grants_a_role_by_email_or_handle(api_for, tenant, admin_user):
    newcomer = UserFactory(handle="newcomer")
    client = api_for(tenant, admin_user)
    response = client.post("/api/v1/memberships/", {"user": "@newcomer", "role": "moderator"}, format="json")
    assert response.status_code == 201, response.json()
    assert roles_of(tenant, newcomer) == {Role.ATTENDEE, Role.MODERATOR}

    again = client.post("/api/v1/memberships/", {"user": newcomer.email, "role": "moderator"}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "role_already_held"


def test_granting_to_unknown_user_is_a_field_error(api_for, tenant, admin_user):
    response = api_for(tenant, admin_user).post(
        "/api/v1/memberships/", {"user": "ghost@example.com", "role": "editor"}, format="json"
    )
    assert response.status_code == 400
    assert "user" in response.json()["error"]["fields"]


def test_admin_revokes_a_role_and_removing_attendee_removes_all(api_for, tenant, admin_user):
    member = make_member(tenant, Role.MODERATOR)
    client = api_for(tenant, admin_user)
    with scope(tenant=tenant):
        moderator_role = Membership.objects.get(user=member, role=Role.MODERATOR)
        attendee_role = Membership.objects.get(user=member, role=Role.ATTENDEE)
    assert client.delete(f"/api/v1/memberships/{moderator_role.public_id}/").status_code == 204
    assert roles_of(tenant, member) == {Role.ATTENDEE}
    make_member  # noqa: B018
    with scope(tenant=tenant):
        Membership.objects.create(tenant=tenant, user=member, role=Role.EDITOR)
    assert client.delete(f"/api/v1/memberships/{attendee_role.public_id}/").status_code == 204
    assert roles_of(tenant, member) == set()


def test_last_admin_cannot_be_removed(api_for, tenant, admin_user):
    with scope(tenant=tenant):
        admin_role = Membership.objects.get(user=admin_user, role=Role.ADMIN)
    response = api_for(tenant, admin_user).delete(f"/api/v1/memberships/{admin_role.public_id}/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "last_admin"
    assert Role.ADMIN in roles_of(tenant, admin_user)


def test_token_lifecycle(api_for, tenant, attendee):
    client = api_for(tenant, attendee)
    created = client.post("/api/v1/tokens/", {"name": "Calendar sync"}, format="json")
    assert created.status_code == 201
    raw = created.json()["token"]
    assert raw.startswith("lyc_")

    listed = client.get("/api/v1/tokens/").json()["results"]
    assert [(t["name"], t["is_active"]) for t in listed] == [("Calendar sync", True)]
    assert "token" not in listed[0]
    with scope(tenant=tenant):
        assert raw not in {t.key_hash for t in ApiToken.objects.all()}

    bearer = api_for(tenant)
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert bearer.get("/api/v1/me/").status_code == 200
    with scope(tenant=tenant):
        assert ApiToken.objects.get().last_used_at is not None

    assert client.delete(f"/api/v1/tokens/{listed[0]['id']}/").status_code == 204
    assert bearer.get("/api/v1/me/").status_code == 401
    assert client.get("/api/v1/tokens/").json()["results"][0]["is_active"] is False


def test_token_name_is_required(api_for, tenant, attendee):
    response = api_for(tenant, attendee).post("/api/v1/tokens/", {}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["error"]["fields"]


def test_malformed_authorization_header(api_for, tenant):
    client = api_for(tenant)
    client.credentials(HTTP_AUTHORIZATION="Bearer")
    assert client.get("/api/v1/me/").status_code == 401
