"""Sales, refunds, holds, payouts and adjustments as a user and an admin see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope
from djmoney.money import Money

from marketplace.roles import Role
from payments import ledger
from payments.exceptions import InsufficientFunds, InvalidAmount, InvalidTransition
from payments.models import AccountKind, HoldStatus, PayoutStatus
from payments.services import adjustments, holds, payouts, sales
from tests.factories import make_member
from tests.payments.conftest import balance, fund

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("verified", "ledger_engine")]


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def commission(tenant, owner: str) -> Money:
    account = (ledger.tenant_account if owner == "tenant" else ledger.platform_account)(
        tenant, AccountKind.COMMISSION, "USD"
    )
    return account.balance


def test_pay_splits_between_payee_tenant_and_platform(tenant, buyer, seller):
    fund(tenant, buyer, "50")
    sales.pay(tenant=tenant, payer=buyer, payee=seller, price=usd("20.00"), idempotency_key="s1", actor=buyer)
    assert balance(tenant, buyer) == usd("30.00")
    assert balance(tenant, seller) == usd("17.00")  # 10% tenant, 5% platform by default
    assert commission(tenant, "tenant") == usd("2.00")
    assert commission(tenant, "platform") == usd("1.00")


def test_pay_without_enough_money_changes_nothing(tenant, buyer, seller):
    fund(tenant, buyer, "5")
    with pytest.raises(InsufficientFunds):
        sales.pay(
            tenant=tenant, payer=buyer, payee=seller, price=usd("5.01"), idempotency_key="s", actor=buyer
        )
    assert balance(tenant, buyer) == usd("5") and balance(tenant, seller) == usd("0")


def test_partial_refunds_add_up_to_the_sale_exactly(tenant, buyer, seller):
    fund(tenant, buyer, "10")
    sale = sales.pay(
        tenant=tenant, payer=buyer, payee=seller, price=usd("9.99"), idempotency_key="s", actor=buyer
    )
    for index, part in enumerate(["3.33", "3.33", "3.33"]):
        sales.refund_sale(sale, amount=usd(part), idempotency_key=f"r{index}", actor=seller)
    assert balance(tenant, buyer) == usd("10.00")
    assert balance(tenant, seller) == usd("0.00")
    assert commission(tenant, "tenant") == usd("0") and commission(tenant, "platform") == usd("0")
    with pytest.raises(InvalidAmount, match="At most"):
        sales.refund_sale(sale, amount=usd("0.01"), idempotency_key="r9", actor=seller)


def test_refund_is_idempotent(tenant, buyer, seller):
    fund(tenant, buyer, "10")
    sale = sales.pay(
        tenant=tenant, payer=buyer, payee=seller, price=usd("10"), idempotency_key="s", actor=buyer
    )
    first = sales.refund_sale(sale, idempotency_key="refund", actor=seller)
    again = sales.refund_sale(sale, idempotency_key="refund", actor=seller)
    assert first.pk == again.pk
    assert balance(tenant, buyer) == usd("10")


def test_hold_settle_part_and_release_the_rest(tenant, buyer, seller):
    fund(tenant, buyer, "40")
    hold = holds.place_hold(tenant=tenant, user=buyer, amount=usd("30"), idempotency_key="h", actor=buyer)
    assert balance(tenant, buyer) == usd("10")
    assert ledger.held_of(buyer, tenant, "USD").balance == usd("30")

    hold = holds.settle_hold(hold, payee=seller, amount=usd("20"), idempotency_key="h-settle", actor=seller)
    assert hold.status == HoldStatus.SETTLED
    assert balance(tenant, seller) == usd("17")
    assert balance(tenant, buyer) == usd("20")  # the 10 not settled came back
    assert ledger.held_of(buyer, tenant, "USD").balance == usd("0")


def test_released_hold_cannot_be_settled(tenant, buyer, seller):
    fund(tenant, buyer, "10")
    hold = holds.place_hold(tenant=tenant, user=buyer, amount=usd("10"), idempotency_key="h", actor=buyer)
    holds.release_hold(hold, actor=seller)
    assert balance(tenant, buyer) == usd("10")
    with pytest.raises(InvalidTransition):
        holds.settle_hold(hold, payee=seller, idempotency_key="late", actor=seller)


def test_hold_needs_the_money(tenant, buyer):
    fund(tenant, buyer, "5")
    with pytest.raises(InsufficientFunds):
        holds.place_hold(tenant=tenant, user=buyer, amount=usd("6"), idempotency_key="h", actor=buyer)
    with scope(tenant=tenant):
        from payments.models import Hold

        assert not Hold.objects.exists()


def test_expired_holds_are_released_by_the_job(tenant, buyer):
    fund(tenant, buyer, "10")
    hold = holds.place_hold(
        tenant=tenant,
        user=buyer,
        amount=usd("4"),
        idempotency_key="h",
        actor=buyer,
        expires_in=timedelta(minutes=5),
    )
    assert holds.release_expired_holds() == 0
    assert holds.release_expired_holds(now=timezone.now() + timedelta(minutes=6)) == 1
    assert holds.release_expired_holds(now=timezone.now() + timedelta(minutes=6)) == 0
    with scope(tenant=tenant):
        hold.refresh_from_db()
    assert hold.status == HoldStatus.EXPIRED
    assert balance(tenant, buyer) == usd("10")


def test_payout_request_reject_and_pay(tenant, seller):
    admin = make_member(tenant, Role.ADMIN)
    fund(tenant, seller, "100")
    first = payouts.request_payout(tenant=tenant, user=seller, amount=usd("60"), idempotency_key="p1")
    assert balance(tenant, seller) == usd("40")
    assert (
        payouts.request_payout(tenant=tenant, user=seller, amount=usd("60"), idempotency_key="p1").pk
        == first.pk
    )

    payouts.reject_payout(first, actor=admin, reason="Bank details missing")
    assert balance(tenant, seller) == usd("100")

    second = payouts.request_payout(tenant=tenant, user=seller, amount=usd("70"), idempotency_key="p2")
    with pytest.raises(InvalidTransition):
        payouts.mark_payout_paid(second, actor=admin, external_reference="SEPA-1")
    payouts.approve_payout(second, actor=admin)
    paid = payouts.mark_payout_paid(second, actor=admin, external_reference="SEPA-1")
    assert paid.status == PayoutStatus.PAID and paid.external_reference == "SEPA-1"
    assert balance(tenant, seller) == usd("30")
    with pytest.raises(InvalidTransition):
        payouts.reject_payout(paid, actor=admin, reason="too late")


def test_payout_cannot_exceed_the_wallet_and_only_owner_cancels(tenant, seller, buyer):
    fund(tenant, seller, "10")
    with pytest.raises(InsufficientFunds):
        payouts.request_payout(tenant=tenant, user=seller, amount=usd("11"), idempotency_key="p")
    payout = payouts.request_payout(tenant=tenant, user=seller, amount=usd("10"), idempotency_key="p2")
    with pytest.raises(InvalidTransition):
        payouts.cancel_payout(payout, actor=buyer)
    payouts.cancel_payout(payout, actor=seller)
    assert balance(tenant, seller) == usd("10")


def test_adjustment_needs_a_reason_and_cannot_overdraw(tenant, buyer):
    admin = make_member(tenant, Role.ADMIN)
    with pytest.raises(InvalidAmount, match="reason"):
        adjustments.adjust_wallet(
            tenant=tenant, user=buyer, amount=usd("5"), reason=" ", idempotency_key="a", actor=admin
        )
    adjustments.adjust_wallet(
        tenant=tenant, user=buyer, amount=usd("5"), reason="Goodwill", idempotency_key="a1", actor=admin
    )
    with pytest.raises(InsufficientFunds):
        adjustments.adjust_wallet(
            tenant=tenant,
            user=buyer,
            amount=usd("-6"),
            reason="Chargeback",
            idempotency_key="a2",
            actor=admin,
        )
    adjustments.adjust_wallet(
        tenant=tenant, user=buyer, amount=usd("-5"), reason="Chargeback", idempotency_key="a3", actor=admin
    )
    assert balance(tenant, buyer) == usd("0")
