"""Money helpers for tests: fund a wallet as a recharge would, read a balance."""

from __future__ import annotations

import itertools

from djmoney.money import Money

from payments import ledger
from payments.models import AccountKind, EntryKind

_keys = itertools.count()


def fund(tenant, user, amount: str, currency: str = "USD"):
    """Credit a wallet as a recharge would (from the gateway clearing account)."""
    return ledger.transfer(
        tenant=tenant,
        kind=EntryKind.RECHARGE,
        idempotency_key=f"test-fund:{next(_keys)}",
        source=ledger.platform_account(tenant, AccountKind.GATEWAY_CLEARING, currency),
        destination=ledger.wallet_of(user, tenant, currency),
        amount=Money(amount, currency),
    )


def balance(tenant, user, currency: str = "USD") -> Money:
    return ledger.wallet_of(user, tenant, currency).balance
