"""Tenant billing test set-up: the platform owner, a tenant plan, billing switched on, page helpers."""

from __future__ import annotations

from django.test import Client
from django_scopes import scope
from djmoney.money import Money

from marketplace.models import Plan, Room, Tenant, User
from marketplace.roles import Role
from marketplace.services.plans import choose_plan
from marketplace.services.rooms import create_room
from payments.models import BillingSettings, PeriodUnit, TenantPlan
from payments.services.tenant_billing import update_billing_settings
from tests.factories import UserFactory, make_member
from tests.marketplace.registration_fixtures import usd

USD = "USD"
SUSPENDED_NOTICE = "is suspended."


def make_owner() -> User:
    return UserFactory(is_superuser=True, is_staff=True, handle="owner", email="owner@example.com")


def make_plan() -> TenantPlan:
    return TenantPlan.objects.create(
        name="Standard",
        slug="standard",
        price=Money("30.00", USD),
        period_length=30,
        period_unit=PeriodUnit.DAYS,
    )


def switch_on(owner: User) -> BillingSettings:
    """Subscriptions on, three days of grace, reminders 7, 3 and 1 days before expiry."""
    return update_billing_settings(
        actor=owner, subscriptions_enabled=True, grace_days=3, reminder_days="7,3,1"
    )


def make_room_host(tenant: Tenant) -> tuple[User, Room]:
    """A moderator with a room on the tenant's site."""
    with scope(tenant=tenant):
        hosting = Plan.objects.create(tenant=tenant, name="Host", slug="host", price=usd("0"), max_rooms=3)
    user = make_member(tenant, Role.MODERATOR, handle="host", email="host@example.com")
    choose_plan(user, hosting, idempotency_key="room-host-plan")
    return user, create_room(user, tenant, name="Algebra")


def logged_in(tenant: Tenant, user: User) -> Client:
    client = Client(HTTP_HOST=tenant.hostname)
    client.force_login(user)
    return client


def home_page(tenant: Tenant) -> str:
    response = Client(HTTP_HOST=tenant.hostname).get("/")
    assert response.status_code == 200
    return response.content.decode()


def pay_with_test_card(client: Client, plan: TenantPlan) -> str:
    """Pay one period from the billing page with the test gateway; the page the browser returns to."""
    started = client.post("/cms/billing/", {"plan": plan.pk, "gateway": "test"})
    assert started.status_code == 302, started.content.decode()[-2000:]
    assert started["Location"].startswith("/payments/test-checkout/")
    paid = client.post(started["Location"], {"card_number": "4242 4242 4242 4242"})
    assert paid.status_code == 302 and paid["Location"].startswith("/cms/billing/?payment=")
    page = client.get(paid["Location"])
    assert page.status_code == 200
    return page.content.decode()
