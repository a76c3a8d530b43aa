"""A job sent through the real Redis broker is run by a real `rundramatiq` worker process."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from dramatiq.brokers.redis import RedisBroker

from marketplace.tasks import clear_expired_sessions
from tests.processes import start_logged

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

JOB_DEADLINE = 60  # seconds: the worker imports Django and Wagtail before it consumes
STOP_DEADLINE = 30


def _broker_url_for(worker_id: str) -> str:
    """The suite's Redis, but a database of this xdist worker's own: workers never share queues."""
    url = os.environ.get("DRAMATIQ_BROKER_URL", "")
    if not url:
        pytest.fail(
            "DRAMATIQ_BROKER_URL is not set: this test needs a real Redis. "
            "Run it through bin/with-test-services (as `make test` does)."
        )
    index = 1 + (int(worker_id.removeprefix("gw")) if worker_id.startswith("gw") else 0)
    return urlunsplit(urlsplit(url)._replace(path=f"/{index}"))


def _test_database_url() -> str:
    db = connection.settings_dict
    assert db["ENGINE"] == "django.db.backends.postgresql", "the worker must share the test database"
    user, password, name = (quote(db[key], safe="") for key in ("USER", "PASSWORD", "NAME"))
    return f"postgres://{user}:{password}@{db['HOST']}:{db['PORT']}/{name}"


@pytest.fixture
def broker_url(worker_id):
    url = _broker_url_for(worker_id)
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text()


@pytest.fixture
def worker(broker_url, tmp_path):
    """`manage.py rundramatiq` on the test database and this worker's Redis database."""
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(),
        "DRAMATIQ_BROKER_URL": broker_url,
        "LYCEUM_TEST_OWN_QUEUE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    process = start_logged(
        [sys.executable, "manage.py", "rundramatiq", "--processes", "1", "--threads", "1"], env=env, log=log
    )
    try:
        yield Worker(process, log)
    finally:
        with contextlib.suppress(ProcessLookupError):  # leftovers of a failed test
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_DEADLINE)


def test_worker_runs_clear_expired_sessions_from_redis(broker_url, worker):
    hour = timedelta(hours=1)
    expired = Session.objects.create(session_key="e" * 32, session_data="", expire_date=timezone.now() - hour)
    live = Session.objects.create(session_key="l" * 32, session_data="", expire_date=timezone.now() + hour)

    broker = RedisBroker(url=broker_url)
    try:
        message = broker.enqueue(clear_expired_sessions.message())
    finally:
        broker.client.close()
    assert (message.actor_name, message.queue_name) == ("clear_expired_sessions", "default")

    deadline = time.monotonic() + JOB_DEADLINE
    while Session.objects.filter(pk=expired.pk).exists():
        if worker.process.poll() is not None:
            pytest.fail(f"The worker exited with {worker.process.returncode}:\n{worker.output()}")
        if time.monotonic() > deadline:
            pytest.fail(f"The job did not run within {JOB_DEADLINE}s:\n{worker.output()}")
        time.sleep(0.1)
    assert Session.objects.filter(pk=live.pk).exists()

    # The dramatiq main process (manage.py exec'd into it) relays SIGTERM to its worker processes.
    worker.process.send_signal(signal.SIGTERM)
    assert worker.process.wait(timeout=STOP_DEADLINE) == 0, worker.output()
    assert "marketplace.tasks: Removed 1 expired sessions." in worker.output()
    with pytest.raises(ProcessLookupError):  # its worker processes are gone too
        os.killpg(worker.process.pid, 0)
