"""Plans: buying, upgrading pro rata, downgrading at period end, renewals, grace, fallback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django_scopes import scope
from djmoney.money import Money

from marketplace.models import Plan, PlanSubscription
from marketplace.roles import Role
from marketplace.selectors import roles_of
from marketplace.services import plans
from payments.exceptions import InsufficientFunds
from tests.factories import make_member
from tests.factories.money import balance, fund

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("verified")]

START = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


@pytest.fixture
def pro(tenant):
    with scope(tenant=tenant):
        return Plan.objects.create(
            tenant=tenant, name="Pro", slug="pro", price=Money("30", "USD"), max_rooms=10
        )


@pytest.fixture
def team(tenant):
    with scope(tenant=tenant):
        return Plan.objects.create(
            tenant=tenant, name="Team", slug="team", price=Money("90", "USD"), max_rooms=50
        )


@pytest.fixture
def host(tenant):
    return make_member(tenant, handle="host", email="host@example.com")


def subscriptions(tenant, user):
    with scope(tenant=tenant):
        return list(
            PlanSubscription.objects.filter(user=user)
            .order_by("created_at")
            .values_list("plan__slug", "status")
        )


def test_buying_a_plan_makes_you_a_moderator_and_pays_the_tenant(tenant, host, pro):
    fund(tenant, host, "50")
    subscription = plans.choose_plan(host, pro, idempotency_key="buy", now=START)
    assert Role.MODERATOR in roles_of(host, tenant)
    assert balance(tenant, host) == Money("20", "USD")
    assert subscription.period_end == datetime(2026, 2, 28, 12, 0, tzinfo=UTC)


def test_not_enough_money_points_to_recharge_and_changes_nothing(tenant, host, pro):
    fund(tenant, host, "29.99")
    with pytest.raises(InsufficientFunds, match="Recharge your wallet"):
        plans.choose_plan(host, pro, idempotency_key="buy", now=START)
    assert subscriptions(tenant, host) == []
    assert Role.MODERATOR not in roles_of(host, tenant)


def test_free_plan_needs_no_money(tenant, host):
    plans.choose_plan(host, plans.default_plan(tenant), idempotency_key="free", now=START)
    assert subscriptions(tenant, host) == [("free", "active")]
    assert Role.MODERATOR in roles_of(host, tenant)


def test_upgrade_now_with_pro_rata_credit(tenant, host, pro, team):
    fund(tenant, host, "200")
    first = plans.choose_plan(host, pro, idempotency_key="buy", now=START)
    halfway = START + (first.period_end - START) / 2
    plans.choose_plan(host, team, idempotency_key="up", now=halfway)
    assert balance(tenant, host) == Money("200", "USD") - Money("30", "USD") - Money(
        "75", "USD"
    )  # 90 - 15 credit
    assert subscriptions(tenant, host) == [("pro", "replaced"), ("team", "active")]


def test_downgrade_at_period_end_then_cancel_falls_back_to_free(tenant, host, pro, team):
    fund(tenant, host, "200")
    current = plans.choose_plan(host, team, idempotency_key="buy", now=START)
    plans.choose_plan(host, pro, idempotency_key="down", now=START + timedelta(days=3))
    assert balance(tenant, host) == Money("110", "USD")  # nothing charged for the downgrade yet
    plans.renew_due_subscriptions(now=current.period_end)
    assert subscriptions(tenant, host) == [("team", "replaced"), ("pro", "active")]
    assert balance(tenant, host) == Money("80", "USD")

    plans.cancel_plan(host, tenant)
    with scope(tenant=tenant):
        pro_sub = PlanSubscription.objects.get(plan=pro)
    plans.renew_due_subscriptions(now=pro_sub.period_end)
    assert subscriptions(tenant, host) == [("team", "replaced"), ("pro", "canceled"), ("free", "active")]
    assert balance(tenant, host) == Money("80", "USD")


def test_renewal_grace_and_fallback(tenant, host, pro, outbox, settings):
    settings.PLAN_GRACE_DAYS = 3
    fund(tenant, host, "45")
    subscription = plans.choose_plan(host, pro, idempotency_key="buy", now=START)
    end = subscription.period_end

    assert plans.renew_due_subscriptions(now=end) == {"past due": 1}
    assert subscriptions(tenant, host) == [("pro", "past_due")]
    assert "could not renew" in outbox()[-1]["Subject"]
    assert plans.renew_due_subscriptions(now=end + timedelta(days=1)) == {"still in grace": 1}

    plans.renew_due_subscriptions(now=end + timedelta(days=4))
    assert subscriptions(tenant, host) == [("pro", "expired"), ("free", "active")]
    assert "has ended" in outbox()[-1]["Subject"]
    assert balance(tenant, host) == Money("15", "USD")
    assert Role.MODERATOR in roles_of(host, tenant)


def test_renewal_charges_once_even_if_run_twice(tenant, host, pro):
    fund(tenant, host, "100")
    subscription = plans.choose_plan(host, pro, idempotency_key="buy", now=START)
    assert plans.renew_due_subscriptions(now=subscription.period_end) == {"renewed": 1}
    assert plans.renew_due_subscriptions(now=subscription.period_end) == {}
    assert balance(tenant, host) == Money("40", "USD")
    with scope(tenant=tenant):
        subscription.refresh_from_db()
    assert subscription.period_end == datetime(2026, 3, 28, 12, 0, tzinfo=UTC)


def test_reminder_goes_out_once_per_period(tenant, host, pro, outbox, settings):
    settings.PLAN_REMINDER_DAYS = 3
    fund(tenant, host, "100")
    subscription = plans.choose_plan(host, pro, idempotency_key="buy", now=START)
    before = subscription.period_end - timedelta(days=2)
    assert plans.send_renewal_reminders(now=subscription.period_end - timedelta(days=5)) == 0
    assert plans.send_renewal_reminders(now=before) == 1
    assert plans.send_renewal_reminders(now=before + timedelta(hours=1)) == 0
    mailbox = outbox()
    assert len(mailbox) == 1
    assert mailbox[-1]["Subject"] == f"[{tenant.name}] Your Pro plan renews on 2026-02-28"
    assert mailbox[-1]["To"] == host.email
    assert mailbox[-1]["From"] == f"{tenant.name} <no-reply@lyceum.localhost>"


def test_choosing_the_same_plan_twice_is_refused(tenant, host, pro):
    fund(tenant, host, "100")
    plans.choose_plan(host, pro, idempotency_key="a", now=START)
    with pytest.raises(plans.AlreadyOnPlan):
        plans.choose_plan(host, pro, idempotency_key="b", now=START)
    assert balance(tenant, host) == Money("70", "USD")


def test_inactive_plan_cannot_be_bought(tenant, host, pro):
    pro.is_active = False
    pro.save()
    fund(tenant, host, "100")
    with pytest.raises(plans.PlanError, match="no longer offered"):
        plans.choose_plan(host, pro, idempotency_key="a", now=START)
