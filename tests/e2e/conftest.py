"""Browser fixtures: Debian's Chromium driven by pytest-playwright against pytest-django's live_server,
and the BBB simulator as the meeting server."""

from __future__ import annotations

from pathlib import Path

import pytest

from marketplace.models import Tenant
from tests.conferencing import conftest as conferencing
from tests.conferencing.conftest import BBBSimulator
from tests.factories import TenantFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"

# The conferencing tests' simulator fixture: its process starts once and serves the e2e tests of the
# whole test session (of each xdist worker).
bbb_simulator = conferencing.bbb_simulator


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Relative page.goto() paths go to live_server.

    Also replaces pytest-playwright's own base_url fixture, an instance method of a plugin class that
    pytest 9.2 deprecates (a PytestRemovedIn10Warning, which `filterwarnings = error` turns into an error).
    """
    return live_server.url


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture
def live_tenant(live_server) -> Tenant:
    """The tenant whose Site answers at live_server's address (localhost:<its port>)."""
    return TenantFactory(name="Live Academy", slug="live", hostname="localhost", port=live_server.thread.port)


@pytest.fixture
def meeting_server(bbb_simulator: BBBSimulator, settings) -> BBBSimulator:
    """The BBB simulator, emptied (meetings, recordings, callbacks, faults, clock), as the platform's
    meeting server. live_server's threads run in this process, so they read the overridden settings too.
    """
    bbb_simulator.reset()
    settings.BBB_ENDPOINT = bbb_simulator.endpoint
    settings.BBB_SECRET = bbb_simulator.secret
    return bbb_simulator
