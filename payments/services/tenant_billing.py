"""Tenant billing: the owner's settings, billing modes, paying for a period, marking one paid.

Paying for one period (one-time, never recurring) creates a Payment whose purpose is a tenant
subscription and a pending `TenantSubscription` row. When the gateway confirms the payment,
`gateway_payments.mark_succeeded` credits the platform's revenue account from the gateway clearing
account (one ledger entry keyed on the payment) and calls `fulfil_subscription_payment`, which
fixes the period: it starts at max(now, the current paid-up date), so paying early extends and
paying late (in grace or suspended) starts now and reactivates the site at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_scopes import scope
from djmoney.money import Money

from marketplace.models import Tenant, User
from marketplace.periods import add_months
from marketplace.services.audit import audit
from payments.exceptions import GatewayError, PaymentsError
from payments.gateways.base import Checkout
from payments.gateways.registry import get_gateway
from payments.models import (
    BillingMode,
    BillingSettings,
    Payment,
    PaymentPurpose,
    PeriodUnit,
    SubscriptionSource,
    TenantBilling,
    TenantPlan,
    TenantSubscription,
    TenantSubscriptionStatus,
)
from payments.services.gateway_payments import begin_checkout
from payments.tenant_billing_selectors import SETTINGS_CACHE_KEY

SETTINGS_FIELDS = (
    "subscriptions_enabled",
    "grace_days",
    "reminder_days",
    "reminder_subject",
    "reminder_body",
)


class TenantBillingError(PaymentsError):
    code = "tenant_billing_error"


def period_after(start: datetime, plan: TenantPlan) -> datetime:
    """The end of one period of `plan` starting at `start` (calendar months clamp to the last day)."""
    if plan.period_unit == PeriodUnit.MONTHS:
        return add_months(start, plan.period_length)
    return start + timedelta(days=plan.period_length)


def ensure_tenant_billing(tenant: Tenant) -> TenantBilling:
    """The tenant's billing row (paid mode by default), created the first time it is needed."""
    with scope(tenant=tenant):
        billing, _ = TenantBilling.objects.get_or_create(tenant=tenant)
    return billing


def create_billing_for_new_tenant(
    sender: type, instance: Tenant, created: bool, raw: bool = False, **_
) -> None:
    """Every new tenant gets its billing row (post_save receiver, connected in PaymentsConfig)."""
    if created and not raw:
        ensure_tenant_billing(instance)


def _locked_billing(tenant: Tenant) -> TenantBilling:
    ensure_tenant_billing(tenant)
    return TenantBilling.objects.select_for_update().get(tenant=tenant)


def update_billing_settings(*, actor: User, **values: Any) -> BillingSettings:
    """Save the owner's settings; switching subscriptions on starts the clock for unpaid tenants."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Not billing settings: {sorted(unknown)}")
    with transaction.atomic():
        BillingSettings.objects.get_or_create(pk=1)
        current = BillingSettings.objects.select_for_update().get(pk=1)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if values.get("subscriptions_enabled") and not current.subscriptions_enabled:
            current.enabled_since = timezone.now()
        for name, value in values.items():
            setattr(current, name, value)
        current.full_clean()
        current.save()
        if changed:
            audit(current, "lyceum.tenant_billing.settings", actor=actor, changed=changed)
        cache.delete(SETTINGS_CACHE_KEY)
        # Again once committed, in case another request cached the old row in between.
        transaction.on_commit(lambda: cache.delete(SETTINGS_CACHE_KEY))
    return current


def set_billing_mode(tenant: Tenant, *, mode: str, actor: User) -> TenantBilling:
    if mode not in BillingMode.values:
        raise TenantBillingError(f"Unknown billing mode: {mode!r}.")
    with scope(tenant=tenant), transaction.atomic():
        billing = _locked_billing(tenant)
        if billing.mode != mode:
            before = billing.mode
            billing.mode = mode
            billing.save(update_fields=["mode", "updated_at"])
            audit(billing, "lyceum.tenant_billing.mode", actor=actor, before=before, after=mode)
    return billing


def _next_period(billing: TenantBilling, plan: TenantPlan, now: datetime) -> tuple[datetime, datetime]:
    start = max(now, billing.paid_until) if billing.paid_until else now
    return start, period_after(start, plan)


def start_subscription_payment(
    *, tenant: Tenant, plan: TenantPlan, actor: User, gateway_name: str, return_url: str
) -> tuple[TenantSubscription, Checkout]:
    """Start paying one period of `plan` through a gateway; the period is fixed when it succeeds."""
    if not plan.is_active:
        raise TenantBillingError("This plan is no longer offered.")
    gateway = get_gateway(gateway_name)
    now = timezone.now()
    with scope(tenant=tenant), transaction.atomic():
        billing = ensure_tenant_billing(tenant)
        start, end = _next_period(billing, plan, now)
        payment = Payment.objects.create(
            tenant=tenant,
            user=actor,
            gateway=gateway.name,
            purpose=PaymentPurpose.TENANT_SUBSCRIPTION,
            test_mode=gateway.test_mode,
            amount=plan.price,
            refunded=Money(0, plan.price.currency),
        )
        subscription = TenantSubscription.objects.create(
            tenant=tenant,
            plan=plan,
            source=SubscriptionSource.GATEWAY,
            period_start=start,
            period_end=end,
            amount=plan.price,
            payment=payment,
            actor=actor,
        )
        audit(
            billing,
            "lyceum.tenant_billing.payment_started",
            actor=actor,
            plan=plan.name,
            amount=str(plan.price),
            gateway=gateway.name,
            payment=str(payment.public_id),
        )
    try:
        checkout = begin_checkout(payment, return_url=return_url)
    except GatewayError:
        cancel_subscription_payment(payment)
        raise
    return subscription, checkout


def fulfil_subscription_payment(payment: Payment) -> TenantSubscription | None:
    """The payment succeeded: fix the period and extend the tenant (idempotent; in the caller's
    transaction, after the ledger entry)."""
    tenant = payment.tenant
    with scope(tenant=tenant), transaction.atomic():
        subscription = (
            TenantSubscription.objects.select_for_update()
            .select_related("plan")
            .filter(payment=payment)
            .first()
        )
        if subscription is None or subscription.status == TenantSubscriptionStatus.PAID:
            return subscription
        billing = _locked_billing(tenant)
        now = timezone.now()
        start, end = _next_period(billing, subscription.plan, now)
        subscription.period_start, subscription.period_end = start, end
        subscription.status, subscription.paid_at = TenantSubscriptionStatus.PAID, now
        subscription.save(update_fields=["period_start", "period_end", "status", "paid_at"])
        _extend(billing, subscription.plan, end)
        audit(
            billing,
            "lyceum.tenant_billing.paid",
            actor=payment.user,
            plan=subscription.plan.name,
            amount=str(subscription.amount),
            period_start=start.isoformat(),
            period_end=end.isoformat(),
            payment=str(payment.public_id),
        )
    return subscription


def cancel_subscription_payment(payment: Payment) -> TenantSubscription | None:
    """The payment failed or was canceled: its pending period will not happen."""
    with scope(tenant=payment.tenant), transaction.atomic():
        subscription = TenantSubscription.objects.select_for_update().filter(payment=payment).first()
        if subscription is None or subscription.status != TenantSubscriptionStatus.PENDING:
            return subscription
        subscription.status = TenantSubscriptionStatus.CANCELED
        subscription.save(update_fields=["status"])
    return subscription


def _extend(billing: TenantBilling, plan: TenantPlan, end: datetime) -> None:
    billing.paid_until, billing.plan = end, plan
    billing.save(update_fields=["paid_until", "plan", "updated_at"])


def mark_paid_manually(
    *, tenant: Tenant, plan: TenantPlan, actor: User, note: str = ""
) -> TenantSubscription:
    """The owner records a period paid outside the gateways (no money moves in the ledger)."""
    now = timezone.now()
    with scope(tenant=tenant), transaction.atomic():
        billing = _locked_billing(tenant)
        start, end = _next_period(billing, plan, now)
        subscription = TenantSubscription.objects.create(
            tenant=tenant,
            plan=plan,
            status=TenantSubscriptionStatus.PAID,
            source=SubscriptionSource.MANUAL,
            period_start=start,
            period_end=end,
            amount=plan.price,
            actor=actor,
            note=note[:300],
            paid_at=now,
        )
        _extend(billing, plan, end)
        audit(
            billing,
            "lyceum.tenant_billing.marked_paid",
            actor=actor,
            plan=plan.name,
            amount=str(plan.price),
            period_start=start.isoformat(),
            period_end=end.isoformat(),
            note=note[:300],
        )
    return subscription
