"""Many buyers at once: a wallet that can afford 10 payments pays exactly 10."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from djmoney.money import Money

from marketplace.roles import Role
from payments.exceptions import InsufficientFunds
from payments.services import sales
from payments.verification import verify_ledger
from tests.factories import make_member
from tests.payments.conftest import balance, fund


@pytest.mark.django_db(transaction=True)
def test_fifty_threads_spend_a_wallet_that_affords_ten(tenant, ledger_engine):
    buyer = make_member(tenant)
    sellers = [make_member(tenant, Role.MODERATOR) for _ in range(5)]
    fund(tenant, buyer, "100.00")

    outcomes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(50)

    def buy(index: int) -> None:
        try:
            start.wait()
            sales.pay(
                tenant=tenant,
                payer=buyer,
                payee=sellers[index % len(sellers)],
                price=Money("10.00", "USD"),
                idempotency_key=f"concurrent-{index}",
                actor=buyer,
            )
            outcomes.append("paid")
        except InsufficientFunds:
            outcomes.append("refused")
        except BaseException as error:  # deadlocks or anything else would land here
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert outcomes.count("paid") == 10
    assert outcomes.count("refused") == 40
    assert balance(tenant, buyer) == Money("0.00", "USD")
    assert verify_ledger() == []
