"""The platform owner manages tenants in the back office."""

from __future__ import annotations

import pytest
from django.test import Client

from marketplace.models import Tenant
from marketplace.roles import Role
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(tenant):
    client = Client(HTTP_HOST=tenant.hostname)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def tenant_form(**overrides) -> dict:
    data = {
        "name": "Gamma School",
        "slug": "gamma",
        "hostname": "gamma.localhost",
        "port": "80",
        "is_active": "on",
        "default_currency": "EUR",
        "tenant_commission_rate": "0.1",
        "platform_commission_rate": "0.05",
        "registration_open": "on",
    }
    data.update(overrides)
    return data


def test_owner_creates_a_tenant_with_its_site_and_home_page(owner_client):
    assert owner_client.get("/cms/tenants/").status_code == 200
    response = owner_client.post("/cms/tenants/new/", tenant_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    tenant = Tenant.objects.get(slug="gamma")
    assert tenant.site.hostname == "gamma.localhost"
    assert str(tenant.default_currency) == "EUR"
    home = Client(HTTP_HOST="gamma.localhost").get("/")
    assert home.status_code == 200 and "Gamma School" in home.content.decode()


def test_duplicate_host_or_bad_rate_is_a_form_error(owner_client, tenant):
    before = Tenant.objects.count()
    response = owner_client.post("/cms/tenants/new/", tenant_form(hostname=tenant.hostname))
    assert response.status_code == 200
    assert "Another site already answers" in response.content.decode()
    response = owner_client.post("/cms/tenants/new/", tenant_form(tenant_commission_rate="1.5"))
    assert response.status_code == 200
    assert Tenant.objects.count() == before


def test_owner_edits_policies(owner_client, tenant):
    response = owner_client.post(
        f"/cms/tenants/edit/{tenant.pk}/",
        tenant_form(name="Alpha Academy", slug="ignored", registration_open=""),
    )
    assert response.status_code == 302
    tenant.refresh_from_db()
    assert tenant.registration_open is False
    assert tenant.slug == "alpha"


def test_tenant_admin_cannot_manage_tenants(tenant):
    client = Client(HTTP_HOST=tenant.hostname)
    client.force_login(make_member(tenant, Role.ADMIN))
    response = client.get("/cms/tenants/")
    assert response.status_code in (302, 403)
