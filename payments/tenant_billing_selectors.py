"""Reads for tenant billing, shared by the middleware, meetings, the back office and the reminders job.

A tenant's state is derived, never stored: free-mode tenants and installations with subscriptions
switched off are always active; a paid-mode tenant is active until its paid period ends, in grace
for `grace_days` after that, then suspended until it pays. A tenant that never paid is due from
when subscriptions were switched on (or from its creation, if later).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from marketplace.models import Membership, Tenant, User
from marketplace.roles import Role
from payments.models import (
    BillingMode,
    BillingSettings,
    Payment,
    PaymentPurpose,
    TenantBilling,
    TenantPlan,
    TenantSubscription,
)

SETTINGS_CACHE_KEY = "lyceum:tenant-billing-settings"
SETTINGS_CACHE_SECONDS = 300


class BillingState(StrEnum):
    ACTIVE = "active"
    GRACE = "grace"
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class BillingStatus:
    state: BillingState
    subscriptions_enabled: bool
    mode: str
    plan: TenantPlan | None
    expires_at: datetime | None  # None: never expires (free mode, or subscriptions off)
    suspends_at: datetime | None
    grace_days: int

    @property
    def suspended(self) -> bool:
        return self.state == BillingState.SUSPENDED

    @property
    def in_grace(self) -> bool:
        return self.state == BillingState.GRACE

    @property
    def never_expires(self) -> bool:
        return self.expires_at is None

    @property
    def state_label(self) -> str:
        return {
            BillingState.ACTIVE: "Active",
            BillingState.GRACE: "Expired: in the grace period",
            BillingState.SUSPENDED: "Suspended",
        }[self.state]


def billing_settings() -> BillingSettings:
    """The installation's settings (defaults, unsaved, until the owner saves them).

    Every page asks (for the suspended notice), so the row is cached; saving it clears the cache.
    """
    cached = cache.get(SETTINGS_CACHE_KEY)
    if cached is None:
        cached = BillingSettings.objects.filter(pk=1).first() or BillingSettings(pk=1)
        cache.set(SETTINGS_CACHE_KEY, cached, SETTINGS_CACHE_SECONDS)
    return cached


def billing_of(tenant: Tenant) -> TenantBilling | None:
    with scope(tenant=tenant):
        return TenantBilling.objects.filter(tenant=tenant).select_related("plan").first()


def due_date(tenant: Tenant, billing: TenantBilling | None, settings: BillingSettings) -> datetime:
    """When the tenant's paid time ends (or ended)."""
    if billing is not None and billing.paid_until is not None:
        return billing.paid_until
    return max(settings.enabled_since or tenant.created_at, tenant.created_at)


def status_of(
    tenant: Tenant,
    *,
    now: datetime | None = None,
    settings: BillingSettings | None = None,
    billing: TenantBilling | None = None,
) -> BillingStatus:
    settings = settings or billing_settings()
    if settings.subscriptions_enabled:  # otherwise nobody expires: no need to read the tenant's row
        billing = billing or billing_of(tenant)
    mode = billing.mode if billing is not None else BillingMode.PAID
    plan = billing.plan if billing is not None else None
    if not settings.subscriptions_enabled or mode == BillingMode.FREE:
        return BillingStatus(
            BillingState.ACTIVE, settings.subscriptions_enabled, mode, plan, None, None, settings.grace_days
        )
    now = now or timezone.now()
    expires_at = due_date(tenant, billing, settings)
    suspends_at = expires_at + timedelta(days=settings.grace_days)
    if now < expires_at:
        state = BillingState.ACTIVE
    elif now < suspends_at:
        state = BillingState.GRACE
    else:
        state = BillingState.SUSPENDED
    return BillingStatus(state, True, mode, plan, expires_at, suspends_at, settings.grace_days)


def is_suspended(tenant: Tenant) -> bool:
    return status_of(tenant).suspended


def subscriptions_of(tenant: Tenant) -> list[TenantSubscription]:
    """The tenant's subscription history, newest period first."""
    with scope(tenant=tenant):
        return list(
            TenantSubscription.objects.filter(tenant=tenant).select_related("plan", "payment", "actor")
        )


def plans_for_sale() -> QuerySet[TenantPlan]:
    return TenantPlan.objects.filter(is_active=True)


def tenant_admins(tenant: Tenant) -> list[User]:
    """Who gets billing emails: the tenant's active admins."""
    with scope(tenant=tenant):
        ids = Membership.objects.filter(tenant=tenant, role=Role.ADMIN).values_list("user_id", flat=True)
        return list(User.objects.filter(pk__in=list(ids), is_active=True).order_by("pk"))


def paid_mode_billing() -> list[TenantBilling]:
    """Billing rows of active paid-mode tenants (a named platform-wide read for the reminders job)."""
    with scopes_disabled():
        return list(
            TenantBilling.objects.filter(mode=BillingMode.PAID, tenant__is_active=True).select_related(
                "tenant__site", "plan"
            )
        )


def subscription_payment(tenant: Tenant, public_id: uuid.UUID) -> Payment | None:
    """One of this tenant's subscription payments, for the billing page's status line."""
    with scope(tenant=tenant):
        return Payment.objects.filter(
            tenant=tenant, public_id=public_id, purpose=PaymentPurpose.TENANT_SUBSCRIPTION
        ).first()
