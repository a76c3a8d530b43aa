"""Reads of the payments app shared by the API, the dashboard and the back office."""

from __future__ import annotations

from django.db.models import QuerySet

from marketplace.models import Tenant, User
from payments.models import Account, AccountKind, OwnerType, Payment, PaymentPurpose, Payout, Posting


def balances_of(user: User, tenant: Tenant) -> list[dict]:
    """One row per currency: spendable (wallet) and reserved (held) amounts."""
    accounts = Account.objects.filter(tenant=tenant, owner_type=OwnerType.USER, user=user)
    rows: dict[str, dict] = {}
    for account in accounts.filter(kind__in=[AccountKind.WALLET, AccountKind.HELD]):
        row = rows.setdefault(str(account.currency), {"currency": str(account.currency)})
        row["available" if account.kind == AccountKind.WALLET else "held"] = account.balance
    from djmoney.money import Money

    for currency, row in rows.items():
        row.setdefault("available", Money(0, currency))
        row.setdefault("held", Money(0, currency))
    return sorted(rows.values(), key=lambda row: row["currency"])


def wallet_history(user: User, tenant: Tenant) -> QuerySet[Posting]:
    """Postings on the user's wallets here, newest first, with their entries."""
    return (
        Posting.objects.filter(
            tenant=tenant,
            account__owner_type=OwnerType.USER,
            account__user=user,
            account__kind=AccountKind.WALLET,
        )
        .select_related("entry")
        .order_by("-entry__created_at", "-pk")
    )


def payments_of(user: User, tenant: Tenant) -> QuerySet[Payment]:
    """The user's wallet recharges (a site's subscription payments are on its billing page)."""
    return Payment.objects.filter(tenant=tenant, user=user, purpose=PaymentPurpose.WALLET_RECHARGE)


def payouts_of(user: User, tenant: Tenant) -> QuerySet[Payout]:
    return Payout.objects.filter(tenant=tenant, user=user)


def payout_queue(tenant: Tenant) -> QuerySet[Payout]:
    return Payout.objects.filter(tenant=tenant).select_related("user")
