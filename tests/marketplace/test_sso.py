"""Single sign-on end to end against a real OpenID Connect provider on loopback."""

from __future__ import annotations

import warnings
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from django_scopes import scope

from marketplace.models import Membership, User
from marketplace.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def oidc_provider(settings):
    with warnings.catch_warnings():
        # The provider's dependency (authlib) deprecates modules it still imports itself.
        warnings.simplefilter("ignore")
        from oidc_provider_mock import User as OidcUser
        from oidc_provider_mock import run_server_in_thread
    claims = [
        OidcUser(
            sub="alice-sub",
            claims={"email": "alice@example.com", "email_verified": True, "name": "Alice Example"},
        )
    ]
    with run_server_in_thread(user_claims=claims) as server:
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "APPS": [
                    {
                        "provider_id": "sso",
                        "name": "Company SSO",
                        "client_id": "lyceum",
                        "secret": "lyceum-secret",
                        "settings": {"server_url": f"http://localhost:{server.server_port}"},
                    }
                ]
            }
        }
        yield server


def sign_in_with_sso(client: Client, subject: str = "alice-sub"):
    """Click "Continue with Company SSO", approve at the provider, come back."""
    start = client.post("/accounts/oidc/sso/login/")
    assert start.status_code == 302, start.content
    authorize_url = start["Location"]
    assert urlsplit(authorize_url).hostname == "localhost"

    # The provider's own consent form: choosing the subject posts back to the same URL.
    approved = requests.post(authorize_url, data={"sub": subject}, allow_redirects=False, timeout=10)
    assert approved.status_code == 302, approved.text
    callback = urlsplit(approved.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_sso_sign_up_creates_user_with_handle_and_membership(tenant, oidc_provider):
    client = Client(HTTP_HOST=tenant.hostname)
    login_page = client.get("/accounts/login/").content.decode()
    assert "Company SSO" in login_page

    response = sign_in_with_sso(client)
    assert response.status_code == 302, response.content
    assert response["Location"] == "/dashboard/"

    user = User.objects.get(email="alice@example.com")
    assert user.display_name == "Alice Example"
    assert user.handle == "alice"
    with scope(tenant=tenant):
        assert Membership.objects.filter(user=user, role=Role.ATTENDEE).exists()
    assert "@alice" in client.get("/dashboard/").content.decode()


def test_sso_with_existing_email_signs_into_the_same_account(tenant, oidc_provider):
    existing = UserFactory(email="alice@example.com", handle="alice-original")
    client = Client(HTTP_HOST=tenant.hostname)
    sign_in_with_sso(client)
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    assert int(client.session["_auth_user_id"]) == existing.pk


def test_google_button_redirects_to_google_with_our_client_id(tenant, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {"APPS": [{"client_id": "google-client-123", "secret": "s", "key": ""}], "SCOPE": ["email"]}
    }
    client = Client(HTTP_HOST=tenant.hostname)
    assert "Google" in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/google/login/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.hostname == "accounts.google.com"
    assert "client_id=google-client-123" in location.query
    assert (
        "redirect_uri=http%3A%2F%2Falpha.localhost%2Faccounts%2Fgoogle%2Flogin%2Fcallback%2F"
        in location.query
    )
