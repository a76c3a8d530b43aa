"""Fixtures for money tests: funded wallets on a tenant."""

from __future__ import annotations

import pytest

from marketplace.roles import Role
from tests.factories import make_member
from tests.factories.money import balance, fund

__all__ = ["balance", "fund"]


@pytest.fixture
def buyer(tenant):
    return make_member(tenant, handle="buyer", email="buyer@example.com")


@pytest.fixture
def seller(tenant):
    return make_member(tenant, Role.MODERATOR, handle="seller", email="seller@example.com")


@pytest.fixture(params=["database", "python"])
def ledger_engine(request, settings):
    """Run a test with PostgreSQL's posting function and again with the Python path."""
    settings.LYCEUM_LEDGER_DATABASE_ENGINE = request.param == "database"
    return request.param
