"""The embedded worker and scheduler for the default, Redis-free setup (`make run`).

Messages live in memory: a restart loses queued ones. Production sets
DRAMATIQ_BROKER_URL and runs `rundramatiq` and `crontab` as their own processes.
"""

from __future__ import annotations

import importlib
import logging
import threading

import dramatiq
from django.apps import apps
from django.conf import settings

logger = logging.getLogger(__name__)
_started = threading.Event()


def load_task_modules() -> None:
    """Import every app's tasks module so actors and their schedules are registered."""
    for app in apps.get_app_configs():
        try:
            importlib.import_module(f"{app.name}.tasks")
        except ModuleNotFoundError as error:
            if error.name != f"{app.name}.tasks":
                raise


def start_embedded_worker() -> None:
    """Start a worker and the scheduler as daemon threads of this process, once."""
    if not settings.LYCEUM_EMBEDDED_WORKER or _started.is_set():
        return
    _started.set()
    load_task_modules()
    worker = dramatiq.Worker(dramatiq.get_broker(), worker_threads=2)
    worker.start()

    from dramatiq_crontab import scheduler

    threading.Thread(target=scheduler.start, name="lyceum-scheduler", daemon=True).start()
    logger.info("Embedded worker and scheduler started (in-memory queue).")
