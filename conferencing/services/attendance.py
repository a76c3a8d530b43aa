"""Attendance rows: opened by our join grants, kept current by polling, settled by BBB's analytics.

Time in the meeting adds up over every stay (people drop and rejoin). While someone is in,
`present_since` marks when the current stay began; leaving adds that stay to `duration_seconds`.
BBB's analytics callback, when it arrives after the meeting, replaces our estimates with its own
figures (durations, talk time, chats, poll votes): applying it twice gives the same result.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from conferencing.models import Attendance, JoinGrant, Session


def _seconds(since: datetime, until: datetime) -> int:
    return max(int((until - since).total_seconds()), 0)


def record_join(grant: JoinGrant, now: datetime) -> Attendance:
    with scope(tenant=grant.tenant), transaction.atomic():
        row, created = Attendance.objects.select_for_update().get_or_create(
            session=grant.session,
            bbb_user_id=grant.bbb_user_id,
            defaults={
                "tenant": grant.tenant,
                "user": grant.user,
                "full_name": grant.full_name,
                "role": grant.role,
                "guest": grant.guest,
                "joined_at": now,
                "present_since": now,
            },
        )
        if not created and row.present_since is None and not row.from_analytics:
            row.present_since, row.left_at = now, None
            row.save(update_fields=["present_since", "left_at"])
    return row


def mark_left(row: Attendance, now: datetime) -> None:
    if row.present_since is None:
        return
    row.duration_seconds += _seconds(row.present_since, now)
    row.present_since, row.left_at = None, now
    row.save(update_fields=["duration_seconds", "present_since", "left_at"])


def close_open_attendance(session: Session, now: datetime) -> None:
    with scope(tenant=session.tenant):
        for row in Attendance.objects.select_for_update().filter(
            session=session, present_since__isnull=False
        ):
            mark_left(row, now)


def sync_presence(
    session: Session, present_user_ids: set[str], names: dict[str, tuple[str, str]], now=None
) -> None:
    """Bring rows in line with who BBB says is in the meeting right now (from getMeetingInfo)."""
    now = now or timezone.now()
    with scope(tenant=session.tenant), transaction.atomic():
        rows = {r.bbb_user_id: r for r in Attendance.objects.select_for_update().filter(session=session)}
        for user_id in present_user_ids:
            row = rows.get(user_id)
            if row is None:
                # Someone BBB knows but we never granted (e.g. a dial-in): record them by name.
                full_name, role = names.get(user_id, (user_id, "VIEWER"))
                Attendance.objects.create(
                    tenant=session.tenant,
                    session=session,
                    bbb_user_id=user_id,
                    full_name=full_name[:120],
                    role=role,
                    joined_at=now,
                    present_since=now,
                )
            elif row.present_since is None and not row.from_analytics:
                row.present_since, row.left_at = now, None
                row.save(update_fields=["present_since", "left_at"])
        for user_id, row in rows.items():
            if user_id not in present_user_ids:
                mark_left(row, now)
        peak = len(present_user_ids)
        if peak > session.participants_peak:
            Session.objects.filter(pk=session.pk, participants_peak__lt=peak).update(participants_peak=peak)


def _timestamp(value: str) -> datetime | None:
    """BBB's analytics timestamps look like "2023-08-07 14:06:17 -0300"."""
    for pattern in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"):
        try:
            return datetime.strptime(str(value), pattern)
        except ValueError:
            continue
    return None


def _peak(stays: list[tuple[list[datetime], list[datetime]]]) -> int:
    """Most people in at once, from each person's joins and leaves (a join without its leave lasts)."""
    changes = []
    for joins, leaves in stays:
        changes += [(at, 1) for at in joins] + [(at, -1) for at in leaves[: len(joins)]]
    present = peak = 0
    for _, change in sorted(changes):  # at the same second, a leave (-1) counts before a join
        present += change
        peak = max(peak, present)
    return peak


def apply_analytics(session: Session, data: dict) -> int:
    """Settle attendance from the analytics payload's `data`; returns how many people it covered.

    The peak is raised to what the report shows: polling, which also keeps it, may have missed a
    short meeting entirely.
    """
    applied = 0
    stays: list[tuple[list[datetime], list[datetime]]] = []
    with scope(tenant=session.tenant), transaction.atomic():
        for attendee in data.get("attendees") or []:
            user_id = str(attendee.get("ext_user_id") or "")
            if not user_id:
                continue
            joins = [t for t in map(_timestamp, attendee.get("joins") or []) if t]
            leaves = [t for t in map(_timestamp, attendee.get("leaves") or []) if t]
            stays.append((joins, leaves))
            engagement = attendee.get("engagement") or {}
            row = Attendance.objects.select_for_update().filter(session=session, bbb_user_id=user_id).first()
            if row is None:
                row = Attendance(
                    tenant=session.tenant,
                    session=session,
                    bbb_user_id=user_id[:64],
                    full_name=str(attendee.get("name") or user_id)[:120],
                    role="MODERATOR" if attendee.get("moderator") else "VIEWER",
                    joined_at=min(joins) if joins else session.started_at,
                )
            if joins:
                row.joined_at = min(joins)
            if leaves:
                row.left_at = max(leaves)
            row.present_since = None
            row.duration_seconds = int(Decimal(str(attendee.get("duration") or 0)))
            row.talk_seconds = int(Decimal(str(engagement.get("talk_time") or 0)))
            row.chat_messages = int(engagement.get("chats") or 0)
            row.poll_votes = int(engagement.get("poll_votes") or 0)
            row.from_analytics = True
            row.save()
            applied += 1
        peak = _peak(stays)
        Session.objects.filter(pk=session.pk, participants_peak__lt=peak).update(participants_peak=peak)
    return applied
