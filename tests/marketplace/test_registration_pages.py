"""The room page at /@handle/<slug>/ and the dashboard pages of registrations: who sees what."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from marketplace.models import Room, RoomStatus
from marketplace.roles import Role
from marketplace.services import registrations as services
from marketplace.services.access_lists import grant_access
from marketplace.services.rooms import create_room
from marketplace.services.schedule import add_session
from tests.factories import make_member
from tests.factories.money import fund
from tests.marketplace.registration_fixtures import usd

pytestmark = pytest.mark.django_db


def browser(tenant, user=None) -> Client:
    client = Client(HTTP_HOST=tenant.hostname)
    if user is not None:
        client.force_login(user)
    return client


def page(tenant, user, path: str):
    return browser(tenant, user).get(path)


def link(room: Room) -> str:
    return f"/@{room.owner.handle}/{room.slug}/"


def test_public_room_page_shows_the_room(tenant, host, make_room, attendee):
    room = make_room(
        name="Algebra",
        description="<p>Week one: <strong>groups</strong></p>",
        fee_model="one_time",
        price=usd("20.00"),
        approval_required=True,
        max_participants=5,
    )
    starts = datetime(timezone.now().year + 1, 7, 1, 16, 30, tzinfo=UTC)
    add_session(
        room, actor=host, starts_at=starts, duration_minutes=60, time_zone="Europe/Paris", title="Kick-off"
    )

    html = page(tenant, attendee, link(room)).content.decode()
    assert '<h1 data-testid="room-name">Algebra</h1>' in html
    assert "Hannah Host" in html and "@host" in html
    assert "<strong>groups</strong>" in html  # the sanitised agenda is rendered as HTML
    assert "$20.00 once" in html
    assert "The host approves each registration" in html
    assert "5 seats left" in html
    assert "18:30" in html and "(Europe/Paris)" in html and "Kick-off" in html
    assert f"/rooms/{room.public_id}/calendar.ics" in html
    assert 'name="robots"' not in html


def test_the_action_area_follows_the_viewer(tenant, host, make_room, attendee):
    room = make_room()

    anonymous = page(tenant, None, link(room)).content.decode()
    assert f'href="/accounts/login/?next=%2F%40host%2F{room.slug}%2F"' in anonymous
    assert "Sign in to register" in anonymous and 'data-testid="register"' not in anonymous

    owner = page(tenant, host, link(room)).content.decode()
    assert f'href="/dashboard/rooms/{room.public_id}/"' in owner and "Edit room" in owner
    assert 'data-testid="register"' not in owner

    stranger = page(tenant, attendee, link(room)).content.decode()
    assert 'data-testid="register"' in stranger and 'x-data="roomRegister"' in stranger
    assert f'data-room="{room.public_id}"' in stranger
    assert "js/pages/room-page.js" in stranger


def test_a_registered_attendee_sees_their_status(tenant, host, make_room, attendee):
    room = make_room(fee_model="one_time", price=usd("10.00"), approval_required=True)
    fund(tenant, attendee, "10")
    services.register(attendee, room)
    html = page(tenant, attendee, link(room)).content.decode()
    assert "Waiting for approval" in html
    assert 'data-testid="register"' not in html


def test_a_banned_person_is_told_so(tenant, host, make_room, attendee):
    room = make_room()
    services.ban(room, attendee, actor=host)
    html = page(tenant, attendee, link(room)).content.decode()
    assert "The host has banned you from this room." in html
    assert 'data-testid="register"' not in html


def test_private_room_is_404_for_outsiders_and_shown_to_invitees(
    tenant, other_tenant, host, make_room, attendee
):
    room = make_room(visibility="private")
    assert page(tenant, None, link(room)).status_code == 404
    assert page(tenant, attendee, link(room)).status_code == 404
    other_host = make_member(other_tenant, Role.MODERATOR, handle="elsewhere")
    assert page(tenant, other_host, link(room)).status_code == 404

    grant_access(room, actor=host, person="@attendee")
    response = page(tenant, attendee, link(room))
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_rooms_of_another_site_are_not_found_here(tenant, other_tenant, attendee):
    elsewhere = make_member(other_tenant, Role.MODERATOR, handle="elsewhere")
    room = create_room(elsewhere, other_tenant, name="Clinic hour")
    assert page(other_tenant, None, link(room)).status_code == 200
    assert page(tenant, attendee, link(room)).status_code == 404


def test_unlisted_room_is_kept_out_of_search_engines(tenant, host, make_room):
    room = make_room(visibility="unlisted")
    response = page(tenant, None, link(room))
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_paused_room_is_404_for_strangers_but_not_for_the_host(tenant, host, make_room, attendee):
    room = make_room()
    with scope(tenant=tenant):
        Room.objects.filter(pk=room.pk).update(status=RoomStatus.PAUSED)
    assert page(tenant, attendee, link(room)).status_code == 404
    assert page(tenant, None, link(room)).status_code == 404
    assert page(tenant, host, link(room)).status_code == 200


def test_unknown_rooms_and_hosts_are_404(tenant, host, make_room, attendee):
    room = make_room()
    assert page(tenant, attendee, f"/@host/{room.slug}-nope/").status_code == 404
    assert page(tenant, attendee, f"/@nobody/{room.slug}/").status_code == 404
    assert page(tenant, attendee, f"/@HOST/{room.slug}/").status_code == 200


def test_registrants_page_is_for_the_owner_and_site_admins(tenant, host, make_room, attendee, admin_user):
    room = make_room(visibility="private")
    path = f"/dashboard/rooms/{room.public_id}/registrants/"
    owner_page = page(tenant, host, path)
    assert owner_page.status_code == 200
    html = owner_page.content.decode()
    assert 'x-data="registrantsPage"' in html and 'id="registrant-tabs"' in html
    assert 'x-data="roomAccessList"' in html  # private room: the access list is there

    admin_page = page(tenant, admin_user, path)
    assert admin_page.status_code == 200
    assert 'x-data="roomAccessList"' not in admin_page.content.decode()

    other_host = make_member(tenant, Role.MODERATOR, handle="rival")
    assert page(tenant, other_host, path).status_code == 404
    assert page(tenant, attendee, path).status_code == 404


def test_public_rooms_have_no_access_list(tenant, host, make_room):
    room = make_room()
    html = page(tenant, host, f"/dashboard/rooms/{room.public_id}/registrants/").content.decode()
    assert 'x-data="roomAccessList"' not in html


def test_registrants_page_of_another_site_is_404(tenant, other_tenant, host, make_room):
    room = make_room()
    visitor = make_member(other_tenant, Role.MODERATOR, handle="visitor")
    assert page(other_tenant, visitor, f"/dashboard/rooms/{room.public_id}/registrants/").status_code == 404


def test_shared_rooms_page_lists_the_registration(api_for, tenant, host, make_room, attendee):
    room = make_room(name="Geometry")
    services.register(attendee, room)
    response = page(tenant, attendee, "/dashboard/shared-rooms/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'x-data="sharedRooms"' in html and 'href="/dashboard/shared-rooms/"' in html
    assert "more than 24 hours away" in html

    listed = api_for(tenant, attendee).get("/api/v1/registrations/").json()["results"]
    assert [(r["room"]["name"], r["room"]["link"], r["status_label"]) for r in listed] == [
        ("Geometry", link(room), "Approved")
    ]


def test_lists_page_is_for_moderators(tenant, host, attendee):
    assert page(tenant, host, "/dashboard/lists/").status_code == 200
    assert 'x-data="accessLists"' in page(tenant, host, "/dashboard/lists/").content.decode()
    refused = page(tenant, attendee, "/dashboard/lists/")
    assert refused.status_code == 403
    assert 'x-data="accessLists"' not in refused.content.decode()


def test_menu_shows_the_new_pages_by_role(tenant, host, attendee):
    attendee_menu = page(tenant, attendee, "/dashboard/").content.decode()
    assert 'href="/dashboard/shared-rooms/"' in attendee_menu
    assert 'href="/dashboard/lists/"' not in attendee_menu
    host_menu = page(tenant, host, "/dashboard/").content.decode()
    assert 'href="/dashboard/lists/"' in host_menu


def test_my_rooms_links_to_the_registrants(tenant, host):
    html = page(tenant, host, "/dashboard/rooms/").content.decode()
    assert "<th>Registrants</th>" in html and "Sales" in html
    assert 'data-testid="registrants-link"' in html
