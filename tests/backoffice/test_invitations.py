"""Inviting an address that has no confirmed account: the role waits for the address to be confirmed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from marketplace.models import MemberInvitation, User
from marketplace.roles import Role
from marketplace.selectors import roles_of
from tests.backoffice.conftest import sign_in
from tests.factories import UserFactory, make_member
from tests.mail import part

pytestmark = pytest.mark.django_db


def sign_up(tenant, email: str, handle: str = "newcomer") -> Client:
    client = Client(HTTP_HOST=tenant.hostname)
    response = client.post(
        "/accounts/signup/",
        {
            "display_name": "New Comer",
            "handle": handle,
            "email": email,
            "password1": "analytical-engine-1843",
            "password2": "analytical-engine-1843",
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    return client


def confirm(client: Client, mails: list, email: str) -> None:
    (mail,) = [m for m in mails if m["To"] == email and "/accounts/confirm-email/" in part(m, "text/plain")]
    link = re.search(r"http://[^/\s]+(/accounts/confirm-email/\S+)", part(mail, "text/plain")).group(1)
    assert client.post(link).status_code == 302


def invitation(tenant, email: str) -> MemberInvitation:
    with scope(tenant=tenant):
        return MemberInvitation.objects.get(tenant=tenant, email=email)


def test_an_invited_address_gets_the_role_once_it_signs_up_and_confirms(tenant, admin_user, outbox):
    client = sign_in(tenant, admin_user)
    response = client.post("/cms/members/new/", {"person": "New.Comer@Example.com", "role": "moderator"})
    assert response.status_code == 302 and response["Location"] == "/cms/member-invitations/"
    assert not User.objects.filter(email__iexact="new.comer@example.com").exists()  # no account made for them
    (mail,) = [m for m in outbox() if m["To"] == "new.comer@example.com"]
    assert mail["Subject"] == "[Alpha Academy] You are invited to join Alpha Academy as moderator"
    body = part(mail, "text/plain")
    assert "Create your account with this email address (new.comer@example.com)" in body
    assert f"http://{tenant.hostname}" in body and "/accounts/signup/" in body
    listing = client.get("/cms/member-invitations/").content.decode()
    assert "new.comer@example.com" in listing and "Open" in listing

    newcomer_browser = sign_up(tenant, "new.comer@example.com")
    newcomer = User.objects.get(handle="newcomer")
    assert roles_of(newcomer, tenant) == {Role.ATTENDEE}  # not before the address is confirmed
    confirm(newcomer_browser, outbox(), "new.comer@example.com")
    assert roles_of(newcomer, tenant) == {Role.ATTENDEE, Role.MODERATOR}
    accepted = invitation(tenant, "new.comer@example.com")
    assert accepted.state == "accepted" and accepted.accepted_by == newcomer
    history = client.get(f"/cms/member-invitations/history/{accepted.pk}/").content.decode()
    assert "Member invited" in history and "Invitation accepted" in history


def test_someone_else_signing_up_with_the_address_gets_nothing_until_they_confirm_it(
    tenant, admin_user, outbox
):
    sign_in(tenant, admin_user).post("/cms/members/new/", {"person": "chief@example.com", "role": "admin"})
    sign_up(tenant, "chief@example.com", handle="impostor")
    impostor = User.objects.get(handle="impostor")
    assert roles_of(impostor, tenant) == {Role.ATTENDEE}
    assert invitation(tenant, "chief@example.com").state == "open"


def test_an_unconfirmed_existing_account_is_invited_and_confirming_claims_the_role(
    tenant, admin_user, outbox
):
    unsure = UserFactory(handle="unsure", email="unsure@example.com")  # address never confirmed
    response = sign_in(tenant, admin_user).post(
        "/cms/members/new/", {"person": "unsure@example.com", "role": "editor"}
    )
    assert response.status_code == 302
    assert roles_of(unsure, tenant) == set()
    address = EmailAddress.objects.create(user=unsure, email=unsure.email, verified=False, primary=True)
    address.verified = True
    address.save()
    from allauth.account.signals import email_confirmed

    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    assert Role.EDITOR in roles_of(unsure, tenant)


def test_expired_and_canceled_invitations_grant_nothing(tenant, admin_user, outbox):
    client = sign_in(tenant, admin_user)
    client.post("/cms/members/new/", {"person": "late@example.com", "role": "editor"})
    client.post("/cms/members/new/", {"person": "dropped@example.com", "role": "editor"})
    dropped = invitation(tenant, "dropped@example.com")
    assert client.get(f"/cms/member-invitations/cancel/{dropped.pk}/").status_code == 200
    assert client.post(f"/cms/member-invitations/cancel/{dropped.pk}/").status_code == 302
    assert invitation(tenant, "dropped@example.com").state == "canceled"
    # A canceled invitation cannot be canceled again: the action says why.
    again = client.post(f"/cms/member-invitations/cancel/{dropped.pk}/")
    assert "already canceled" in again.content.decode()

    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert invitation(tenant, "late@example.com").state == "expired"
        late_browser = sign_up(tenant, "late@example.com", handle="late")
        confirm(late_browser, outbox(), "late@example.com")
    dropped_browser = sign_up(tenant, "dropped@example.com", handle="dropped")
    confirm(dropped_browser, outbox(), "dropped@example.com")
    assert roles_of(User.objects.get(handle="late"), tenant) == {Role.ATTENDEE}
    assert roles_of(User.objects.get(handle="dropped"), tenant) == {Role.ATTENDEE}


def test_inviting_again_keeps_one_open_invitation_and_extends_it(tenant, admin_user, outbox):
    client = sign_in(tenant, admin_user)
    client.post("/cms/members/new/", {"person": "twice@example.com", "role": "editor"})
    first = invitation(tenant, "twice@example.com")
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        response = client.post(f"/cms/member-invitations/resend/{first.pk}/")
        assert response.status_code == 302
    again = invitation(tenant, "twice@example.com")
    assert again.pk == first.pk and again.expires_at > first.expires_at + timedelta(days=9)
    assert len([m for m in outbox() if m["To"] == "twice@example.com"]) == 2


def test_invitations_stay_on_their_site(tenant, other_tenant, admin_user, other_admin, outbox):
    sign_in(other_tenant, other_admin).post(
        "/cms/members/new/", {"person": "beta@example.com", "role": "editor"}
    )
    with scopes_disabled():
        theirs = MemberInvitation.objects.get(email="beta@example.com")
    client = sign_in(tenant, admin_user)
    assert "beta@example.com" not in client.get("/cms/member-invitations/").content.decode()
    assert client.get(f"/cms/member-invitations/inspect/{theirs.pk}/").status_code == 404
    assert client.post(f"/cms/member-invitations/cancel/{theirs.pk}/").status_code == 404
    assert client.post(f"/cms/member-invitations/resend/{theirs.pk}/").status_code == 404
    with scopes_disabled():
        assert MemberInvitation.objects.get(pk=theirs.pk).state == "open"
    # Confirming the address grants the role on the inviting site only.
    browser = sign_up(other_tenant, "beta@example.com", handle="betty")
    confirm(browser, outbox(), "beta@example.com")
    betty = User.objects.get(handle="betty")
    assert Role.EDITOR in roles_of(betty, other_tenant) and roles_of(betty, tenant) == set()


def test_confirming_works_when_the_role_is_held_already(tenant, admin_user, outbox):
    client = sign_in(tenant, admin_user)
    client.post("/cms/members/new/", {"person": "held@example.com", "role": "attendee"})
    client.post("/cms/members/new/", {"person": "held@example.com", "role": "editor"})
    browser = sign_up(tenant, "held@example.com", handle="held")  # signing up made them attendee
    held = User.objects.get(handle="held")
    # Meanwhile another admin gives the editor role by handle.
    assert client.post("/cms/members/new/", {"person": "@held", "role": "editor"}).status_code == 302
    confirm(browser, outbox(), "held@example.com")
    assert roles_of(held, tenant) == {Role.ATTENDEE, Role.EDITOR}
    with scope(tenant=tenant):
        states = {i.role: i.state for i in MemberInvitation.objects.filter(email="held@example.com")}
    assert states == {"attendee": "accepted", "editor": "accepted"}


def test_an_invitation_from_an_admin_who_lost_the_role_grants_nothing(tenant, admin_user, outbox):
    from marketplace.services.member_roles import set_roles

    former = make_member(tenant, Role.ADMIN, handle="former", email="former@example.com")
    sign_in(tenant, former).post("/cms/members/new/", {"person": "second@example.com", "role": "admin"})
    set_roles(former, tenant, set(), actor=admin_user)  # no longer an admin
    browser = sign_up(tenant, "second@example.com", handle="second")
    confirm(browser, outbox(), "second@example.com")
    assert roles_of(User.objects.get(handle="second"), tenant) == {Role.ATTENDEE}
    assert invitation(tenant, "second@example.com").state == "canceled"
