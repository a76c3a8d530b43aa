"""Background jobs of the marketplace app."""

from __future__ import annotations

import logging
from importlib import import_module

import dramatiq
from django.conf import settings
from dramatiq_crontab import cron

logger = logging.getLogger(__name__)


def remove_expired_sessions() -> int:
    """Delete expired login sessions; returns how many went (0 when the engine can't tell)."""
    engine = import_module(settings.SESSION_ENGINE)
    before = _count_sessions()
    engine.SessionStore.clear_expired()
    return max(before - _count_sessions(), 0) if before is not None else 0


@cron("17 * * * *")
@dramatiq.actor(max_retries=3)
def clear_expired_sessions() -> None:
    """Hourly, so the session table does not grow forever."""
    logger.info("Removed %s expired sessions.", remove_expired_sessions())


def _count_sessions() -> int | None:
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return None
    from django.contrib.sessions.models import Session

    return Session.objects.count()


@cron("7 * * * *")
@dramatiq.actor(max_retries=3)
def renew_plan_subscriptions() -> None:
    """Hourly: remind before renewals, then renew, downgrade, cancel or expire what is due."""
    from marketplace.services.plans import renew_due_subscriptions, send_renewal_reminders

    reminded = send_renewal_reminders()
    outcomes = renew_due_subscriptions()
    logger.info("Plan renewals: %s reminders sent, outcomes %s.", reminded, outcomes)


@cron("37 * * * *")
@dramatiq.actor(max_retries=3)
def renew_room_subscriptions() -> None:
    """Hourly: reject registrations the host left unanswered, remind, then renew monthly rooms."""
    from marketplace.services.room_subscriptions import (
        reject_unanswered,
        renew_room_subscriptions,
        send_room_subscription_reminders,
    )

    rejected = reject_unanswered()
    reminded = send_room_subscription_reminders()
    outcomes = renew_room_subscriptions()
    logger.info("Room subscriptions: %s unanswered rejected, %s reminded, %s.", rejected, reminded, outcomes)


@cron("43 * * * *")
@dramatiq.actor(max_retries=3)
def purge_import_jobs() -> None:
    """Hourly: fail the jobs a worker gave up on; delete jobs (and the files, which hold people's
    data) once IMPORT_JOB_KEEP_DAYS have passed."""
    from marketplace.services.imports import purge_old_jobs

    logger.info("Removed %s old import jobs.", purge_old_jobs())


# Actors defined outside this module, imported so workers register them.
from marketplace import notifications  # noqa: E402, F401

# Imports from the back office: a check of every row (a dry run), then the confirmed import. A job
# that fails is not retried (an hour-long import would run again and again): the hourly purge
# marks one its worker gave up on as failed, and the admin uploads the file again.


@dramatiq.actor(max_retries=0, time_limit=settings.IMPORT_TIME_LIMIT_MS)
def preview_import(tenant_id: int, job_id: int) -> None:
    """Check an uploaded file row by row without keeping any change (safe to run again)."""
    from marketplace.services.imports import run_preview

    run_preview(tenant_id, job_id)


@dramatiq.actor(max_retries=0, time_limit=settings.IMPORT_TIME_LIMIT_MS)
def run_import(tenant_id: int, job_id: int) -> None:
    """Import a checked file in one transaction; a second delivery finds it done and stops."""
    from marketplace.services.imports import run_import as import_rows

    import_rows(tenant_id, job_id)
