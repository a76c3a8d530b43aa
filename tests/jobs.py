"""Running queued dramatiq jobs inside the test (same thread, same database transaction)."""

from __future__ import annotations

import dramatiq
from django.db import connection


def run_on_commit_callbacks() -> None:
    """What would run when the test's transaction commits (it never does): queueing jobs, mostly."""
    pending = list(connection.run_on_commit)
    connection.run_on_commit.clear()
    for _savepoints, callback, _robust in pending:
        callback()


def run_queued_jobs() -> int:
    """Take every message off this worker's queues and run its actor; returns how many ran."""
    broker = dramatiq.get_broker()
    ran = 0
    progressed = True
    while progressed:
        progressed = False
        for queue in sorted(broker.get_declared_queues()):
            consumer = broker.consume(queue, prefetch=1, timeout=10)
            try:
                for message in consumer:
                    if message is None:
                        break
                    consumer.ack(message)
                    actor = broker.get_actor(message.actor_name)
                    actor.fn(*message.args, **message.kwargs)
                    ran += 1
                    progressed = True
            finally:
                consumer.close()
    return ran


def deliver() -> int:
    """Commit-time callbacks, then the jobs they queued, and so on until nothing is left (a job's
    own commit-time callbacks run as its commit would run them); returns how many jobs ran."""
    ran = 0
    while True:
        run_on_commit_callbacks()
        jobs = run_queued_jobs()
        if not jobs and not connection.run_on_commit:
            return ran
        ran += jobs
