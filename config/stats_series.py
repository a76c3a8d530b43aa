"""The catalogue of back-office series: name, label, unit and which selector computes it.

It lives at the project level because the series come from three apps (and "active users"
combines two of them); the API and the admin home panel both read this one list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from conferencing import stats as conferencing_stats
from marketplace import stats as marketplace_stats
from marketplace.stats import Point, Window
from payments import stats as payments_stats


class Unit(StrEnum):
    MONEY = "money"
    COUNT = "count"
    MINUTES = "minutes"
    MEGABYTES = "megabytes"


@dataclass(frozen=True)
class Series:
    name: str
    label: str
    unit: Unit
    description: str
    # Money series take the currency; the others ignore it.
    compute: Callable[[Window, str], list[Point]]
    # A level (how many are waiting) reads better as a line; flows per period as bars.
    chart: str = "bars"
    # Whether the points add up to a total over the range: sums per period do; a level (the
    # queue) or distinct people (a person active in two weeks is one person) do not.
    additive: bool = True

    @property
    def is_money(self) -> bool:
        return self.unit == Unit.MONEY


def _plain(selector: Callable[[Window], list[Point]]) -> Callable[[Window, str], list[Point]]:
    return lambda window, currency: selector(window)


def _active_users(window: Window, currency: str) -> list[Point]:
    return marketplace_stats.distinct_counted(
        window, payments_stats.ledger_users(window), conferencing_stats.joined_users(window)
    )


CATALOGUE: tuple[Series, ...] = (
    Series(
        "revenue",
        "Revenue",
        Unit.MONEY,
        "The tenant's plan sales and its commission on sales, net of refunds.",
        payments_stats.revenue,
    ),
    Series(
        "tenant-commission",
        "Tenant commission",
        Unit.MONEY,
        "The tenant's share of its members' sales, net of refunds.",
        payments_stats.tenant_commission,
    ),
    Series(
        "platform-commission",
        "Platform commission",
        Unit.MONEY,
        "The platform's share of sales and plan purchases, net of refunds.",
        payments_stats.platform_commission,
    ),
    Series(
        "recharges",
        "Wallet recharges",
        Unit.MONEY,
        "Money paid into wallets through a payment provider.",
        payments_stats.recharges,
    ),
    Series(
        "recharge-count",
        "Number of recharges",
        Unit.COUNT,
        "Wallet recharges in any currency.",
        _plain(payments_stats.recharge_count),
    ),
    Series(
        "active-users",
        "Active users",
        Unit.COUNT,
        "People whose wallet moved or who were given a join link.",
        _active_users,
        additive=False,
    ),
    Series(
        "sign-ups",
        "Sign-ups",
        Unit.COUNT,
        "People who became members (attendees) of the site.",
        _plain(marketplace_stats.sign_ups),
    ),
    Series(
        "rooms-created", "Rooms created", Unit.COUNT, "New rooms.", _plain(marketplace_stats.rooms_created)
    ),
    Series("sessions", "Sessions", Unit.COUNT, "Meetings that started.", _plain(conferencing_stats.sessions)),
    Series(
        "participant-minutes",
        "Participant minutes",
        Unit.MINUTES,
        "Time everyone spent in meetings, by the day they joined.",
        _plain(conferencing_stats.participant_minutes),
    ),
    Series(
        "recording-storage",
        "Recording storage (MB)",
        Unit.MEGABYTES,
        "Size of the recordings made in the period that are still stored.",
        _plain(conferencing_stats.recording_storage),
    ),
    Series(
        "payout-queue",
        "Payout queue",
        Unit.COUNT,
        "Payouts requested or approved and not yet paid, at the end of each period.",
        _plain(payments_stats.payout_queue),
        chart="line",
        additive=False,
    ),
)

SERIES: dict[str, Series] = {series.name: series for series in CATALOGUE}


def point_value(series: Series, value: int | Decimal) -> int | str:
    """Counts as numbers; money, minutes and megabytes as exact decimal strings, never floats."""
    return int(value) if series.unit == Unit.COUNT else str(value)
