"""Background jobs of the payments app."""

from __future__ import annotations

import logging

import dramatiq
from dramatiq_crontab import cron

from payments.services.holds import release_expired_holds
from payments.services.tenant_billing_reminders import send_billing_reminders

logger = logging.getLogger(__name__)


@cron("*/5 * * * *")
@dramatiq.actor(max_retries=3)
def release_expired_holds_job() -> None:
    """Every five minutes: give back money held past its expiry."""
    logger.info("Released %s expired holds.", release_expired_holds())


@cron("0 6 * * *")
@dramatiq.actor(max_retries=3)
def tenant_billing_reminders_job() -> None:
    """Daily: remind tenant admins before their site's subscription ends; tell them when suspended."""
    logger.info("Queued %s tenant billing emails.", send_billing_reminders())
