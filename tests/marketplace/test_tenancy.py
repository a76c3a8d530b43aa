"""Tenant resolution by host, scoping, and isolation between tenants."""

from __future__ import annotations

import pytest
from django.test import Client
from django_scopes import ScopeError, scope

from marketplace.models import ApiToken, Membership
from marketplace.roles import Role
from marketplace.services.tokens import create_api_token
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_host_selects_the_tenant(tenant, other_tenant):
    for current in (tenant, other_tenant):
        response = Client(HTTP_HOST=current.hostname).get("/")
        assert response.status_code == 200
        assert current.name in response.content.decode()


def test_host_outside_allowed_hosts_is_refused(tenant):
    response = Client(HTTP_HOST="attacker.example").get("/")
    assert response.status_code == 400


def test_allowed_host_without_a_tenant_answers_a_clear_404(tenant):
    response = Client(HTTP_HOST="nobody.localhost").get("/")
    assert response.status_code == 404
    assert "No active site is configured for this address." in response.content.decode()
    api = Client(HTTP_HOST="nobody.localhost").get("/api/v1/me/")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "tenant_not_found"


def test_inactive_tenant_site_is_unavailable(tenant):
    tenant.is_active = False
    tenant.save()
    assert Client(HTTP_HOST=tenant.hostname).get("/").status_code == 404


def test_unscoped_query_on_a_tenant_owned_model_raises(tenant, attendee):
    with pytest.raises(ScopeError):
        list(Membership.objects.all())
    with pytest.raises(ScopeError):
        ApiToken.objects.count()
    with scope(tenant=tenant):
        assert Membership.objects.filter(user=attendee).count() == 1


def test_scope_shows_only_its_tenant_rows(tenant, other_tenant):
    make_member(tenant, Role.MODERATOR)
    make_member(other_tenant)
    with scope(tenant=tenant):
        assert {m.tenant_id for m in Membership.objects.all()} == {tenant.pk}
    with scope(tenant=other_tenant):
        assert {m.tenant_id for m in Membership.objects.all()} == {other_tenant.pk}


def test_memberships_of_another_tenant_answer_404(api_for, tenant, other_tenant, admin_user):
    outsider = make_member(other_tenant, Role.ADMIN)
    with scope(tenant=tenant):
        membership = Membership.objects.get(user=admin_user, role=Role.ADMIN)
    url = f"/api/v1/memberships/{membership.public_id}/"

    assert api_for(tenant, admin_user).get(url).status_code == 200
    # The other tenant's admin, on their own site, cannot see or delete it.
    other = api_for(other_tenant, outsider)
    assert other.get(url).status_code == 404
    assert other.delete(url).status_code == 404
    listed = other.get("/api/v1/memberships/").json()["results"]
    assert admin_user.handle not in {row["user"]["handle"] for row in listed}
    # Nor can the first tenant's admin reach it through the other tenant's host.
    assert api_for(other_tenant, admin_user).get(url).status_code == 403


def test_user_in_two_tenants_sees_each_sites_members_only_there(api_for, tenant, other_tenant):
    both = make_member(tenant, Role.ADMIN, handle="both")
    with scope(tenant=other_tenant):
        Membership.objects.create(tenant=other_tenant, user=both, role=Role.ADMIN)
    only_a = make_member(tenant, handle="only-a")
    only_b = make_member(other_tenant, handle="only-b")

    seen_a = {
        r["user"]["handle"] for r in api_for(tenant, both).get("/api/v1/memberships/").json()["results"]
    }
    seen_b = {
        r["user"]["handle"] for r in api_for(other_tenant, both).get("/api/v1/memberships/").json()["results"]
    }
    assert only_a.handle in seen_a and only_b.handle not in seen_a
    assert only_b.handle in seen_b and only_a.handle not in seen_b


@pytest.fixture
def member_of_both(tenant, other_tenant):
    user = make_member(tenant)
    with scope(tenant=other_tenant):
        Membership.objects.create(tenant=other_tenant, user=user, role=Role.ATTENDEE)
    return user


def test_api_token_works_only_on_its_tenant(api_for, tenant, other_tenant, member_of_both):
    user = member_of_both
    with scope(tenant=tenant):
        _, raw = create_api_token(user, tenant, name="sync", actor=user)

    own = api_for(tenant)
    own.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert own.get("/api/v1/memberships/").status_code == 200

    foreign = api_for(other_tenant)
    foreign.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = foreign.get("/api/v1/memberships/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_tokens_of_another_tenant_are_not_listed_or_revocable(api_for, tenant, other_tenant, member_of_both):
    user = member_of_both
    with scope(tenant=tenant):
        token, _ = create_api_token(user, tenant, name="alpha-only", actor=user)

    other = api_for(other_tenant, user)
    assert other.get("/api/v1/tokens/").json()["results"] == []
    assert other.delete(f"/api/v1/tokens/{token.public_id}/").status_code == 404
    with scope(tenant=tenant):
        token.refresh_from_db()
    assert token.revoked_at is None


def test_tenants_endpoint_lists_only_the_users_tenants(api_for, tenant, other_tenant):
    user = make_member(tenant, Role.MODERATOR)
    rows = api_for(tenant, user).get("/api/v1/tenants/").json()["results"]
    assert [(r["slug"], sorted(r["roles"]), r["is_current"]) for r in rows] == [
        ("alpha", ["attendee", "moderator"], True)
    ]
    assert api_for(tenant, user).get(f"/api/v1/tenants/{other_tenant.slug}/").status_code == 404


# Every API route of /api/v1/ and the isolation test that covers it; a new route must be added here.
def _more_isolation_tests() -> dict:
    from tests.conferencing import test_api_sessions
    from tests.marketplace import (
        test_api_plans,
        test_api_registrations,
        test_api_rooms,
        test_moderator_profiles,
        test_schedule,
    )
    from tests.payments import test_api

    return {
        "plan": test_api_plans.test_isolation_plans,
        "room": test_api_rooms.test_isolation_rooms,
        "topic": test_moderator_profiles.test_isolation_topics,
        "room-schedule": test_schedule.test_isolation_room_schedule,
        "plan-subscription": test_api_plans.test_isolation_plan_subscriptions,
        "registration": test_api_registrations.test_isolation_registrations,
        "room-registrant": test_api_registrations.test_isolation_room_registrants,
        "room-access": test_api_registrations.test_isolation_room_access,
        "access-rule": test_api_registrations.test_isolation_access_rules,
        "room-session": test_api_sessions.test_isolation_room_sessions,
        "room-recording": test_api_sessions.test_isolation_room_recordings,
        "wallet-transaction": test_api.test_isolation_wallet_transactions,
        "wallet-payment": test_api.test_isolation_wallet_payments,
        "wallet-payout": test_api.test_isolation_wallet_payouts,
        "payout-queue": test_api.test_isolation_payout_queue,
    }


ISOLATION_TESTS = {
    "tenant": test_tenants_endpoint_lists_only_the_users_tenants,
    "membership": test_memberships_of_another_tenant_answer_404,
    "token": test_tokens_of_another_tenant_are_not_listed_or_revocable,
}


def test_every_api_route_has_a_tenant_isolation_test():
    from config.api import router

    covered = set(ISOLATION_TESTS) | set(_more_isolation_tests())
    assert {basename for _, _, basename in router.registry} == covered
