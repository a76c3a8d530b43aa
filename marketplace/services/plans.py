"""Moderator plans: buy, upgrade, downgrade, cancel, renew, fall back to the free plan.

Rules (shown to users on the Plans page):
- Buying a plan makes you a moderator of the site; it is paid from your wallet at once.
- Upgrading (to a dearer plan) takes effect now: the unused part of the current period is
  credited pro rata (rounded down to the cent) against the new plan's price; a new period starts.
- Downgrading (to a cheaper plan) takes effect at the end of the current period.
- Canceling keeps the plan until the period ends, then you are on the free plan.
- Renewals are charged from the wallet when a period ends. If the wallet cannot pay, the plan
  stays usable during a grace period (PLAN_GRACE_DAYS) and renewal is retried; after it, you
  fall back to the free plan and rooms beyond its limits are paused, never deleted.
- A reminder email goes out PLAN_REMINDER_DAYS before each renewal.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from djmoney.money import Money

from marketplace.exceptions import MarketplaceError
from marketplace.models import Plan, PlanSubscription, SubscriptionStatus, Tenant, User
from marketplace.models.plans import LIVE_STATUSES
from marketplace.periods import period_end
from marketplace.roles import Role
from marketplace.services.audit import audit
from payments.exceptions import InsufficientFunds
from payments.models import EntryKind
from payments.money import round_down
from payments.services.sales import pay_tenant

# Sent with (user, tenant, plan) whenever a moderator's plan changes; rooms enforce its limits.
plan_changed = Signal()


class PlanError(MarketplaceError):
    code = "plan_error"


class AlreadyOnPlan(PlanError):
    code = "already_on_plan"
    status = 409


def default_plan(tenant: Tenant) -> Plan:
    """The site's free plan, created with modest limits the first time it is needed."""
    with scope(tenant=tenant):
        plan = Plan.objects.filter(tenant=tenant, is_default=True).first()
        if plan is None:
            plan, _ = Plan.objects.get_or_create(
                tenant=tenant,
                slug="free",
                defaults={
                    "name": "Free",
                    "description": "Host free rooms for small groups.",
                    "price": Money(0, str(tenant.default_currency)),
                    "is_default": True,
                    "max_rooms": 1,
                    "max_attendees_per_room": 10,
                    "max_session_minutes": 45,
                },
            )
    return plan


def live_subscription(user: User, tenant: Tenant, *, lock: bool = False) -> PlanSubscription | None:
    with scope(tenant=tenant):
        subscriptions = PlanSubscription.objects.filter(tenant=tenant, user=user, status__in=LIVE_STATUSES)
        if lock:
            subscriptions = subscriptions.select_for_update(of=("self",))
        return subscriptions.select_related("plan", "next_plan").first()


def _start(user: User, plan: Plan, *, now: datetime, price: Money) -> PlanSubscription:
    subscription = PlanSubscription.objects.create(
        tenant=plan.tenant,
        user=user,
        plan=plan,
        price=price,
        period_start=now,
        period_end=None if plan.is_free else period_end(now, plan.billing_period),
    )
    from marketplace.services.memberships import ensure_role

    ensure_role(user, plan.tenant, Role.MODERATOR, actor=user)
    return subscription


def _end(subscription: PlanSubscription, status: SubscriptionStatus, now: datetime) -> None:
    subscription.status = status
    subscription.ended_at = now
    subscription.save(update_fields=["status", "ended_at"])


def _charge(user: User, plan: Plan, amount: Money, *, key: str, renewal: bool = False) -> None:
    if amount.amount <= 0:
        return
    try:
        pay_tenant(
            tenant=plan.tenant,
            payer=user,
            price=amount,
            kind=EntryKind.PLAN_RENEWAL if renewal else EntryKind.PLAN_PURCHASE,
            idempotency_key=key,
            actor=user,
            memo=f"{plan.name} plan",
            reference=f"plan:{plan.public_id}",
        )
    except InsufficientFunds:
        raise InsufficientFunds(
            f"Your wallet does not cover {amount} for the {plan.name} plan. "
            "Recharge your wallet and try again.",
            field="wallet",
        ) from None


def unused_credit(subscription: PlanSubscription, now: datetime) -> Money:
    """The unused share of what the current period cost, rounded down."""
    if subscription.period_end is None or subscription.status != SubscriptionStatus.ACTIVE:
        return Money(0, subscription.price.currency)
    total = (subscription.period_end - subscription.period_start).total_seconds()
    left = max((subscription.period_end - now).total_seconds(), 0)
    if total <= 0:
        return Money(0, subscription.price.currency)
    return round_down(subscription.price * Decimal(left / total))


@transaction.atomic
def choose_plan(
    user: User, plan: Plan, *, idempotency_key: str, now: datetime | None = None
) -> PlanSubscription:
    """Buy the plan, or switch to it (upgrade now, downgrade at period end)."""
    now = now or timezone.now()
    tenant = plan.tenant
    if not plan.is_active:
        raise PlanError("This plan is no longer offered.", field="plan")
    with scope(tenant=tenant):
        current = live_subscription(user, tenant, lock=True)
        if current is None:
            _charge(user, plan, plan.price, key=idempotency_key)
            subscription = _start(user, plan, now=now, price=plan.price)
            audit(subscription, "lyceum.plan.subscribe", actor=user, plan=plan.name)
        elif current.plan_id == plan.pk:
            if current.next_plan_id or current.cancel_at_period_end:  # choosing it again undoes the change
                current.next_plan, current.cancel_at_period_end = None, False
                current.save(update_fields=["next_plan", "cancel_at_period_end"])
                return current
            raise AlreadyOnPlan(f"You are already on the {plan.name} plan.")
        elif plan.price > current.plan.price or current.period_end is None:
            credit = unused_credit(current, now)
            charge = max(plan.price - credit, Money(0, plan.price.currency))
            _charge(user, plan, charge, key=idempotency_key)
            _end(current, SubscriptionStatus.REPLACED, now)
            subscription = _start(user, plan, now=now, price=plan.price)
            audit(subscription, "lyceum.plan.change", actor=user, plan=plan.name, charged=str(charge))
        else:
            current.next_plan = plan
            current.cancel_at_period_end = False
            current.save(update_fields=["next_plan", "cancel_at_period_end"])
            audit(current, "lyceum.plan.downgrade", actor=user, plan=plan.name)
            return current
    plan_changed.send(sender=Plan, user=user, tenant=tenant, plan=plan)
    return subscription


@transaction.atomic
def cancel_plan(user: User, tenant: Tenant, *, now: datetime | None = None) -> PlanSubscription:
    """Keep the plan until its period ends, then fall back to the free plan."""
    now = now or timezone.now()
    current = live_subscription(user, tenant, lock=True)
    if current is None or current.plan.is_default:
        raise PlanError("You have no paid plan to cancel.")
    with scope(tenant=tenant):
        if current.period_end is None:
            _end(current, SubscriptionStatus.CANCELED, now)
            audit(current, "lyceum.plan.cancel", actor=user)
            return fall_back_to_free(user, tenant, now=now)
        current.cancel_at_period_end = True
        current.next_plan = None
        current.save(update_fields=["cancel_at_period_end", "next_plan"])
    audit(current, "lyceum.plan.cancel", actor=user)
    return current


def fall_back_to_free(user: User, tenant: Tenant, *, now: datetime) -> PlanSubscription:
    plan = default_plan(tenant)
    with scope(tenant=tenant):
        subscription = _start(user, plan, now=now, price=plan.price)
    plan_changed.send(sender=Plan, user=user, tenant=tenant, plan=plan)
    return subscription


def _renew_one(subscription: PlanSubscription, now: datetime) -> str:
    tenant = subscription.tenant
    with scope(tenant=tenant), transaction.atomic():
        subscription = (
            PlanSubscription.objects.select_for_update(of=("self",))
            .select_related("plan", "next_plan", "user")
            .get(pk=subscription.pk)
        )
        if subscription.status not in LIVE_STATUSES or subscription.period_end is None:
            return "skipped"
        if subscription.period_end > now:
            return "not due"
        user = subscription.user
        if subscription.cancel_at_period_end:
            _end(subscription, SubscriptionStatus.CANCELED, now)
            fall_back_to_free(user, tenant, now=now)
            return "canceled"
        target = subscription.next_plan or subscription.plan
        key = f"plan-renewal:{subscription.public_id}:{subscription.period_end.isoformat()}"
        try:
            _charge(user, target, target.price, key=key, renewal=True)
        except InsufficientFunds:
            if subscription.grace_until is None:
                subscription.status = SubscriptionStatus.PAST_DUE
                subscription.grace_until = subscription.period_end + timedelta(days=settings.PLAN_GRACE_DAYS)
                subscription.save(update_fields=["status", "grace_until"])
                _notify(subscription, "past_due")
                return "past due"
            if now < subscription.grace_until:
                return "still in grace"
            _end(subscription, SubscriptionStatus.EXPIRED, now)
            fall_back_to_free(user, tenant, now=now)
            _notify(subscription, "expired")
            return "expired"
        if target.pk != subscription.plan_id:
            _end(subscription, SubscriptionStatus.REPLACED, now)
            with scope(tenant=tenant):
                PlanSubscription.objects.create(
                    tenant=tenant,
                    user=user,
                    plan=target,
                    price=target.price,
                    period_start=subscription.period_end,
                    period_end=None
                    if target.is_free
                    else period_end(subscription.period_end, target.billing_period),
                )
            plan_changed.send(sender=Plan, user=user, tenant=tenant, plan=target)
            return "changed"
        subscription.period_start = subscription.period_end
        subscription.period_end = period_end(subscription.period_start, target.billing_period)
        subscription.price = target.price
        subscription.status = SubscriptionStatus.ACTIVE
        subscription.grace_until = None
        subscription.save(update_fields=["period_start", "period_end", "price", "status", "grace_until"])
        return "renewed"


def renew_due_subscriptions(*, now: datetime | None = None) -> dict[str, int]:
    """Renew, downgrade, cancel or expire every subscription whose period has ended."""
    now = now or timezone.now()
    with scopes_disabled():
        due = list(
            PlanSubscription.objects.filter(status__in=LIVE_STATUSES, period_end__lte=now).select_related(
                "tenant"
            )
        )
    outcomes: dict[str, int] = {}
    for subscription in due:
        outcome = _renew_one(subscription, now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def send_renewal_reminders(*, now: datetime | None = None) -> int:
    """One reminder per period, PLAN_REMINDER_DAYS before a paid renewal."""
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.PLAN_REMINDER_DAYS)
    with scopes_disabled():
        upcoming = list(
            PlanSubscription.objects.filter(
                status=SubscriptionStatus.ACTIVE,
                cancel_at_period_end=False,
                period_end__gt=now,
                period_end__lte=horizon,
                plan__price__gt=0,
            ).select_related("tenant", "user", "plan", "next_plan")
        )
    sent = 0
    for subscription in upcoming:
        if subscription.reminded_for == subscription.period_end:
            continue
        _notify(subscription, "reminder")
        with scopes_disabled():
            PlanSubscription.objects.filter(pk=subscription.pk).update(reminded_for=subscription.period_end)
        sent += 1
    return sent


def _notify(subscription: PlanSubscription, what: str) -> None:
    from marketplace.notifications import notify

    plan = subscription.next_plan or subscription.plan
    notify(
        f"plan_{what}",
        tenant=subscription.tenant,
        user=subscription.user,
        plan=plan.name,
        price=plan.price,
        date=subscription.period_end.date().isoformat() if subscription.period_end else "",
        grace=subscription.grace_until.date().isoformat() if subscription.grace_until else "",
    )
