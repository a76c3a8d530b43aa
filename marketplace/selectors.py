"""Reads shared by the API, the dashboard and the back office."""

from __future__ import annotations

from django.db.models import QuerySet
from django_scopes import scope, scopes_disabled

from marketplace.models import ApiToken, Membership, Tenant, User
from marketplace.roles import STAFF_ROLES, Role


def roles_of(user: User, tenant: Tenant | None) -> frozenset[str]:
    if tenant is None or not user.is_authenticated:
        return frozenset()
    with scope(tenant=tenant):
        return frozenset(Membership.objects.filter(tenant=tenant, user=user).values_list("role", flat=True))


def is_member(user: User, tenant: Tenant | None) -> bool:
    return bool(roles_of(user, tenant))


def is_tenant_admin(user: User, tenant: Tenant | None) -> bool:
    return user.is_superuser or Role.ADMIN in roles_of(user, tenant)


def is_tenant_staff(user: User, tenant: Tenant | None) -> bool:
    return user.is_superuser or bool(STAFF_ROLES & roles_of(user, tenant))


def tenants_of(user: User) -> QuerySet[Tenant]:
    """Tenants the user belongs to, across sites: a named platform-wide read."""
    with scopes_disabled():
        tenant_ids = list(Membership.objects.filter(user=user).values_list("tenant_id", flat=True).distinct())
    return Tenant.objects.filter(pk__in=tenant_ids, is_active=True).select_related("site")


def roles_by_tenant(user: User) -> dict[int, list[str]]:
    with scopes_disabled():
        pairs = Membership.objects.filter(user=user).values_list("tenant_id", "role")
        result: dict[int, list[str]] = {}
        for tenant_id, role in pairs:
            result.setdefault(tenant_id, []).append(role)
    return {tenant_id: sorted(roles) for tenant_id, roles in result.items()}


def memberships_visible_to(user: User, tenant: Tenant) -> QuerySet[Membership]:
    """Admins see every member of their tenant; everyone else sees their own roles."""
    memberships = Membership.objects.filter(tenant=tenant).select_related("user", "tenant")
    if is_tenant_admin(user, tenant):
        return memberships
    return memberships.filter(user=user)


def tokens_of(user: User, tenant: Tenant) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(tenant=tenant, user=user)


def find_user(identifier: str) -> User | None:
    """A user by email or @handle."""
    identifier = identifier.strip()
    if "@" in identifier and not identifier.startswith("@"):
        return User.objects.filter(email__iexact=identifier).first()
    return User.objects.filter(handle__iexact=identifier.lstrip("@")).first()


def active_plan(user: User, tenant: Tenant):
    """The plan whose limits apply to this moderator: their live subscription's, else the free plan.

    None for users who are not moderators here.
    """
    from marketplace.models import PlanSubscription
    from marketplace.models.plans import LIVE_STATUSES
    from marketplace.services.plans import default_plan

    with scope(tenant=tenant):
        subscription = (
            PlanSubscription.objects.filter(tenant=tenant, user=user, status__in=LIVE_STATUSES)
            .select_related("plan")
            .first()
        )
    if subscription is not None:
        return subscription.plan
    return default_plan(tenant) if Role.MODERATOR in roles_of(user, tenant) else None
