"""A real local Stripe double (localstripe) per test process, and helpers to drive it.

One localstripe per pytest(-xdist) worker on a free loopback port, state in the worker's temporary
directory. Every test starts from empty data, with localstripe's webhooks pointed at the live
server's Stripe endpoint and signed with the test webhook secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import stripe
from django.urls import reverse
from django_scopes import scopes_disabled

from payments.gateways.registry import reset_gateway_cache
from payments.models import WebhookEvent
from tests.conftest import free_port
from tests.factories import TenantFactory, make_member

SECRET_KEY = "sk_test_lyceum"
PUBLISHABLE_KEY = "pk_test_lyceum"
WEBHOOK_SECRET = "whsec_lyceum_test_0123456789abcdef"
WEBHOOK_NAME = "lyceum"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0
SEND_DELAY = 2.2


def wait_for(condition: Callable[[], Any], *, timeout: float = 15.0, what: str = "the condition") -> Any:
    """Poll `condition` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.")
        time.sleep(0.05)


def sign(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header as Stripe documents it: t=<ts>,v1=<HMAC-SHA256(secret, "<ts>.<payload>")>."""
    ts = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{ts}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


def event_body(event_type: str, obj: dict[str, Any]) -> str:
    """An event in Stripe's shape around a real object, for events localstripe never sends."""
    event = {
        "id": f"evt_lyceum_{uuid.uuid4().hex[:14]}",
        "object": "event",
        "api_version": stripe.api_version,
        "created": int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": obj},
    }
    return json.dumps(event, indent=2, sort_keys=True)


@dataclass
class LocalStripe:
    url: str
    process: subprocess.Popen
    log: Path

    def call(self, method: str, path: str, payload: dict | None = None) -> int:
        """Call localstripe's /_config endpoints (no key needed); answer the HTTP status."""
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/js.stripe.com/v3/", timeout=1) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def reset(self) -> None:
        assert self.call("DELETE", "/_config/data") == 200

    def send_webhooks_to(self, url: str, *, events: list[str] | None = None) -> None:
        """Deliver every event (or only `events`; [] for none) to `url`, signed with WEBHOOK_SECRET."""
        payload: dict[str, Any] = {"url": url, "secret": WEBHOOK_SECRET}
        if events is not None:
            payload["events"] = events
        assert self.call("POST", f"/_config/webhooks/{WEBHOOK_NAME}", payload) == 200

    def settle(self) -> None:
        """Wait until localstripe is past the moment it sends its latest events.

        It sends each event a second after making it, to the webhooks registered *then*: an event
        of one test must not reach the next test's endpoint once that test registers its own.
        """
        recent = self.client().v1.events.list(params={"created": {"gte": int(time.time()) - 3}, "limit": 100})
        with scopes_disabled():
            delivered = set(
                WebhookEvent.objects.filter(
                    provider="stripe", event_id__in=[e.id for e in recent.data]
                ).values_list("event_id", flat=True)
            )
        pending = [event for event in recent.data if event.id not in delivered]
        if pending:
            # `created` is in whole seconds and the send follows a 1 s sleep: 2 s after it, it is done.
            send_by = max(event.created for event in pending) + SEND_DELAY
            wait_for(
                lambda: time.time() >= send_by, timeout=SEND_DELAY + 3, what="localstripe's pending events"
            )

    def client(self) -> stripe.StripeClient:
        """The SDK as the browser's Stripe.js would reach the double (with the test secret key)."""
        bases = {"api": self.url, "files": self.url, "connect": self.url}
        return stripe.StripeClient(SECRET_KEY, base_addresses=bases, max_network_retries=0)


def _start(state: Path, log: Path) -> LocalStripe:
    command = [sys.executable, "-m", "tests.payments.localstripe_server"]
    for _attempt in range(3):  # a free port can be taken between choosing and binding it
        port = free_port()
        with log.open("ab") as output:
            process = subprocess.Popen(
                [*command, "--port", str(port), "--state", str(state), "--from-scratch"],
                cwd=PROJECT_ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        server = LocalStripe(url=f"http://127.0.0.1:{port}", process=process, log=log)
        deadline = time.monotonic() + START_TIMEOUT
        while process.poll() is None and time.monotonic() < deadline:
            if server.answers():
                return server
            time.sleep(0.05)
        _stop(process)
    raise RuntimeError(f"localstripe did not start; see {log}:\n{log.read_text()[-2000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait(timeout=10)


@pytest.fixture(name="localstripe", scope="session")
def localstripe_fixture(tmp_path_factory) -> Iterator[LocalStripe]:
    """One localstripe per test process (so per xdist worker), on 127.0.0.1 and a free port."""
    directory = tmp_path_factory.mktemp("localstripe")
    server = _start(directory / "state.pickle", directory / "localstripe.log")
    yield server
    _stop(server.process)


@pytest.fixture(name="stripe_settings")
def stripe_settings_fixture(settings):
    """The Stripe gateway configured for the double; gateways rebuilt before and after."""

    def configure(api_base: str) -> None:
        settings.STRIPE_SECRET_KEY = SECRET_KEY
        settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = api_base
        reset_gateway_cache()

    yield configure
    reset_gateway_cache()


@pytest.fixture(name="webhook_url")
def webhook_url_fixture(live_server) -> str:
    return live_server.url + reverse("payments:webhook", args=["stripe"])


@pytest.fixture(name="stripe_double")
def stripe_double_fixture(localstripe, stripe_settings, webhook_url) -> Iterator[LocalStripe]:
    """Empty localstripe data, the gateway pointed at it, its webhooks sent to the live server."""
    localstripe.reset()
    stripe_settings(localstripe.url)
    localstripe.send_webhooks_to(webhook_url)
    yield localstripe
    # Events still waiting in localstripe must not reach the next test: send them nowhere.
    localstripe.send_webhooks_to(webhook_url, events=[])
    localstripe.settle()


@pytest.fixture(name="shop")
def shop_fixture(live_server):
    """A tenant served on the live server's address, where localstripe's webhooks arrive."""
    port = urlsplit(live_server.url).port
    return TenantFactory(name="Localhost Academy", slug="local", hostname="localhost", port=port)


@pytest.fixture(name="payer")
def payer_fixture(shop):
    return make_member(shop, handle="payer", email="payer@example.com")
