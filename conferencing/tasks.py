"""Background jobs of conferencing: polling running meetings, syncing recordings, server health."""

from __future__ import annotations

import logging

import dramatiq
from dramatiq_crontab import cron

logger = logging.getLogger(__name__)


@dramatiq.actor(max_retries=5, min_backoff=10_000)
def sync_room_recordings(room_id: int) -> None:
    from django_scopes import scopes_disabled

    from conferencing.services.recordings import sync_room
    from marketplace.models import Room

    with scopes_disabled():
        room = Room.objects.select_related("tenant", "owner").filter(pk=room_id).first()
    if room is not None:
        logger.info("Recordings of room %s: %s.", room.public_id, sync_room(room))


@cron("*/15 * * * *")
@dramatiq.actor(max_retries=1)
def sync_recordings() -> None:
    """Every quarter hour, in case a recording-ready callback never arrived."""
    from conferencing.services.recordings import sync_recent

    logger.info("Recordings synced for %s rooms.", sync_recent())


@cron("* * * * *")
@dramatiq.actor(max_retries=0, time_limit=50_000)
def poll_running_sessions() -> None:
    """Every minute: who is in each running meeting (attendance, peak), and which meetings ended."""
    from conferencing.services.polling import poll_all

    poll_all()


@cron("*/5 * * * *")
@dramatiq.actor(max_retries=0)
def check_servers() -> None:
    from conferencing.servers import check_all

    for report in check_all():
        (logger.info if report.ok else logger.error)("BBB %s: %s", report.endpoint, report.message)
