"""Money figures over time, read from the ledger's postings (never from balances, which have no history).

Each money series is in one currency: postings in other currencies are left out, not converted.
Refunds are postings too, so revenue and commissions are net of what was given back.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from datetime import date

from django.db.models import Case, F, Q, When

from marketplace.stats import Point, Window
from payments.models import AccountKind, Entry, EntryKind, OwnerType, Payout, PayoutStatus, Posting
from payments.money import quantum


def _money(window: Window, condition: Q, currency: str) -> list[Point]:
    points = window.summed(Posting, "entry__created_at", "amount", condition & Q(currency=currency))
    step = quantum(currency)
    return [(period, value.quantize(step)) for period, value in points]


def revenue(window: Window, currency: str) -> list[Point]:
    """What the tenant earned: its own sales (plans) plus its commission on its members' sales."""
    return _money(
        window,
        Q(
            account__owner_type=OwnerType.TENANT,
            account__kind__in=[AccountKind.REVENUE, AccountKind.COMMISSION],
        ),
        currency,
    )


def tenant_commission(window: Window, currency: str) -> list[Point]:
    return _money(
        window, Q(account__owner_type=OwnerType.TENANT, account__kind=AccountKind.COMMISSION), currency
    )


def platform_commission(window: Window, currency: str) -> list[Point]:
    return _money(
        window, Q(account__owner_type=OwnerType.PLATFORM, account__kind=AccountKind.COMMISSION), currency
    )


def recharges(window: Window, currency: str) -> list[Point]:
    """Money people put into their wallets through a payment provider."""
    return _money(
        window,
        Q(
            entry__kind=EntryKind.RECHARGE,
            account__owner_type=OwnerType.USER,
            account__kind=AccountKind.WALLET,
        ),
        currency,
    )


def recharge_count(window: Window) -> list[Point]:
    """How many recharges, in any currency."""
    return window.counted(Entry, "created_at", Q(kind=EntryKind.RECHARGE))


def ledger_users(window: Window) -> dict[date, set[int]]:
    """Per period, the people whose own accounts moved (paid, were paid, recharged, withdrew)."""
    with window.scoped():
        pairs = (
            window.inside(Posting.objects.filter(account__user__isnull=False), "entry__created_at")
            .annotate(period=window.trunc("entry__created_at"))
            .values_list("period", "account__user_id")
            .order_by()
            .distinct()
        )
        result: dict[date, set[int]] = defaultdict(set)
        for period, user_id in pairs:
            result[period].add(user_id)
    return dict(result)


def payout_queue(window: Window) -> list[Point]:
    """Payouts waiting at the end of each period: requested, or approved and not yet paid."""
    # When a payout left the queue: rejected or canceled when decided, paid when paid.
    left_at = Case(
        When(status__in=[PayoutStatus.REJECTED, PayoutStatus.CANCELED], then=F("decided_at")),
        When(status=PayoutStatus.PAID, then=F("paid_at")),
        default=None,
    )
    with window.scoped():
        rows = list(
            window.of_tenant(Payout.objects.filter(created_at__lt=window.until))
            .annotate(left_at=left_at)
            .filter(Q(left_at__isnull=True) | Q(left_at__gte=window.since))
            .values_list("created_at", "left_at")
            .order_by()
        )
    # The queue at a moment is (payouts created before it) - (payouts that left before it):
    # two sorted lists and a binary search per period instead of a query per period.
    created = sorted(created_at for created_at, _ in rows)
    left = sorted(left_at for _, left_at in rows if left_at is not None)
    return [
        (period, bisect_left(created, end) - bisect_left(left, end)) for period, end in window.period_ends()
    ]
