"""Fixtures for money tests: funded wallets on a tenant."""

from __future__ import annotations

import itertools

import pytest
from djmoney.money import Money

from marketplace.roles import Role
from payments import ledger
from payments.models import AccountKind, EntryKind
from payments.verification import verify_ledger
from tests.factories import make_member

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


@pytest.fixture
def buyer(tenant):
    return make_member(tenant, handle="buyer", email="buyer@example.com")


@pytest.fixture
def seller(tenant):
    return make_member(tenant, Role.MODERATOR, handle="seller", email="seller@example.com")


@pytest.fixture
def verified():
    """Assert after the test that the ledger is sound."""
    yield
    assert verify_ledger() == []


@pytest.fixture(params=["database", "python"])
def ledger_engine(request, settings):
    """Run a test with PostgreSQL's posting function and again with the Python path."""
    settings.LYCEUM_LEDGER_DATABASE_ENGINE = request.param == "database"
    return request.param
