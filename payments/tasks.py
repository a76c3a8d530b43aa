"""Background jobs of the payments app."""

from __future__ import annotations

import logging

import dramatiq
from dramatiq_crontab import cron

from payments.services.holds import release_expired_holds

logger = logging.getLogger(__name__)


@cron("*/5 * * * *")
@dramatiq.actor(max_retries=3)
def release_expired_holds_job() -> None:
    """Every five minutes: give back money held past its expiry."""
    logger.info("Released %s expired holds.", release_expired_holds())
