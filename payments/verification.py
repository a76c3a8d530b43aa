"""Recompute every balance from postings and check every ledger invariant."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Sum
from django_scopes import scopes_disabled

from payments.models import Account, Entry, Hold, HoldStatus, Payout, PayoutStatus, Posting
from payments.models.ledger import AccountKind, OwnerType


def verify_ledger() -> list[str]:
    """Every violation found, as a sentence; an empty list means the ledger is sound."""
    problems: list[str] = []
    with scopes_disabled():
        sums = {
            row["account_id"]: row["total"]
            for row in Posting.objects.values("account_id").annotate(total=Sum("amount"))
        }
        for account in Account.objects.select_related("user", "tenant"):
            computed = sums.get(account.pk) or Decimal(0)
            if computed != account.balance.amount:
                problems.append(
                    f"{account} ({account.tenant.slug}): balance {account.balance.amount}, "
                    f"postings say {computed}."
                )
            if account.balance.amount < 0 and not account.allow_negative:
                problems.append(f"{account} ({account.tenant.slug}) is negative: {account.balance}.")

        mismatched = Posting.objects.exclude(currency=F("account__currency")).count()
        if mismatched:
            problems.append(f"{mismatched} postings differ in currency from their account.")
        cross_tenant = Posting.objects.exclude(tenant_id=F("entry__tenant_id")).count()
        cross_tenant += Posting.objects.exclude(tenant_id=F("account__tenant_id")).count()
        if cross_tenant:
            problems.append(f"{cross_tenant} postings cross tenants.")

        unbalanced = (
            Posting.objects.values("entry_id", "currency").annotate(total=Sum("amount")).exclude(total=0)
        )
        for row in unbalanced[:50]:
            problems.append(
                f"Entry #{row['entry_id']} does not balance in {row['currency']}: {row['total']}."
            )
        empty = Entry.objects.annotate(n=Count("postings")).filter(n=0).count()
        if empty:
            problems.append(f"{empty} entries have no postings.")

        problems += _holds_consistent()
        problems += _payouts_consistent()
    return problems


def _holds_consistent() -> list[str]:
    problems = []
    open_by_account: dict[int, Decimal] = defaultdict(Decimal)
    for hold in Hold.objects.all():
        remaining = hold.remaining.amount
        if remaining < 0:
            problems.append(f"Hold {hold.public_id} settled and released more than it held.")
        if hold.status == HoldStatus.ACTIVE:
            open_by_account[hold.held_account_id] += remaining
        elif remaining != 0:
            problems.append(f"Hold {hold.public_id} is {hold.status} but still holds {remaining}.")
    for account in Account.objects.filter(kind=AccountKind.HELD):
        if account.balance.amount != open_by_account.get(account.pk, Decimal(0)):
            problems.append(
                f"Held account {account.pk} holds {account.balance.amount}, active holds say "
                f"{open_by_account.get(account.pk, Decimal(0))}."
            )
    return problems


def _payouts_consistent() -> list[str]:
    problems = []
    waiting = (
        Payout.objects.filter(status__in=[PayoutStatus.REQUESTED, PayoutStatus.APPROVED])
        .values("tenant_id", "currency")
        .annotate(total=Sum("amount"))
    )
    expected = {(row["tenant_id"], row["currency"]): row["total"] for row in waiting}
    payable = Account.objects.filter(owner_type=OwnerType.PLATFORM, kind=AccountKind.PAYOUTS_PAYABLE)
    for account in payable:
        want = expected.pop((account.tenant_id, str(account.currency)), Decimal(0))
        if account.balance.amount != want:
            problems.append(
                f"Payouts payable ({account.tenant_id}, {account.currency}) is {account.balance.amount}, "
                f"open payouts add up to {want}."
            )
    for (tenant_id, currency), total in expected.items():
        if total:
            problems.append(
                f"Open payouts of {total} {currency} on tenant {tenant_id} have no payable account."
            )
    return problems


__all__ = ["verify_ledger"]
