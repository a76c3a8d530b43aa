"""Fixtures of the search tests: a host on a plan with paid rooms, their rooms, and the index jobs."""

import dramatiq
import pytest

from tests.jobs import deliver
from tests.marketplace.registration_fixtures import host, make_room, pro_plan  # noqa: F401


@pytest.fixture
def index_jobs():
    """Call it to run what the test queued (the index updates, on commit); returns how many jobs ran."""
    dramatiq.get_broker().flush_all()  # jobs left by earlier tests whose data is gone
    return deliver
