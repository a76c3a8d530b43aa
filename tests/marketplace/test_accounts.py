"""Sign-up, login, logout, password reset and their bad input, through the real pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_scopes import scope

from marketplace.models import Membership, User
from marketplace.roles import Role
from tests.factories import PASSWORD, UserFactory, make_member

pytestmark = pytest.mark.django_db


def signup(client: Client, **overrides) -> object:
    data = {
        "display_name": "Ada Lovelace",
        "handle": "ada",
        "email": "ada@example.com",
        "password1": "analytical-engine-1843",
        "password2": "analytical-engine-1843",
    }
    data.update(overrides)
    return client.post("/accounts/signup/", data)


def test_signup_creates_user_with_handle_and_attendee_membership(tenant):
    client = Client(HTTP_HOST=tenant.hostname)
    response = signup(client, handle="Ada-L")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"

    user = User.objects.get(email="ada@example.com")
    assert user.handle == "ada-l"
    assert user.display_name == "Ada Lovelace"
    with scope(tenant=tenant):
        assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [Role.ATTENDEE]
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200
    assert "@ada-l" in dashboard.content.decode()


def test_signup_sends_a_verification_email(tenant, mailbox):
    signup(Client(HTTP_HOST=tenant.hostname))
    assert len(mailbox) == 1
    assert mailbox[0]["To"] == "ada@example.com"
    assert "/accounts/confirm-email/" in mailbox[0].get_payload(decode=True).decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "ADA@example.com"}, "email", "already registered"),
        ({"handle": "taken"}, "handle", "already taken"),
        ({"handle": "Taken"}, "handle", "already taken"),
        ({"handle": "admin"}, "handle", "reserved"),
        ({"handle": "a!"}, "handle", "3 to 30 characters"),
        ({"handle": "9lives"}, "handle", "start with a letter"),
        ({"password2": "something-else-entirely"}, "password2", "same password"),
    ],
)
def test_signup_bad_input_shows_form_errors_and_changes_nothing(tenant, overrides, field, message):
    UserFactory(email="ada@example.com", handle="existing")
    UserFactory(email="someone@example.com", handle="taken")
    if field == "email":
        overrides = {**overrides, "handle": "fresh-handle"}
    users_before = User.objects.count()

    response = signup(Client(HTTP_HOST=tenant.hostname), **{**{"email": "new@example.com"}, **overrides})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert User.objects.count() == users_before


def test_signup_closed_when_tenant_registration_is_closed(tenant):
    tenant.registration_open = False
    tenant.save()
    response = signup(Client(HTTP_HOST=tenant.hostname))
    assert "closed" in response.content.decode().lower()
    assert not User.objects.filter(email="ada@example.com").exists()


def test_login_and_logout(tenant):
    user = make_member(tenant, email="lee@example.com")
    client = Client(HTTP_HOST=tenant.hostname)
    response = client.post("/accounts/login/", {"login": "LEE@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
    assert f"@{user.handle}" in client.get("/dashboard/").content.decode()

    client.post("/accounts/logout/")
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_on_another_open_tenant_makes_you_its_attendee(tenant, other_tenant):
    user = make_member(tenant)
    client = Client(HTTP_HOST=other_tenant.hostname)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    with scope(tenant=other_tenant):
        assert Membership.objects.filter(user=user, tenant=other_tenant, role=Role.ATTENDEE).exists()


def test_login_on_invitation_only_tenant_does_not_grant_membership(tenant, other_tenant):
    other_tenant.registration_open = False
    other_tenant.save()
    user = make_member(tenant)
    client = Client(HTTP_HOST=other_tenant.hostname)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    response = client.get("/dashboard/")
    assert response.status_code == 403
    assert "invitation only" in response.content.decode()


def test_wrong_password_five_times_locks_the_login_with_a_clear_error(tenant):
    user = make_member(tenant)
    client = Client(HTTP_HOST=tenant.hostname)
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
        assert "not correct" in response.content.decode()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_expired_session_is_asked_to_log_in_again(tenant, settings):
    user = make_member(tenant)
    client = Client(HTTP_HOST=tenant.hostname)
    client.force_login(user)
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_password_reset_by_email(tenant, mailbox):
    user = make_member(tenant, email="grace@example.com")
    client = Client(HTTP_HOST=tenant.hostname)
    response = client.post("/accounts/password/reset/", {"email": "grace@example.com"})
    assert response.status_code == 302

    assert len(mailbox) == 1
    assert mailbox[0]["Subject"].startswith("[Alpha Academy] ")
    assert mailbox[0]["From"] == "Alpha Academy <no-reply@lyceum.localhost>"
    body = mailbox[0].get_payload(decode=True).decode()
    link = re.search(r"http://[^/\s]+(/accounts/password/reset/key/\S+)", body).group(1)
    assert tenant.hostname in body

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase")


def test_email_confirmation_link_verifies_the_address(tenant, mailbox):
    from allauth.account.models import EmailAddress

    client = Client(HTTP_HOST=tenant.hostname)
    signup(client)
    body = mailbox[0].get_payload(decode=True).decode()
    link = re.search(r"http://[^/\s]+(/accounts/confirm-email/\S+)", body).group(1)
    assert not EmailAddress.objects.get(email="ada@example.com").verified
    client.post(link)
    assert EmailAddress.objects.get(email="ada@example.com").verified
