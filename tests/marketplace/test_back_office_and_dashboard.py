"""Who may open the Wagtail back office, and the dashboard menu by role."""

from __future__ import annotations

import pytest
from django.test import Client
from django_scopes import scope

from marketplace.models import Membership
from marketplace.roles import Role
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


def logged_in(tenant, user) -> Client:
    client = Client(HTTP_HOST=tenant.hostname)
    client.force_login(user)
    return client


def test_platform_owner_opens_the_back_office(tenant):
    owner = UserFactory(is_superuser=True, is_staff=True)
    assert logged_in(tenant, owner).get("/cms/").status_code == 200


def test_tenant_admin_and_editor_open_their_own_back_office(tenant):
    for role in (Role.ADMIN, Role.EDITOR):
        assert logged_in(tenant, make_member(tenant, role)).get("/cms/").status_code == 200


def test_revoking_the_role_closes_the_back_office(api_for, tenant, admin_user):
    editor = make_member(tenant, Role.EDITOR)
    with scope(tenant=tenant):
        role = Membership.objects.get(user=editor, role=Role.EDITOR)
    assert api_for(tenant, admin_user).delete(f"/api/v1/memberships/{role.public_id}/").status_code == 204
    assert logged_in(tenant, editor).get("/cms/").status_code == 403
    assert not editor.groups.filter(name="Back office").exists()


def test_tenant_admin_of_another_tenant_is_refused(tenant, other_tenant):
    outsider = make_member(other_tenant, Role.ADMIN)
    response = logged_in(tenant, outsider).get("/cms/")
    assert response.status_code == 403
    assert "admins and editors" in response.content.decode()


def test_attendee_is_refused_the_back_office(tenant, attendee):
    assert logged_in(tenant, attendee).get("/cms/").status_code == 403


def test_dashboard_menu_follows_roles(tenant, attendee, admin_user):
    attendee_page = logged_in(tenant, attendee).get("/dashboard/").content.decode()
    assert "API tokens" in attendee_page
    assert 'href="/dashboard/members/"' not in attendee_page
    assert 'href="/cms/"' not in attendee_page

    admin_page = logged_in(tenant, admin_user).get("/dashboard/").content.decode()
    assert 'href="/dashboard/members/"' in admin_page
    assert 'href="/cms/"' in admin_page


def test_members_page_is_for_admins_only(tenant, attendee, admin_user):
    assert logged_in(tenant, attendee).get("/dashboard/members/").status_code == 403
    assert logged_in(tenant, admin_user).get("/dashboard/members/").status_code == 200


def test_dashboard_pages_carry_a_strict_csp(tenant, attendee):
    response = logged_in(tenant, attendee).get("/dashboard/profile/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_home_page_shows_tenant_and_sign_up(tenant):
    page = Client(HTTP_HOST=tenant.hostname).get("/").content.decode()
    assert "Alpha Academy" in page
    assert 'href="/accounts/signup/"' in page


def test_my_rooms_page_for_moderators(tenant, attendee):
    moderator = make_member(tenant, Role.MODERATOR)
    page = logged_in(tenant, moderator).get("/dashboard/rooms/").content.decode()
    assert "Your Free plan: up to 1 active room," in page
    assert 'href="/dashboard/rooms/"' in page
    assert 'href="/dashboard/rooms/"' not in logged_in(tenant, attendee).get("/dashboard/").content.decode()
