"""The public moderator profile at /@handle/: what it shows, which rooms it lists, who gets a 404."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from marketplace.models import Membership, Room, RoomStatus, Tenant, User
from marketplace.roles import Role
from marketplace.services import moderator_profiles as profiles
from marketplace.services.rooms import create_room
from marketplace.services.schedule import add_session
from marketplace.services.topics import create_topic
from tests.factories import make_member
from tests.marketplace.registration_fixtures import usd

pytestmark = pytest.mark.django_db

# Queries of one profile page, whatever the number of rooms: session, user, roles, profile,
# topics, rooms, one access check and the next sessions of all rooms (plus some slack).
QUERY_BOUND = 30  # a sanity ceiling; the real check is that 15 rooms cost what 5 do


def browser(tenant, user=None) -> Client:
    client = Client(HTTP_HOST=tenant.hostname)
    if user is not None:
        client.force_login(user)
    return client


def page(tenant, user, path: str = "/@host/"):
    return browser(tenant, user).get(path)


def html_of(tenant, user, path: str = "/@host/") -> str:
    response = page(tenant, user, path)
    assert response.status_code == 200
    return response.content.decode()


def next_year(month: int, day: int, hour: int) -> datetime:
    return datetime(timezone.now().year + 1, month, day, hour, tzinfo=UTC)


def set_status(room: Room, status: str) -> None:
    with scope(tenant=room.tenant):
        Room.objects.filter(pk=room.pk).update(status=status)


@pytest.fixture
def topic(tenant, admin_user):
    return create_topic(tenant, actor=admin_user, name="Mathematics", slug="math")


@pytest.fixture
def filled_profile(tenant, host, topic):
    profile = profiles.get_or_create_profile(host, tenant)
    return profiles.update_profile(
        profile,
        actor=host,
        headline="Calculus tutor",
        bio="<p>Ten years of <strong>teaching</strong>.</p><script>alert('x')</script>",
        topics=["math"],
        languages=["en", "fr"],
        location="Lyon, France",
        links=[{"label": "Blog", "url": "https://example.com/blog"}],
    )


def test_profile_page_shows_the_profile(tenant, host, filled_profile, attendee):
    html = html_of(tenant, attendee)
    assert "<title>Hannah Host · Calculus tutor · Alpha Academy</title>" in html
    assert '<h1 data-testid="profile-name">Hannah Host</h1>' in html and "@host" in html
    assert "Calculus tutor" in html and "Lyon, France" in html
    assert '<li class="badge">Mathematics</li>' in html
    assert '<li class="badge">English</li>' in html and '<li class="badge">French</li>' in html
    assert '<a href="https://example.com/blog" rel="nofollow noopener ugc">Blog</a>' in html
    assert 'name="robots"' not in html
    assert 'data-testid="owner-note"' not in html and 'data-testid="edit-profile"' not in html


def test_bio_is_sanitised_html(tenant, host, filled_profile):
    html = html_of(tenant, None)
    assert "<p>Ten years of <strong>teaching</strong>.</p>" in html  # rendered as HTML
    assert "<script>alert" not in html and "alert(&#x27;x&#x27;)" not in html


def test_only_active_public_rooms_are_listed_with_price_and_next_session(tenant, host, make_room, attendee):
    algebra = make_room(name="Algebra", fee_model="one_time", price=usd("20.00"))
    add_session(
        algebra, actor=host, starts_at=next_year(7, 1, 16), duration_minutes=60, time_zone="Europe/Paris"
    )
    add_session(algebra, actor=host, starts_at=next_year(7, 8, 16), duration_minutes=60, time_zone="UTC")
    make_room(name="Book club")
    make_room(name="Secret unlisted", visibility="unlisted")
    make_room(name="Secret private", visibility="private")
    set_status(make_room(name="Secret paused"), RoomStatus.PAUSED)

    for viewer in (None, attendee, host):
        html = html_of(tenant, viewer)
        assert html.count('data-testid="room"') == 2
        assert f'href="/@host/{algebra.slug}/">Algebra</a>' in html and "Book club" in html
        assert "$20.00 once" in html and "Free" in html
        assert "18:00" in html and "(Europe/Paris)" in html  # the first session, in its own zone
        assert "Not scheduled yet" in html  # the book club
        assert "Secret" not in html


def test_the_owner_is_told_that_only_public_rooms_are_listed(tenant, host, make_room):
    make_room(name="By invitation", visibility="private")
    html = html_of(tenant, host)
    assert "Only public rooms are listed here" in html and "By invitation" not in html
    assert 'href="/dashboard/public-profile/"' in html


def test_a_moderator_without_a_saved_profile_still_has_a_page(tenant, host):
    html = html_of(tenant, None)
    assert "<title>Hannah Host · Alpha Academy</title>" in html
    assert "has not written about themselves yet" in html and "No public rooms yet." in html


def test_unlisted_profiles_are_kept_out_of_search_engines(tenant, host, filled_profile):
    profiles.update_profile(filled_profile, actor=host, visibility="unlisted")
    assert '<meta name="robots" content="noindex">' in html_of(tenant, None)


def test_profiles_that_cannot_be_seen_are_404(tenant, host, attendee):
    assert page(tenant, attendee, "/@nobody/").status_code == 404
    assert page(tenant, host, f"/@{attendee.handle}/").status_code == 404  # not a moderator
    assert page(tenant, attendee, "/@HOST/").status_code == 200  # handles ignore case

    User.objects.filter(pk=host.pk).update(is_active=False)
    assert page(tenant, attendee).status_code == 404


def test_signed_in_only_sites_hide_profiles_from_anonymous_visitors(tenant, host, attendee):
    tenant.public_content_visible = False
    tenant.save()
    assert page(tenant, None).status_code == 404
    assert page(tenant, attendee).status_code == 200


def test_profiles_stay_on_their_own_site(tenant, other_tenant, host, make_room):
    make_room(name="Algebra")
    # The host's page does not exist on a site where they are not a moderator...
    assert page(other_tenant, host).status_code == 404
    assert page(other_tenant, None).status_code == 404
    # ...and another site's host has no page here, even signed in.
    other_host = make_member(other_tenant, Role.MODERATOR, handle="other-host")
    assert page(other_tenant, None, "/@other-host/").status_code == 200
    assert page(tenant, other_host, "/@other-host/").status_code == 404
    assert page(tenant, None, "/@other-host/").status_code == 404


def test_rooms_on_another_site_are_not_listed(tenant, other_tenant, host, make_room):
    make_room(name="Algebra here")
    with scopes_disabled():
        for role in (Role.ATTENDEE, Role.MODERATOR):
            Membership.objects.create(tenant=other_tenant, user=host, role=role)
    create_room(host, other_tenant, name="Beta room")
    html = html_of(tenant, None)
    assert "Algebra here" in html and "Beta room" not in html
    other = html_of(other_tenant, None)
    assert "Beta room" in other and "Algebra here" not in other


@pytest.mark.parametrize("signed_in", [False, True])
def test_queries_stay_flat_as_rooms_grow(tenant, host, make_room, filled_profile, attendee, signed_in):
    starts = timezone.now() + timedelta(days=3)

    def grow_to(count: int) -> None:
        with scope(tenant=tenant):
            existing = Room.objects.filter(tenant=tenant, owner=host).count()
        for number in range(existing, count):
            room = make_room(name=f"Room {number:02d}")
            add_session(room, actor=host, starts_at=starts, duration_minutes=45, time_zone="UTC")

    client = browser(tenant, attendee if signed_in else None)  # signing in is not part of the page's queries
    queries = []
    for count in (5, 15):
        grow_to(count)
        client.get("/@host/")  # warm per-process caches (branding, site root) so both runs compare alike
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/@host/")
        assert response.content.decode().count('data-testid="room"') == count
        queries.append(len(captured))
    assert queries[0] == queries[1] <= QUERY_BOUND


def test_demo_hosts_have_filled_profiles():
    call_command("seed_demo", "--quiet", stdout=io.StringIO())
    html = html_of(Tenant.objects.get(slug="marketplace"), None, "/@ada-tutor/")
    assert "Algebra and exam preparation" in html and "Lyon, France" in html
    assert '<li class="badge">Mathematics</li>' in html and '<li class="badge">French</li>' in html
    assert "Algebra office hours" in html and "$25.00 once" in html
    clinic = html_of(Tenant.objects.get(slug="clinic"), None, "/@dr-okafor/")
    assert '<li class="badge">Cardiology</li>' in clinic and '<li class="badge">Yoruba</li>' in clinic
