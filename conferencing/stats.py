"""Conferencing figures over time: sessions, participant minutes, recording storage, who joined.

Streaming minutes are not among them: the platform has no streaming yet, so there is nothing to count.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Q

from conferencing.models import Attendance, JoinGrant, Recording, Session
from marketplace.stats import Point, Window

HUNDREDTHS = Decimal("0.01")
BYTES_PER_MB = Decimal(1_000_000)  # decimal megabytes, as storage providers bill them


def sessions(window: Window) -> list[Point]:
    """Meetings that started in each period."""
    return window.counted(Session, "started_at")


def participant_minutes(window: Window) -> list[Point]:
    """Minutes spent in meetings by everyone, counted in the period each person joined."""
    points = window.summed(Attendance, "joined_at", "duration_seconds")
    # Summing seconds first and dividing once keeps short stays from being rounded away.
    return [(period, (seconds / 60).quantize(HUNDREDTHS)) for period, seconds in points]


def recording_storage(window: Window) -> list[Point]:
    """Megabytes of the recordings made in each period that are still on the server."""
    points = window.summed(Recording, "started_at", "raw_size", Q(deleted_at__isnull=True))
    return [(period, (size / BYTES_PER_MB).quantize(HUNDREDTHS)) for period, size in points]


def joined_users(window: Window) -> dict[date, set[int]]:
    """Per period, the people we handed a join link (guests without an account are not people here)."""
    with window.scoped():
        pairs = (
            window.inside(JoinGrant.objects.filter(user__isnull=False), "created_at")
            .annotate(period=window.trunc("created_at"))
            .values_list("period", "user_id")
            .order_by()
            .distinct()
        )
        result: dict[date, set[int]] = defaultdict(set)
        for period, user_id in pairs:
            result[period].add(user_id)
    return dict(result)
