"""The posting function: balance, locking, idempotency, currencies, database guards."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django_scopes import scope, scopes_disabled
from djmoney.money import Money

from payments import ledger
from payments.exceptions import CurrencyMismatch, IdempotencyConflict, InsufficientFunds, UnbalancedEntry
from payments.ledger import Line
from payments.models import Account, Entry, EntryKind, Posting
from payments.verification import verify_ledger
from tests.payments.conftest import balance, fund

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ledger_engine")]


def test_transfer_moves_money_and_records_postings(tenant, buyer, seller, verified):
    fund(tenant, buyer, "30.00")
    entry = ledger.transfer(
        tenant=tenant,
        kind=EntryKind.TRANSFER,
        idempotency_key="t1",
        source=ledger.wallet_of(buyer, tenant, "USD"),
        destination=ledger.wallet_of(seller, tenant, "USD"),
        amount=Money("12.50", "USD"),
        memo="lesson",
    )
    assert balance(tenant, buyer) == Money("17.50", "USD")
    assert balance(tenant, seller) == Money("12.50", "USD")
    with scope(tenant=tenant):
        assert sorted(p.amount.amount for p in entry.postings.all()) == [Money("-12.50", "USD").amount, 12.5]


def test_same_idempotency_key_moves_money_once(tenant, buyer, seller, verified):
    fund(tenant, buyer, "30.00")
    arguments = {
        "tenant": tenant,
        "kind": EntryKind.TRANSFER,
        "idempotency_key": "same-key",
        "source": ledger.wallet_of(buyer, tenant, "USD"),
        "destination": ledger.wallet_of(seller, tenant, "USD"),
        "amount": Money("10", "USD"),
    }
    first = ledger.transfer(**arguments)
    second = ledger.transfer(**arguments)
    assert first.pk == second.pk
    assert balance(tenant, buyer) == Money("20", "USD")


def test_reused_key_for_another_movement_is_a_conflict(tenant, buyer, seller):
    fund(tenant, buyer, "30.00")
    source, destination = ledger.wallet_of(buyer, tenant, "USD"), ledger.wallet_of(seller, tenant, "USD")
    ledger.transfer(
        tenant=tenant,
        kind="transfer",
        idempotency_key="k",
        source=source,
        destination=destination,
        amount=Money("1", "USD"),
    )
    with pytest.raises(IdempotencyConflict):
        ledger.transfer(
            tenant=tenant,
            kind="transfer",
            idempotency_key="k",
            source=source,
            destination=destination,
            amount=Money("2", "USD"),
        )


def test_insufficient_funds_changes_nothing(tenant, buyer, seller, verified):
    fund(tenant, buyer, "5.00")
    with pytest.raises(InsufficientFunds, match="balance is"):
        ledger.transfer(
            tenant=tenant,
            kind=EntryKind.TRANSFER,
            idempotency_key="too-much",
            source=ledger.wallet_of(buyer, tenant, "USD"),
            destination=ledger.wallet_of(seller, tenant, "USD"),
            amount=Money("5.01", "USD"),
        )
    assert balance(tenant, buyer) == Money("5.00", "USD")
    with scope(tenant=tenant):
        assert not Entry.objects.filter(idempotency_key="too-much").exists()


def test_unbalanced_and_mixed_currency_entries_are_refused(tenant, buyer, seller):
    usd = ledger.wallet_of(buyer, tenant, "USD")
    eur = ledger.wallet_of(seller, tenant, "EUR")
    with pytest.raises(UnbalancedEntry):
        ledger.post(
            tenant=tenant,
            kind="transfer",
            idempotency_key="u",
            lines=[
                Line(usd, Money("-1", "USD")),
                Line(ledger.wallet_of(seller, tenant, "USD"), Money("2", "USD")),
            ],
        )
    with pytest.raises(CurrencyMismatch):
        ledger.transfer(
            tenant=tenant,
            kind="transfer",
            idempotency_key="m",
            source=usd,
            destination=eur,
            amount=Money("1", "USD"),
        )


def test_one_wallet_per_user_per_currency(tenant, buyer):
    assert ledger.wallet_of(buyer, tenant, "USD").pk == ledger.wallet_of(buyer, tenant, "USD").pk
    assert ledger.wallet_of(buyer, tenant, "EUR").pk != ledger.wallet_of(buyer, tenant, "USD").pk


def test_database_refuses_negative_wallet_even_past_the_code(tenant, buyer):
    wallet = ledger.wallet_of(buyer, tenant, "USD")
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=wallet.pk).update(balance=Money("-1", "USD"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")
def test_database_refuses_to_change_or_delete_postings(tenant, buyer, verified):
    fund(tenant, buyer, "10")
    with scopes_disabled():
        posting = Posting.objects.first()
        with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
            Posting.objects.filter(pk=posting.pk).update(amount=Money("99", "USD"))
        with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
            Posting.objects.filter(pk=posting.pk).delete()
        with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
            Entry.objects.filter(pk=posting.entry_id).update(memo="rewritten")


def test_database_refuses_an_unbalanced_entry_written_behind_the_code(tenant, buyer, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL deferred constraint trigger")
    wallet = ledger.wallet_of(buyer, tenant, "USD")
    with scopes_disabled(), pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        entry = Entry.objects.create(tenant=tenant, kind="adjustment", idempotency_key="raw")
        Posting.objects.create(entry=entry, account=wallet, tenant=tenant, amount=Money("5", "USD"))
    assert verify_ledger() == []


def test_ledger_verify_reports_a_tampered_balance(tenant, buyer):
    fund(tenant, buyer, "10")
    wallet = ledger.wallet_of(buyer, tenant, "USD")
    with scopes_disabled():
        Account.objects.filter(pk=wallet.pk).update(balance=Money("11", "USD"))
    problems = verify_ledger()
    assert any("balance 11" in problem for problem in problems)
