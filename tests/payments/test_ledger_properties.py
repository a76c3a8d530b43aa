"""Random sequences of money operations keep every ledger invariant (stateful hypothesis)."""

from __future__ import annotations

import contextlib
import itertools
from decimal import Decimal

import pytest
from django.db import transaction
from django_scopes import scopes_disabled
from djmoney.money import Money
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from marketplace.roles import Role
from payments.exceptions import InsufficientFunds, InvalidAmount, InvalidTransition
from payments.models import Account
from payments.services import holds, payouts, sales
from payments.verification import verify_ledger
from tests.factories import make_member
from tests.payments.conftest import fund

pytestmark = pytest.mark.django_db

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("60"), places=2)
EXPECTED = (InsufficientFunds, InvalidAmount, InvalidTransition)


def build_machine(tenant, users, admin):
    keys = itertools.count()

    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.savepoint = transaction.savepoint()
            self.sales, self.holds, self.payouts = [], [], []

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)

        def key(self) -> str:
            return f"prop-{next(keys)}"

        @rule(who=st.sampled_from(users), amount=amounts)
        def recharge(self, who, amount):
            fund(tenant, who, str(amount))

        @rule(payer=st.sampled_from(users), payee=st.sampled_from(users), amount=amounts)
        def pay(self, payer, payee, amount):
            if payer == payee:
                return
            with contextlib.suppress(EXPECTED):
                self.sales.append(
                    sales.pay(
                        tenant=tenant,
                        payer=payer,
                        payee=payee,
                        price=Money(amount, "USD"),
                        idempotency_key=self.key(),
                        actor=payer,
                    )
                )

        @rule(index=st.integers(min_value=0), amount=st.none() | amounts)
        def refund(self, index, amount):
            if self.sales:
                sale = self.sales[index % len(self.sales)]
                money = Money(amount, "USD") if amount is not None else None
                with contextlib.suppress(EXPECTED):
                    sales.refund_sale(sale, amount=money, idempotency_key=self.key(), actor=admin)

        @rule(who=st.sampled_from(users), amount=amounts)
        def hold(self, who, amount):
            with contextlib.suppress(EXPECTED):
                self.holds.append(
                    holds.place_hold(
                        tenant=tenant,
                        user=who,
                        amount=Money(amount, "USD"),
                        idempotency_key=self.key(),
                        actor=who,
                    )
                )

        @rule(
            index=st.integers(min_value=0),
            payee=st.sampled_from(users),
            part=st.none() | amounts,
            release_rest=st.booleans(),
        )
        def settle(self, index, payee, part, release_rest):
            if self.holds:
                hold = self.holds[index % len(self.holds)]
                with contextlib.suppress(EXPECTED):
                    holds.settle_hold(
                        hold,
                        payee=payee,
                        amount=Money(part, "USD") if part else None,
                        release_rest=release_rest,
                        idempotency_key=self.key(),
                        actor=admin,
                    )

        @rule(index=st.integers(min_value=0))
        def release(self, index):
            if self.holds:
                holds.release_hold(self.holds[index % len(self.holds)], actor=admin)

        @rule(who=st.sampled_from(users), amount=amounts)
        def request_payout(self, who, amount):
            with contextlib.suppress(EXPECTED):
                self.payouts.append(
                    payouts.request_payout(
                        tenant=tenant, user=who, amount=Money(amount, "USD"), idempotency_key=self.key()
                    )
                )

        @rule(
            index=st.integers(min_value=0), decision=st.sampled_from(["approve", "reject", "pay", "cancel"])
        )
        def decide_payout(self, index, decision):
            if not self.payouts:
                return
            payout = self.payouts[index % len(self.payouts)]
            try:
                if decision == "approve":
                    payouts.approve_payout(payout, actor=admin)
                elif decision == "reject":
                    payouts.reject_payout(payout, actor=admin, reason="property test")
                elif decision == "pay":
                    payouts.mark_payout_paid(payout, actor=admin, external_reference="REF")
                else:
                    payouts.cancel_payout(payout, actor=payout.user)
            except EXPECTED:
                pass

        @invariant()
        def ledger_is_sound(self):
            assert verify_ledger() == []

        @invariant()
        def money_is_conserved(self):
            with scopes_disabled():
                total = sum((a.balance.amount for a in Account.objects.filter(tenant=tenant)), Decimal(0))
            assert total == 0

    return LedgerMachine


def test_random_operations_keep_every_invariant(tenant, settings_for_ci):
    users = [make_member(tenant, Role.MODERATOR) for _ in range(3)]
    admin = make_member(tenant, Role.ADMIN)
    machine = build_machine(tenant, users, admin)
    run_state_machine_as_test(machine, settings=settings_for_ci)


@pytest.fixture
def settings_for_ci():
    """Modest example counts: the suite must stay fast on 2 cores."""
    return settings(max_examples=25, stateful_step_count=25, deadline=None)
