"""Tenant admins manage their site's plans in the back office; nobody else's."""

from __future__ import annotations

import pytest
from django.test import Client
from django_scopes import scope, scopes_disabled
from djmoney.money import Money

from marketplace.models import Plan
from marketplace.roles import Role
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


def logged_in(tenant, user) -> Client:
    client = Client(HTTP_HOST=tenant.hostname)
    client.force_login(user)
    return client


def plan_form(**overrides) -> dict:
    data = {
        "name": "Gold",
        "slug": "gold",
        "description": "",
        "price_0": "25.00",
        "price_1": "USD",
        "billing_period": "monthly",
        "is_active": "on",
        "sort_order": "1",
        "max_rooms": "5",
        "max_attendees_per_room": "40",
        "max_session_minutes": "90",
        "allows_paid_rooms": "on",
    }
    data.update(overrides)
    return data


def test_tenant_admin_creates_a_plan_on_their_site(tenant, admin_user):
    client = logged_in(tenant, admin_user)
    assert client.get("/cms/plans/").status_code == 200
    response = client.post("/cms/plans/new/", plan_form())
    assert response.status_code == 302, response.content.decode()[-3000:]
    with scope(tenant=tenant):
        plan = Plan.objects.get(slug="gold")
    assert plan.tenant_id == tenant.pk and plan.price == Money("25.00", "USD") and plan.allows_paid_rooms


def test_a_paid_default_plan_is_a_form_error(tenant, admin_user):
    response = logged_in(tenant, admin_user).post("/cms/plans/new/", plan_form(is_default="on"))
    assert response.status_code == 200
    with scopes_disabled():
        assert not Plan.objects.filter(slug="gold").exists()


def test_other_sites_plans_are_invisible(tenant, other_tenant, admin_user):
    with scope(tenant=other_tenant):
        foreign = Plan.objects.create(
            tenant=other_tenant, name="Foreign", slug="foreign", price=Money("9", "USD")
        )
    client = logged_in(tenant, admin_user)
    assert "Foreign" not in client.get("/cms/plans/").content.decode()
    assert client.get(f"/cms/plans/edit/{foreign.pk}/").status_code == 404


def test_moderators_and_editors_cannot_manage_plans(tenant):
    for role in (Role.MODERATOR, Role.EDITOR):
        response = logged_in(tenant, make_member(tenant, role)).get("/cms/plans/")
        assert response.status_code in (302, 403)


def test_platform_owner_sees_every_sites_plans(tenant, other_tenant):
    with scope(tenant=other_tenant):
        Plan.objects.create(tenant=other_tenant, name="Foreign", slug="foreign", price=Money("9", "USD"))
    owner = logged_in(tenant, UserFactory(is_superuser=True, is_staff=True))
    assert "Foreign" in owner.get("/cms/plans/").content.decode()
