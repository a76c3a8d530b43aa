"""The only code that writes postings and changes account balances.

`post()` validates that an entry balances per currency, locks every touched account with
SELECT ... FOR UPDATE in primary-key order (so concurrent entries cannot deadlock), checks
no balance goes below zero where that is not allowed, and writes the entry, its postings and
the new balances in one transaction. Re-posting an idempotency key returns the first entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
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

    with scope(tenant=tenant), transaction.atomic():
        locked = {account.pk: account for account in lock_accounts(per_account)}
        existing = Entry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if not _same_movement(existing, kind, lines):
                raise IdempotencyConflict("This idempotency key was already used for a different operation.")
            return existing

        new_balances: dict[int, Decimal] = {}
        for pk, delta in per_account.items():
            account = locked[pk]
            balance = account.balance.amount + delta
            if balance < 0 and not account.allow_negative:
                raise InsufficientFunds(
                    f"Insufficient funds: the balance is {account.balance}, "
                    f"{Money(-delta, account.currency)} is needed."
                )
            new_balances[pk] = balance

        try:
            with transaction.atomic():
                entry = Entry.objects.create(
                    tenant=tenant,
                    kind=kind,
                    idempotency_key=idempotency_key,
                    actor=actor,
                    memo=memo[:500],
                    reference=reference,
                )
        except IntegrityError:
            # The same key committed between our check and insert (possible only when its
            # entry touched other accounts, since ours are locked): answer with that entry.
            existing = Entry.objects.get(idempotency_key=idempotency_key)
            if not _same_movement(existing, kind, lines):
                raise IdempotencyConflict(
                    "This idempotency key was already used for a different operation."
                ) from None
            return existing

        Posting.objects.bulk_create(
            Posting(entry=entry, account=line.account, tenant=tenant, amount=line.amount) for line in lines
        )
        for pk, balance in new_balances.items():
            account = locked[pk]
            Account.objects.filter(pk=pk).update(balance=Money(balance, account.currency))
            account.balance = Money(balance, account.currency)
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
    return post(
        tenant=tenant,
        kind=kind,
        idempotency_key=idempotency_key,
        lines=[Line(source, -amount), Line(destination, amount)],
        actor=actor,
        memo=memo,
        reference=reference,
    )
