"""The plans API: listing, choosing (idempotent), cancel, history, isolation."""

from __future__ import annotations

import pytest
from django_scopes import scope
from djmoney.money import Money

from marketplace.models import Plan, PlanSubscription
from marketplace.roles import Role
from tests.factories import make_member
from tests.factories.money import balance, fund

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("verified")]


@pytest.fixture
def pro(tenant):
    with scope(tenant=tenant):
        return Plan.objects.create(
            tenant=tenant,
            name="Pro",
            slug="pro",
            price=Money("30", "USD"),
            max_rooms=10,
            allows_paid_rooms=True,
        )


def test_list_plans_includes_the_free_plan(api_for, tenant, attendee, pro):
    rows = api_for(tenant, attendee).get("/api/v1/plans/").json()["results"]
    assert [(r["slug"], r["price"]["amount"], r["is_default"]) for r in rows] == [
        ("free", "0.00", True),
        ("pro", "30.00", False),
    ]
    assert rows[1]["allows_paid_rooms"] is True


def test_choose_a_plan_is_idempotent_and_shows_in_current(api_for, tenant, attendee, pro):
    fund(tenant, attendee, "100")
    client = api_for(tenant, attendee)
    url = f"/api/v1/plans/{pro.public_id}/choose/"
    first = client.post(url, HTTP_IDEMPOTENCY_KEY="buy-pro")
    again = client.post(url, HTTP_IDEMPOTENCY_KEY="buy-pro")
    assert first.status_code == again.status_code == 201
    assert balance(tenant, attendee) == Money("70", "USD")
    current = client.get("/api/v1/plan-subscriptions/current/").json()
    assert current["plan"]["slug"] == "pro" and current["status"] == "active"

    canceled = client.post("/api/v1/plan-subscriptions/cancel/").json()
    assert canceled["cancel_at_period_end"] is True


def test_choose_without_money_is_a_clear_402(api_for, tenant, attendee, pro):
    response = api_for(tenant, attendee).post(f"/api/v1/plans/{pro.public_id}/choose/")
    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "insufficient_funds" and "Recharge your wallet" in error["message"]
    with scope(tenant=tenant):
        assert not PlanSubscription.objects.exists()


def test_no_plan_yet(api_for, tenant, attendee):
    response = api_for(tenant, attendee).get("/api/v1/plan-subscriptions/current/")
    assert response.status_code == 204


def test_isolation_plans(api_for, tenant, other_tenant, pro):
    outsider = make_member(other_tenant, Role.ADMIN)
    client = api_for(other_tenant, outsider)
    assert "pro" not in [r["slug"] for r in client.get("/api/v1/plans/").json()["results"]]
    assert client.get(f"/api/v1/plans/{pro.public_id}/").status_code == 404
    assert client.post(f"/api/v1/plans/{pro.public_id}/choose/").status_code == 404


def test_isolation_plan_subscriptions(api_for, tenant, other_tenant, attendee, pro):
    fund(tenant, attendee, "30")
    api_for(tenant, attendee).post(f"/api/v1/plans/{pro.public_id}/choose/")
    with scope(tenant=tenant):
        subscription = PlanSubscription.objects.get()
    outsider = make_member(other_tenant, Role.ADMIN)
    client = api_for(other_tenant, outsider)
    assert client.get("/api/v1/plan-subscriptions/").json()["count"] == 0
    assert client.get(f"/api/v1/plan-subscriptions/{subscription.public_id}/").status_code == 404
    # Not even another member of the same site sees it.
    neighbour = make_member(tenant)
    assert (
        api_for(tenant, neighbour).get(f"/api/v1/plan-subscriptions/{subscription.public_id}/").status_code
        == 404
    )
