"""Figures over time for the back office: the period grid every series shares, and the marketplace's series.

A series is a list of (period start, value) with one point per period of the window, zeros where
nothing happened, so charts and CSV files never have holes. Periods are UTC calendar days, ISO
weeks (starting on Monday) or calendar months; the first and last periods only count the days
inside the window.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from django.db.models import Count, DateField, Model, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.db.models.functions.datetime import TruncBase
from django_scopes import scope, scopes_disabled

from marketplace.models import Membership, Room, Tenant
from marketplace.roles import Role

Value = int | Decimal
Point = tuple[date, Value]


class Grouping(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


# The longest window per grouping, in days: a daily series of two years is already 731 points,
# about as many as a chart can show legibly and a request should compute.
MAX_SPAN_DAYS = {Grouping.DAY: 731, Grouping.WEEK: 3653, Grouping.MONTH: 3653}

_TRUNC = {Grouping.DAY: TruncDay, Grouping.WEEK: TruncWeek, Grouping.MONTH: TruncMonth}


def period_start(day: date, group: Grouping) -> date:
    if group == Grouping.WEEK:
        return day - timedelta(days=day.weekday())
    if group == Grouping.MONTH:
        return day.replace(day=1)
    return day


def next_period(start: date, group: Grouping) -> date:
    if group == Grouping.WEEK:
        return start + timedelta(days=7)
    if group == Grouping.MONTH:
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@dataclass(frozen=True)
class Window:
    """Which days (both ends included, UTC), how they are grouped, and whose figures.

    `tenant=None` means every tenant: only the platform owner's requests build such a window.
    """

    start: date
    end: date
    group: Grouping
    tenant: Tenant | None

    @property
    def since(self) -> datetime:
        return midnight(self.start)

    @property
    def until(self) -> datetime:
        """The first moment after the window."""
        return midnight(self.end + timedelta(days=1))

    def periods(self) -> list[date]:
        current, last = period_start(self.start, self.group), period_start(self.end, self.group)
        result = []
        while current <= last:
            result.append(current)
            current = next_period(current, self.group)
        return result

    def period_ends(self) -> list[tuple[date, datetime]]:
        """Each period with the moment it ends, cut at the window's end."""
        return [
            (period, min(midnight(next_period(period, self.group)), self.until)) for period in self.periods()
        ]

    def trunc(self, field: str) -> TruncBase:
        return _TRUNC[self.group](field, output_field=DateField(), tzinfo=UTC)

    @contextmanager
    def scoped(self) -> Iterator[None]:
        # Every tenant at once is the platform owner's named cross-tenant read; everyone else
        # reads inside their own tenant's scope, so a missing filter still cannot leak rows.
        if self.tenant is None:
            with scopes_disabled():
                yield
        else:
            with scope(tenant=self.tenant):
                yield

    def of_tenant(self, queryset: QuerySet, field: str = "tenant") -> QuerySet:
        return queryset if self.tenant is None else queryset.filter(**{field: self.tenant})

    def inside(self, queryset: QuerySet, field: str) -> QuerySet:
        """The window's tenant's rows whose `field` falls inside the window."""
        return self.of_tenant(queryset).filter(**{f"{field}__gte": self.since, f"{field}__lt": self.until})

    def zero_filled(self, totals: Mapping[date, Value], zero: Value = 0) -> list[Point]:
        return [(period, totals.get(period, zero)) for period in self.periods()]

    def counted(self, model: type[Model], field: str, condition: Q | None = None) -> list[Point]:
        """How many rows of the model (matching `condition`) per period of their `field`."""
        with self.scoped():
            # The queryset is made inside the scope: a scoped manager filters when it is called.
            rows = (
                self.inside(model.objects.filter(condition or Q()), field)
                .annotate(period=self.trunc(field))
                .values("period")
                .annotate(value=Count("pk"))
                .order_by()  # a model's default ordering would split the groups
            )
            totals = {row["period"]: row["value"] for row in rows}
        return self.zero_filled(totals)

    def summed(self, model: type[Model], field: str, value: str, condition: Q | None = None) -> list[Point]:
        """The sum of `value` per period of `field` (Decimal, zero where nothing happened)."""
        with self.scoped():
            rows = (
                self.inside(model.objects.filter(condition or Q()), field)
                .annotate(period=self.trunc(field))
                .values("period")
                .annotate(value=Sum(value))
                .order_by()
            )
            totals = {row["period"]: Decimal(row["value"] or 0) for row in rows}
        return self.zero_filled(totals, Decimal(0))


def distinct_counted(window: Window, *groups: Mapping[date, set[int]]) -> list[Point]:
    """How many different ids per period across several sources (a person counted once)."""
    merged: dict[date, set[int]] = {}
    for group in groups:
        for period, ids in group.items():
            merged.setdefault(period, set()).update(ids)
    return window.zero_filled({period: len(ids) for period, ids in merged.items()})


def sign_ups(window: Window) -> list[Point]:
    # Signing up on a site makes you its attendee, once; other roles are added to members later.
    return window.counted(Membership, "created_at", Q(role=Role.ATTENDEE))


def rooms_created(window: Window) -> list[Point]:
    return window.counted(Room, "created_at")


def tenants_for_figures() -> list[Tenant]:
    """Every tenant, for the platform owner's choice of whose figures to see."""
    return list(Tenant.objects.order_by("name"))
