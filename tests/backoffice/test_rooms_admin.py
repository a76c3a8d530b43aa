"""Plan subscriptions (read-only) and rooms: edits within the host's plan, pause and resume."""

from __future__ import annotations

import pytest
from django_scopes import scope
from wagtail.models import ModelLogEntry

from marketplace.models import PlanSubscription, Room, RoomStatus
from tests.backoffice.conftest import sign_in

pytestmark = pytest.mark.django_db


def room_form(room: Room, **overrides) -> dict:
    return {
        "name": room.name,
        "slug": room.slug,
        "description": room.description,
        "visibility": room.visibility,
        "access": room.access,
        "max_participants": str(room.max_participants),
        "max_duration_minutes": str(room.max_duration_minutes),
        **overrides,
    }


def stored(room: Room) -> Room:
    with scope(tenant=room.tenant):
        return Room.objects.get(pk=room.pk)


def test_plan_subscriptions_are_listed_and_never_edited(tenant, admin_user, host):
    with scope(tenant=tenant):
        subscription = PlanSubscription.objects.get(user=host)
    client = sign_in(tenant, admin_user)
    listing = client.get("/cms/plan-subscriptions/?status=active").content.decode()
    assert "host" in listing and "Pro" in listing
    assert "Hannah Host" in client.get(f"/cms/plan-subscriptions/inspect/{subscription.pk}/").content.decode()
    assert client.get(f"/cms/plan-subscriptions/edit/{subscription.pk}/").status_code == 302
    assert client.post(f"/cms/plan-subscriptions/delete/{subscription.pk}/").status_code == 302
    with scope(tenant=tenant):
        assert PlanSubscription.objects.filter(pk=subscription.pk).exists()


def test_an_admin_edits_a_room_through_the_room_service(tenant, admin_user, make_room):
    room = make_room(name="Algebra")
    client = sign_in(tenant, admin_user)
    response = client.post(
        f"/cms/rooms/edit/{room.pk}/",
        room_form(room, name="Algebra II", description="<p>Week 1</p><script>x()</script>"),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    saved = stored(room)
    assert saved.name == "Algebra II" and "<script>" not in saved.description
    edit = ModelLogEntry.objects.get(action="wagtail.edit", object_id=str(room.pk))
    assert edit.user_id == admin_user.pk


def test_room_edits_stay_within_the_hosts_plan(tenant, admin_user, make_room):
    room = make_room(name="Algebra")
    client = sign_in(tenant, admin_user)
    response = client.post(f"/cms/rooms/edit/{room.pk}/", room_form(room, max_participants="500"))
    assert response.status_code == 200
    assert "allows up to 100 participants" in response.content.decode()
    assert stored(room).max_participants == room.max_participants


def test_pausing_needs_a_reason_and_resuming_brings_the_room_back(tenant, admin_user, make_room):
    room = make_room(name="Algebra")
    client = sign_in(tenant, admin_user)
    listing = client.get("/cms/rooms/").content.decode()
    assert f"/cms/rooms/pause/{room.pk}/" in listing and f"/cms/rooms/resume/{room.pk}/" not in listing

    assert client.post(f"/cms/rooms/pause/{room.pk}/", {"reason": ""}).status_code == 200
    assert stored(room).status == RoomStatus.ACTIVE
    assert client.post(f"/cms/rooms/pause/{room.pk}/", {"reason": "Complaints"}).status_code == 302
    paused = stored(room)
    assert paused.status == RoomStatus.PAUSED and paused.paused_reason.endswith("Complaints")

    assert client.post(f"/cms/rooms/resume/{room.pk}/").status_code == 302
    assert stored(room).status == RoomStatus.ACTIVE
    history = client.get(f"/cms/rooms/history/{room.pk}/").content.decode()
    assert "Room paused" in history and "Room resumed" in history


def test_resuming_respects_the_hosts_room_limit(tenant, admin_user, make_room, pro_plan):
    first = make_room(name="Algebra")
    client = sign_in(tenant, admin_user)
    assert client.post(f"/cms/rooms/pause/{first.pk}/", {"reason": "Review"}).status_code == 302
    make_room(name="Geometry")
    with scope(tenant=tenant):
        type(pro_plan).objects.filter(pk=pro_plan.pk).update(max_rooms=1)
    response = client.post(f"/cms/rooms/resume/{first.pk}/")
    assert response.status_code == 200
    assert "allows 1 active rooms" in response.content.decode()
    assert stored(first).status == RoomStatus.PAUSED


def test_another_sites_admin_cannot_touch_the_room(tenant, other_tenant, make_room, other_admin):
    room = make_room(name="Algebra")
    outsider = sign_in(other_tenant, other_admin)
    assert outsider.post(f"/cms/rooms/pause/{room.pk}/", {"reason": "Mine now"}).status_code == 404
    assert outsider.post(f"/cms/rooms/edit/{room.pk}/", room_form(room, name="Taken")).status_code == 404
    assert stored(room).status == RoomStatus.ACTIVE and stored(room).name == "Algebra"
