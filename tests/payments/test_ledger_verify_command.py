"""`manage.py ledger_verify`: clean ledger exits 0; any violation exits non-zero with a report."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled
from djmoney.money import Money

from payments import ledger
from payments.models import Account
from tests.payments.conftest import fund

pytestmark = pytest.mark.django_db


def test_clean_ledger(tenant, buyer):
    fund(tenant, buyer, "10")
    out = io.StringIO()
    call_command("ledger_verify", stdout=out)
    assert "Ledger verified" in out.getvalue()


def test_violation_is_reported_and_fails(tenant, buyer):
    fund(tenant, buyer, "10")
    wallet = ledger.wallet_of(buyer, tenant, "USD")
    with scopes_disabled():
        Account.objects.filter(pk=wallet.pk).update(balance=Money("12", "USD"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("ledger_verify", stderr=err)
    assert "postings say 10" in err.getvalue()


def test_gateways_page_is_for_the_platform_owner_and_masks_secrets(tenant, settings):
    from django.test import Client

    from marketplace.roles import Role
    from payments.gateways.registry import reset_gateway_cache
    from tests.factories import UserFactory, make_member

    settings.STRIPE_SECRET_KEY = "sk_test_" + "x" * 30 + "SECRET"
    reset_gateway_cache()
    try:
        owner = Client(HTTP_HOST=tenant.hostname)
        owner.force_login(UserFactory(is_superuser=True, is_staff=True))
        page = owner.get("/cms/payments/gateways/").content.decode()
        assert "Test gateway" in page and "Stripe" in page
        assert "sk_test_" + "x" * 30 not in page

        admin = Client(HTTP_HOST=tenant.hostname)
        admin.force_login(make_member(tenant, Role.ADMIN))
        assert admin.get("/cms/payments/gateways/").status_code in (302, 403)
    finally:
        settings.STRIPE_SECRET_KEY = ""
        reset_gateway_cache()
