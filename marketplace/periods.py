"""Billing periods: calendar months and years, clamped to the month's last day."""

from __future__ import annotations

import calendar
from datetime import datetime

from marketplace.models import BillingPeriod


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def period_end(start: datetime, period: str) -> datetime | None:
    """When a period that starts at `start` ends; None for one-time purchases."""
    if period == BillingPeriod.MONTHLY:
        return add_months(start, 1)
    if period == BillingPeriod.YEARLY:
        return add_months(start, 12)
    return None
