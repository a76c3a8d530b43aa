"""Manual wallet adjustments: a reason is required, every one is a ledger entry, once per form."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from payments.models import Entry, EntryKind
from tests.backoffice.conftest import sign_in
from tests.factories.money import balance
from tests.marketplace.registration_fixtures import usd

pytestmark = pytest.mark.django_db

URL = "/cms/wallet-adjustment/"


def adjustment(**overrides) -> dict:
    return {
        "person": "amy@example.com",
        "amount": "12.50",
        "currency": "USD",
        "reason": "Goodwill for the outage",
        "key": "form-1",
        **overrides,
    }


def adjustments() -> list[Entry]:
    with scopes_disabled():
        return list(Entry.objects.filter(kind=EntryKind.ADJUSTMENT).select_related("tenant", "actor"))


def test_an_admin_credits_a_wallet_once_per_form(tenant, admin_user, amy, verified):
    client = sign_in(tenant, admin_user)
    form = client.get(URL).content.decode()
    assert 'name="key"' in form and 'name="tenant"' not in form
    response = client.post(URL, adjustment())
    assert response.status_code == 302, response.content.decode()[-2000:]
    (entry,) = adjustments()
    assert response["Location"] == f"/cms/ledger-entries/inspect/{entry.pk}/"
    assert (entry.tenant_id, entry.memo, entry.actor_id) == (
        tenant.pk,
        "Goodwill for the outage",
        admin_user.pk,
    )
    assert balance(tenant, amy) == usd("12.50")

    assert client.post(URL, adjustment()).status_code == 302  # the same form sent twice
    assert len(adjustments()) == 1 and balance(tenant, amy) == usd("12.50")
    assert "Wallet adjusted" in client.get(f"/cms/ledger-entries/history/{entry.pk}/").content.decode()

    assert (
        client.post(URL, adjustment(amount="-2.50", key="form-2", reason="Double credit")).status_code == 302
    )
    assert balance(tenant, amy) == usd("10.00")


def test_a_reason_is_required(tenant, admin_user, amy):
    response = sign_in(tenant, admin_user).post(URL, adjustment(reason="  "))
    assert response.status_code == 200
    assert adjustments() == [] and balance(tenant, amy) == usd("0")


def test_wallets_never_go_below_zero(tenant, admin_user, amy, verified):
    response = sign_in(tenant, admin_user).post(URL, adjustment(amount="-5"))
    assert response.status_code == 200 and adjustments() == []


def test_admins_adjust_members_of_their_own_site_only(tenant, other_tenant, admin_user, bert):
    client = sign_in(tenant, admin_user)
    response = client.post(URL, adjustment(person="bert@example.com", tenant=str(other_tenant.pk)))
    assert response.status_code == 200
    assert "is a member of Alpha Academy" in response.content.decode()
    assert adjustments() == []


def test_the_owner_adjusts_any_sites_wallets(tenant, other_tenant, owner, bert, verified):
    client = sign_in(tenant, owner)
    assert 'name="tenant"' in client.get(URL).content.decode()
    response = client.post(URL, adjustment(person="@bert", tenant=str(other_tenant.pk)))
    assert response.status_code == 302
    (entry,) = adjustments()
    assert entry.tenant_id == other_tenant.pk and balance(other_tenant, bert) == usd("12.50")


def test_editors_and_other_sites_admins_are_refused(tenant, editor, other_tenant, other_admin, amy):
    assert sign_in(tenant, editor).get(URL).status_code in (302, 403)
    assert sign_in(tenant, editor).post(URL, adjustment()).status_code in (302, 403)
    assert adjustments() == []
