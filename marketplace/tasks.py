"""Background jobs of the marketplace app."""

from __future__ import annotations

import logging
from importlib import import_module

import dramatiq
from django.conf import settings
from dramatiq_crontab import cron

logger = logging.getLogger(__name__)


@cron("17 * * * *")
@dramatiq.actor(max_retries=3)
def clear_expired_sessions() -> int:
    """Delete expired login sessions so the session table does not grow forever."""
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    before = _count_sessions()
    store.clear_expired()
    removed = max(before - _count_sessions(), 0) if before is not None else 0
    logger.info("Removed %s expired sessions.", removed)
    return removed


def _count_sessions() -> int | None:
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return None
    from django.contrib.sessions.models import Session

    return Session.objects.count()
