"""The registrations API: register, cancel, decide, lists, private access; errors and isolation."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_scopes import scope

from marketplace.models import Registration, RoomAccess
from marketplace.roles import Role
from tests.factories import make_member
from tests.factories.money import balance, fund
from tests.mail import part
from tests.marketplace.registration_fixtures import usd

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(tenant):
    return make_member(tenant, handle="sam", email="sam@example.com")


def registrations(tenant):
    with scope(tenant=tenant):
        return list(Registration.objects.values_list("user__handle", "status"))


def test_register_and_cancel_through_the_api(api_for, tenant, sam, make_room):
    room = make_room(fee_model="one_time", price=usd("20.00"))
    fund(tenant, sam, "25")
    client = api_for(tenant, sam)
    created = client.post("/api/v1/registrations/", {"room": str(room.public_id)}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["paid"], body["room"]["link"]) == (
        "approved",
        {"amount": "20.00", "currency": "USD"},
        "/@host/algebra/",
    )
    listed = client.get("/api/v1/registrations/").json()
    assert [r["room"]["name"] for r in listed["results"]] == ["Algebra"]

    canceled = client.post(f"/api/v1/registrations/{body['id']}/cancel/")
    assert canceled.status_code == 200
    assert canceled.json()["refunded"] == {"amount": "20.00", "currency": "USD"}
    assert balance(tenant, sam) == usd("25.00")


def test_retried_registration_with_the_same_key_charges_once(api_for, tenant, sam, make_room):
    room = make_room(fee_model="one_time", price=usd("20.00"))
    fund(tenant, sam, "50")
    client = api_for(tenant, sam)
    first = client.post(
        "/api/v1/registrations/", {"room": str(room.public_id)}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    again = client.post(
        "/api/v1/registrations/", {"room": str(room.public_id)}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert balance(tenant, sam) == usd("30.00")


@pytest.mark.parametrize(
    ("setup", "status", "code"),
    [
        ("twice", 409, "already_registered"),
        ("banned", 403, "banned"),
        ("broke", 402, "insufficient_funds"),
        ("full", 409, "room_full"),
        ("own", 403, "registration_refused"),
    ],
)
def test_refusals_answer_clearly_and_change_nothing(
    api_for, tenant, host, sam, make_room, setup, status, code
):
    room = make_room(fee_model="one_time", price=usd("20.00"), max_participants=1)
    fund(tenant, sam, "20")
    who = sam
    if setup == "twice":
        api_for(tenant, sam).post("/api/v1/registrations/", {"room": str(room.public_id)}, format="json")
    elif setup == "banned":
        api_for(tenant, host).post(
            f"/api/v1/rooms/{room.public_id}/registrants/ban-person/", {"person": "@sam"}, format="json"
        )
    elif setup == "broke":
        who = make_member(tenant, handle="broke")
    elif setup == "full":
        api_for(tenant, sam).post("/api/v1/registrations/", {"room": str(room.public_id)}, format="json")
        who = make_member(tenant, handle="late")
        fund(tenant, who, "20")
    elif setup == "own":
        who = host
    before = (registrations(tenant), balance(tenant, who))
    response = api_for(tenant, who).post(
        "/api/v1/registrations/", {"room": str(room.public_id)}, format="json"
    )
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert (registrations(tenant), balance(tenant, who)) == before


def test_unknown_or_invisible_room_is_404(api_for, tenant, sam, make_room):
    private = make_room(visibility="private")
    client = api_for(tenant, sam)
    for room_id in (str(private.public_id), "3f1e6a52-4d0b-4c37-9f5e-2a8b61c3d0aa"):
        response = client.post("/api/v1/registrations/", {"room": room_id}, format="json")
        assert response.status_code == 404
    assert client.post("/api/v1/registrations/", {"room": "nope"}, format="json").status_code == 400


def test_host_approves_rejects_and_bulk_decides(api_for, tenant, host, make_room):
    room = make_room(fee_model="one_time", price=usd("10.00"), approval_required=True)
    people = [make_member(tenant, handle=f"p{n}") for n in range(4)]
    for person in people:
        fund(tenant, person, "10")
        api_for(tenant, person).post("/api/v1/registrations/", {"room": str(room.public_id)}, format="json")
    client = api_for(tenant, host)
    base = f"/api/v1/rooms/{room.public_id}/registrants/"
    pending = client.get(base, {"status": "pending"}).json()["results"]
    assert len(pending) == 4
    ids = {row["user"]["handle"]: row["id"] for row in pending}

    assert (
        client.post(f"{base}{ids['p0']}/reject/", {"note": "Sorry"}, format="json").json()["status"]
        == "rejected"
    )
    result = client.post(
        f"{base}bulk/", {"ids": [ids["p0"], ids["p1"], ids["p2"]], "action": "approve"}, format="json"
    ).json()["results"]
    assert result[ids["p1"]] == result[ids["p2"]] == "ok"
    assert "Only pending" in result[ids["p0"]]
    assert balance(tenant, host) == usd("17.00")  # two sales of 10.00, 85% each
    bad = client.post(f"{base}bulk/", {"ids": [ids["p3"]], "action": "delete"}, format="json")
    assert bad.status_code == 400 and "action" in bad.json()["error"]["fields"]


def test_whitelist_and_blacklist_decide_automatically(api_for, tenant, host, make_room):
    room = make_room(approval_required=True)
    friend, pest = (
        make_member(tenant, handle="friend"),
        make_member(tenant, handle="pest", email="pest@example.com"),
    )
    client = api_for(tenant, host)
    assert (
        client.post(
            "/api/v1/access-rules/", {"kind": "allow", "person": "@friend"}, format="json"
        ).status_code
        == 201
    )
    assert (
        client.post("/api/v1/access-rules/", {"kind": "block", "person": "@pest"}, format="json").status_code
        == 201
    )
    clash = client.post("/api/v1/access-rules/", {"kind": "block", "person": "@pest"}, format="json")
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "already_listed"
    unknown = client.post("/api/v1/access-rules/", {"kind": "block", "person": "@nobody"}, format="json")
    assert unknown.status_code == 400 and "person" in unknown.json()["error"]["fields"]

    register = {"room": str(room.public_id)}
    assert (
        api_for(tenant, friend).post("/api/v1/registrations/", register, format="json").json()["status"]
        == "approved"
    )
    assert (
        api_for(tenant, pest).post("/api/v1/registrations/", register, format="json").json()["status"]
        == "rejected"
    )


def test_invitation_by_email_grants_access_once_the_address_is_confirmed(
    api_for, tenant, host, make_room, outbox
):
    room = make_room(name="Inner circle", visibility="private")
    created = api_for(tenant, host).post(
        f"/api/v1/rooms/{room.public_id}/access-list/", {"person": "newcomer@example.com"}, format="json"
    )
    assert created.status_code == 201 and created.json()["accepted"] is False
    invitation = next(m for m in outbox() if m["To"] == "newcomer@example.com")
    assert "invited you to Inner circle" in invitation["Subject"]
    assert "/accounts/signup/" in part(invitation, "text/plain")

    client = Client(HTTP_HOST=tenant.hostname)
    client.post(
        "/accounts/signup/",
        {
            "display_name": "New Comer",
            "handle": "newcomer",
            "email": "newcomer@example.com",
            "password1": "analytical-engine-1843",
            "password2": "analytical-engine-1843",
        },
    )
    from marketplace.models import User

    newcomer = User.objects.get(handle="newcomer")
    from marketplace.access import can_see

    assert can_see(newcomer, room) is False  # not before the address is confirmed
    confirmation = next(m for m in outbox() if "/accounts/confirm-email/" in part(m, "text/plain"))
    link = re.search(r"http://[^/\s]+(/accounts/confirm-email/\S+)", part(confirmation, "text/plain")).group(
        1
    )
    client.post(link)
    assert can_see(newcomer, room) is True
    with scope(tenant=tenant):
        assert RoomAccess.objects.get(room=room).user == newcomer


def test_isolation_registrations(api_for, tenant, other_tenant, sam, make_room):
    room = make_room()
    mine = (
        api_for(tenant, sam)
        .post("/api/v1/registrations/", {"room": str(room.public_id)}, format="json")
        .json()
    )
    outsider = make_member(other_tenant, Role.ADMIN)
    other = api_for(other_tenant, outsider)
    assert other.get("/api/v1/registrations/").json()["count"] == 0
    assert other.get(f"/api/v1/registrations/{mine['id']}/").status_code == 404
    assert other.post(f"/api/v1/registrations/{mine['id']}/cancel/").status_code == 404
    # The room is not reachable through another tenant's host either, even by its owner's attendee.
    assert api_for(other_tenant, sam).post(
        "/api/v1/registrations/", {"room": str(room.public_id)}, format="json"
    ).status_code in (403, 404)


def test_isolation_room_registrants(api_for, tenant, other_tenant, host, sam, make_room):
    room = make_room()
    api_for(tenant, sam).post("/api/v1/registrations/", {"room": str(room.public_id)}, format="json")
    base = f"/api/v1/rooms/{room.public_id}/registrants/"
    assert api_for(tenant, host).get(base).json()["count"] == 1
    outsider = make_member(other_tenant, Role.ADMIN)
    assert api_for(other_tenant, outsider).get(base).status_code == 404
    assert api_for(other_tenant, host).get(base).status_code in (403, 404)
    # Another host of the same site cannot see them either; the site's admin can.
    assert api_for(tenant, make_member(tenant, Role.MODERATOR)).get(base).status_code == 404
    assert api_for(tenant, make_member(tenant, Role.ADMIN)).get(base).json()["count"] == 1


def test_isolation_room_access(api_for, tenant, other_tenant, host, make_room):
    room = make_room(visibility="private")
    base = f"/api/v1/rooms/{room.public_id}/access-list/"
    assert api_for(tenant, host).post(base, {"person": "x@example.com"}, format="json").status_code == 201
    outsider = make_member(other_tenant, Role.ADMIN)
    assert api_for(other_tenant, outsider).get(base).status_code == 404
    assert (
        api_for(other_tenant, outsider).post(base, {"person": "y@example.com"}, format="json").status_code
        == 404
    )
    assert api_for(tenant, make_member(tenant, Role.MODERATOR)).get(base).status_code == 404


def test_isolation_access_rules(api_for, tenant, other_tenant, host, sam):
    created = api_for(tenant, host).post(
        "/api/v1/access-rules/", {"kind": "block", "person": "@sam"}, format="json"
    )
    rule_id = created.json()["id"]
    outsider = make_member(other_tenant, Role.ADMIN)
    other = api_for(other_tenant, outsider)
    assert other.get("/api/v1/access-rules/").json()["count"] == 0
    assert other.delete(f"/api/v1/access-rules/{rule_id}/").status_code == 404
    assert api_for(tenant, sam).get("/api/v1/access-rules/").json()["count"] == 0
