"""Users and memberships: invite, change roles, deactivate; the last admin stays."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django_scopes import scope, scopes_disabled
from wagtail.models import ModelLogEntry

from marketplace.models import Membership
from marketplace.roles import Role
from marketplace.selectors import roles_of
from tests.backoffice.conftest import sign_in
from tests.factories import PASSWORD, UserFactory
from tests.mail import part

pytestmark = pytest.mark.django_db


def member_row(user, tenant) -> Membership:
    with scope(tenant=tenant):
        return Membership.objects.get(user=user, tenant=tenant, role=Role.ATTENDEE)


def confirmed(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_the_list_searches_and_filters_by_role(tenant, admin_user, amy, editor):
    client = sign_in(tenant, admin_user)
    editors = client.get("/cms/members/?role=editor").content.decode()
    assert "eddie" in editors and "amy" not in editors
    found = client.get("/cms/members/?q=Amy").content.decode()
    assert "amy@example.com" in found and "eddie" not in found


def test_inviting_an_account_with_a_confirmed_address_grants_the_role(tenant, admin_user, outbox):
    nina = confirmed(UserFactory(handle="nina", email="nina@example.com"))
    client = sign_in(tenant, admin_user)
    assert "Email address or @handle" in client.get("/cms/members/new/").content.decode()
    response = client.post("/cms/members/new/", {"person": "Nina@Example.com", "role": "moderator"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert roles_of(nina, tenant) == {Role.ATTENDEE, Role.MODERATOR}

    history = client.get(f"/cms/members/history/{member_row(nina, tenant).pk}/").content.decode()
    assert "Member invited" in history
    (mail,) = [message for message in outbox() if message["To"] == "nina@example.com"]
    assert "You are now moderator on Alpha Academy" in mail["Subject"]
    assert f"{admin_user.display_name} added you to Alpha Academy as moderator" in part(mail, "text/plain")


def test_inviting_bad_or_held_roles_is_refused_with_a_form_error(tenant, admin_user, amy):
    client = sign_in(tenant, admin_user)
    held = client.post("/cms/members/new/", {"person": "@amy", "role": "attendee"})
    assert "already attendee here" in held.content.decode()
    nobody = client.post("/cms/members/new/", {"person": "@nobody-here", "role": "editor"})
    assert nobody.status_code == 200 and "nobody-here" in nobody.content.decode()
    not_an_address = client.post("/cms/members/new/", {"person": "not an address", "role": "editor"})
    assert not_an_address.status_code == 200
    by_handle = client.post("/cms/members/new/", {"person": "@amy", "role": "editor"})
    assert by_handle.status_code == 302
    assert Role.EDITOR in roles_of(amy, tenant)


def test_changing_roles_grants_and_revokes_through_the_services(tenant, admin_user, amy):
    client = sign_in(tenant, admin_user)
    url = f"/cms/members/edit/{member_row(amy, tenant).pk}/"
    assert client.post(url, {"roles": ["moderator", "editor"]}).status_code == 302
    assert roles_of(amy, tenant) == {Role.ATTENDEE, Role.MODERATOR, Role.EDITOR}
    assert client.post(url, {"roles": ["editor"]}).status_code == 302
    assert roles_of(amy, tenant) == {Role.ATTENDEE, Role.EDITOR}
    assert amy.groups.filter(name="Back office").exists()  # editors may open the back office

    history = client.get(f"/cms/members/history/{member_row(amy, tenant).pk}/").content.decode()
    assert history.count("Roles changed") == 2
    with scopes_disabled():
        revoked = ModelLogEntry.objects.filter(action="wagtail.delete", data__role="moderator")
    assert revoked.get().user_id == admin_user.pk


def test_the_last_admin_keeps_the_role(tenant, admin_user):
    client = sign_in(tenant, admin_user)
    response = client.post(f"/cms/members/edit/{member_row(admin_user, tenant).pk}/", {"roles": []})
    assert response.status_code == 200
    assert "keeps at least one admin" in response.content.decode()
    assert Role.ADMIN in roles_of(admin_user, tenant)


def test_a_sites_admin_removes_a_member_from_their_site_only(tenant, admin_user, amy):
    client = sign_in(tenant, admin_user)
    url = f"/cms/members/deactivate/{member_row(amy, tenant).pk}/"
    form = client.get(url).content.decode()
    assert "loses every role on Alpha Academy" in form and "every site" not in form
    # The "everywhere" choice is the owner's: from an admin it is ignored.
    assert client.post(url, {"scope": "everywhere"}).status_code == 302
    assert roles_of(amy, tenant) == frozenset()
    amy.refresh_from_db()
    assert amy.is_active
    assert "amy" not in client.get("/cms/members/").content.decode()


def test_admins_cannot_remove_themselves(tenant, admin_user):
    client = sign_in(tenant, admin_user)
    response = client.post(f"/cms/members/deactivate/{member_row(admin_user, tenant).pk}/")
    assert "You cannot remove yourself" in response.content.decode()
    assert Role.ADMIN in roles_of(admin_user, tenant)


def test_the_owner_deactivates_an_account_everywhere(tenant, other_tenant, owner, amy):
    client = sign_in(other_tenant, owner)  # the owner's back office answers on every host
    url = f"/cms/members/deactivate/{member_row(amy, tenant).pk}/"
    assert "every site" in client.get(url).content.decode()
    assert client.post(url, {"scope": "everywhere"}).status_code == 302
    amy.refresh_from_db()
    assert not amy.is_active
    assert roles_of(amy, tenant) == {Role.ATTENDEE}  # kept, should the account come back
    assert ModelLogEntry.objects.filter(action="lyceum.user.deactivate", object_id=str(amy.pk)).exists()
    assert not Client(HTTP_HOST=tenant.hostname).login(email=amy.email, password=PASSWORD)


def test_another_sites_admin_and_editors_change_nothing(tenant, other_tenant, amy, other_admin, editor):
    row = member_row(amy, tenant)
    outsider = sign_in(other_tenant, other_admin)
    assert outsider.get(f"/cms/members/edit/{row.pk}/").status_code == 404
    assert outsider.post(f"/cms/members/edit/{row.pk}/", {"roles": ["admin"]}).status_code == 404
    assert outsider.post(f"/cms/members/deactivate/{row.pk}/").status_code == 404
    staff = sign_in(tenant, editor)
    assert staff.post("/cms/members/new/", {"person": "@amy", "role": "admin"}).status_code in (302, 403)
    assert staff.post(f"/cms/members/deactivate/{row.pk}/").status_code in (302, 403)
    assert roles_of(amy, tenant) == {Role.ATTENDEE}
