"""The only code that writes postings and changes account balances.

`post()` validates that an entry balances per currency, locks every touched account with
SELECT ... FOR UPDATE in primary-key order (so concurrent entries cannot deadlock), checks
no balance goes below zero where that is not allowed, and writes the entry, its postings and
the new balances in one transaction. Re-posting an idempotency key returns the first entry.

On PostgreSQL the locking and writing run in the stored function `payments_post_entry`
(migration 0004): one round trip per entry. Elsewhere (SQLite for `make run`) the same steps
run here in Python. Both are tested against the same cases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_scopes import scope
from djmoney.money import Money

from marketplace.models import Tenant, User
from payments.exceptions import CurrencyMismatch, IdempotencyConflict, InsufficientFunds, UnbalancedEntry
from payments.models import Account, AccountKind, Entry, OwnerType, Posting

# Accounts that mirror money outside the ledger (the gateway's bank, manual corrections).
NEGATIVE_ALLOWED = frozenset({AccountKind.GATEWAY_CLEARING, AccountKind.ADJUSTMENTS})


@dataclass(frozen=True)
class Line:
    account: Account
    amount: Money


def _account(
    tenant: Tenant, owner_type: OwnerType, kind: AccountKind, currency: str, user: User | None
) -> Account:
    with scope(tenant=tenant):
        account, _ = Account.objects.get_or_create(
            tenant=tenant,
            owner_type=owner_type,
            user=user,
            kind=kind,
            currency=currency,
            defaults={"balance": Money(0, currency), "allow_negative": kind in NEGATIVE_ALLOWED},
        )
    return account


def wallet_of(user: User, tenant: Tenant, currency: str) -> Account:
    return _account(tenant, OwnerType.USER, AccountKind.WALLET, str(currency), user)


def held_of(user: User, tenant: Tenant, currency: str) -> Account:
    return _account(tenant, OwnerType.USER, AccountKind.HELD, str(currency), user)


def tenant_account(tenant: Tenant, kind: AccountKind, currency: str) -> Account:
    return _account(tenant, OwnerType.TENANT, kind, str(currency), None)


def platform_account(tenant: Tenant, kind: AccountKind, currency: str) -> Account:
    """The platform owner's account of this kind for money that moves on this tenant."""
    return _account(tenant, OwnerType.PLATFORM, kind, str(currency), None)


def lock_accounts(account_ids: Iterable[int]) -> list[Account]:
    """Lock accounts in primary-key order (the one order every writer uses). Needs a transaction."""
    return list(Account.objects.select_for_update().filter(pk__in=sorted(set(account_ids))).order_by("pk"))


def _checked_totals(lines: list[Line], tenant: Tenant) -> dict[int, Decimal]:
    per_currency: dict[str, Decimal] = defaultdict(Decimal)
    per_account: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        currency = str(line.amount.currency)
        if line.account.tenant_id != tenant.pk:
            raise ValueError("An entry's accounts must all belong to its tenant.")
        if currency != str(line.account.currency):
            raise CurrencyMismatch(f"A {currency} amount cannot go to a {line.account.currency} account.")
        per_currency[currency] += line.amount.amount
        per_account[line.account.pk] += line.amount.amount
    unbalanced = {currency: total for currency, total in per_currency.items() if total != 0}
    if unbalanced:
        raise UnbalancedEntry(f"Entry does not balance: {unbalanced}.")
    return per_account


def _same_movement(entry: Entry, kind: str, lines: list[Line]) -> bool:
    stored = sorted((p.account_id, p.amount.amount) for p in entry.postings.all())
    wanted = sorted((line.account.pk, line.amount.amount) for line in lines)
    return entry.kind == kind and stored == wanted


def post(
    *,
    tenant: Tenant,
    kind: str,
    idempotency_key: str,
    lines: Iterable[Line],
    actor: User | None = None,
    memo: str = "",
    reference: str = "",
) -> Entry:
    lines = [line for line in lines if line.amount.amount != 0]
    if not lines:
        raise ValueError("An entry needs at least one non-zero posting.")
    per_account = _checked_totals(lines, tenant)
    entry = _unsaved_entry(tenant, kind, idempotency_key, actor, memo, reference)
    with scope(tenant=tenant):
        if use_database_engine():
            return _post_in_database(entry, lines, per_account)
        return _post_in_python(entry, lines, per_account)


def _unsaved_entry(
    tenant: Tenant, kind: str, key: str, actor: User | None, memo: str, reference: str
) -> Entry:
    return Entry(
        tenant=tenant, kind=kind, idempotency_key=key, actor=actor, memo=memo[:500], reference=reference
    )


def use_database_engine() -> bool:
    """PostgreSQL posts with its stored function (one round trip); other databases in Python."""
    return connection.vendor == "postgresql" and settings.LYCEUM_LEDGER_DATABASE_ENGINE


def _insufficient(account: Account, delta: Decimal) -> InsufficientFunds:
    return InsufficientFunds(
        f"Insufficient funds: the balance is {account.balance}, {Money(-delta, account.currency)} is needed."
    )


def _replay(entry: Entry, lines: list[Line]) -> Entry:
    existing = Entry.objects.get(idempotency_key=entry.idempotency_key)
    if not _same_movement(existing, entry.kind, lines):
        raise IdempotencyConflict("This idempotency key was already used for a different operation.")
    return existing


def _post_in_database(entry: Entry, lines: list[Line], per_account: dict[int, Decimal]) -> Entry:
    arguments = [
        entry.public_id,
        entry.tenant_id,
        entry.kind,
        entry.idempotency_key,
        entry.actor_id,
        entry.memo,
        entry.reference,
        [line.account.pk for line in lines],
        [line.amount.amount for line in lines],
        [str(line.amount.currency) for line in lines],
    ]
    sql = "SELECT entry_id, replayed FROM payments_post_entry(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    entry_id, replayed = _call_posting_function(sql, arguments, per_account)
    if replayed:
        return _replay(entry, lines)
    return _posted(entry, entry_id, lines)


def _call_posting_function(sql: str, arguments: list, per_account: dict[int, Decimal]) -> tuple[int, bool]:
    """Run a posting function; (entry id, whether the key had been used already)."""
    # A savepoint only inside a caller's transaction: in autocommit the statement is its own.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard, connection.cursor() as cursor:
            cursor.execute(sql, arguments)
            return cursor.fetchone()
    except IntegrityError as error:
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        if constraint == "account_balance_not_negative":
            overdrawn = _first_overdrawn(per_account)
            raise _insufficient(overdrawn, per_account[overdrawn.pk]) from None
        if constraint and "idempotency_key" in constraint:
            # The same key committed concurrently on other accounts: answer with its entry.
            return 0, True
        raise


def _posted(entry: Entry, entry_id: int, lines: list[Line]) -> Entry:
    """The entry the database wrote; the caller's account objects show their new balances."""
    entry.pk = entry_id
    entry.created_at = timezone.now()
    for line in lines:
        line.account.balance = line.account.balance + line.amount
    return entry


def _first_overdrawn(per_account: dict[int, Decimal]) -> Account:
    """The account this entry would take below zero, for the error message."""
    for account in Account.objects.filter(pk__in=per_account, allow_negative=False).order_by("pk"):
        if account.balance.amount + per_account[account.pk] < 0:
            return account
    return Account.objects.get(pk=min(per_account))


def _post_in_python(entry: Entry, lines: list[Line], per_account: dict[int, Decimal]) -> Entry:
    with transaction.atomic():
        locked = {account.pk: account for account in lock_accounts(per_account)}
        if Entry.objects.filter(idempotency_key=entry.idempotency_key).exists():
            return _replay(entry, lines)

        new_balances: dict[int, Decimal] = {}
        for pk, delta in per_account.items():
            account = locked[pk]
            balance = account.balance.amount + delta
            if balance < 0 and not account.allow_negative:
                raise _insufficient(account, delta)
            new_balances[pk] = balance

        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            # The same key committed between our check and insert (possible only when its
            # entry touched other accounts, since ours are locked): answer with that entry.
            return _replay(entry, lines)

        Posting.objects.bulk_create(
            Posting(entry=entry, account=line.account, tenant=entry.tenant, amount=line.amount)
            for line in lines
        )
        for pk, balance in new_balances.items():
            account = locked[pk]
            Account.objects.filter(pk=pk).update(balance=Money(balance, account.currency))
        for line in lines:
            line.account.balance = Money(new_balances[line.account.pk], line.account.currency)
    return entry


def transfer(
    *,
    tenant: Tenant,
    kind: str,
    idempotency_key: str,
    source: Account,
    destination: Account,
    amount: Money,
    actor: User | None = None,
    memo: str = "",
    reference: str = "",
) -> Entry:
    """The common two-line entry: `amount` from `source` to `destination`."""
    lines = [Line(source, -amount), Line(destination, amount)]
    if amount.amount == 0 or source.pk == destination.pk or not use_database_engine():
        return post(
            tenant=tenant,
            kind=kind,
            idempotency_key=idempotency_key,
            lines=lines,
            actor=actor,
            memo=memo,
            reference=reference,
        )
    per_account = _checked_totals(lines, tenant)
    entry = _unsaved_entry(tenant, kind, idempotency_key, actor, memo, reference)
    arguments = [
        entry.public_id,
        tenant.pk,
        kind,
        idempotency_key,
        entry.actor_id,
        entry.memo,
        reference,
        source.pk,
        destination.pk,
        amount.amount,
        str(amount.currency),
    ]
    sql = "SELECT o_entry, o_replayed FROM payments_post_transfer(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    with scope(tenant=tenant):
        entry_id, replayed = _call_posting_function(sql, arguments, per_account)
        if replayed:
            return _replay(entry, lines)
    return _posted(entry, entry_id, lines)
