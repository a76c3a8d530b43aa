"""Conferencing fixtures: a host with rooms, the BBB simulator as a real process, a callback receiver."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from conferencing.bbb.checksum import checksum
from tests.conftest import free_port
from tests.marketplace.registration_fixtures import host, make_room, pro_plan  # noqa: F401
from tests.processes import start_logged

# At least 64 bytes: receivers verify the analytics JWT (HS512) without PyJWT's short-key warning.
SIMULATOR_SECRET = "lyceum-test-simulator-secret-" + "0123456789abcdef" * 3
START_DEADLINE = 20  # seconds
STOP_DEADLINE = 10
TIMEOUT = 10


def token_of(client_url: str) -> str:
    """The session token in a client URL (the join redirect's target)."""
    return parse_qs(urlsplit(client_url).query)["sessionToken"][0]


def join_errors(response: httpx.Response) -> list[dict[str, str]]:
    """The errors bbb-web adds to the URL it redirects a refused join to."""
    assert response.status_code == 302, response.text
    return json.loads(parse_qs(urlsplit(response.headers["location"]).query)["errors"][0])


@dataclass
class BBBSimulator:
    """A running simulator process: its URLs, secret, signed API URLs and the /_sim/ controls."""

    process: subprocess.Popen
    base_url: str
    secret: str
    log: Path

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/bigbluebutton/api/"

    def api_url(self, call: str, params: dict[str, Any] | None = None, algorithm: str = "sha256") -> str:
        query = urlencode({k: v for k, v in (params or {}).items() if v is not None})
        signature = checksum(call, query, self.secret, algorithm)
        return f"{self.endpoint}{call}?{query}{'&' if query else ''}checksum={signature}"

    def call(self, api_call: str, /, algorithm: str = "sha256", **params: object) -> httpx.Response:
        """A signed API request (redirects not followed)."""
        url = self.api_url(api_call, {k: str(v) for k, v in params.items()}, algorithm)
        return httpx.get(url, timeout=TIMEOUT)

    def api(self, api_call: str, /, **params: object) -> ET.Element:
        """A signed API call's XML answer."""
        response = self.call(api_call, **params)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/xml")
        return ET.fromstring(response.content)

    def create(self, meeting_id: str = "room-1", **params: object) -> ET.Element:
        params.setdefault("name", "Algebra")
        root = self.api("create", meetingID=meeting_id, **params)
        assert root.findtext("returncode") == "SUCCESS", ET.tostring(root)
        return root

    def join_url(self, meeting_id: str, name: str, role: str = "VIEWER", **params: object) -> str:
        """The client URL a successful join redirects to."""
        response = self.call("join", meetingID=meeting_id, fullName=name, role=role, **params)
        assert response.status_code == 302, response.text
        return response.headers["location"]

    def enter(self, meeting_id: str, name: str, role: str = "VIEWER", **params: object) -> str:
        """Join and open the meeting page as a browser following the join URL does; returns the page."""
        page = httpx.get(self.join_url(meeting_id, name, role, **params), timeout=TIMEOUT)
        assert page.status_code == 200, page.text
        return page.text

    def running(self, meeting_id: str) -> bool:
        return self.api("isMeetingRunning", meetingID=meeting_id).findtext("running") == "true"

    def recorded_meeting(self, meeting_id: str, minutes: int = 2, **params: object) -> str:
        """Create a recorded meeting, have a moderator in it for `minutes`, end it; returns the record id."""
        root = self.create(meeting_id, record="true", **params)
        self.add_participants(meeting_id, fullName="Hannah", role="MODERATOR")
        self.advance(minutes * 60)
        self.api("end", meetingID=meeting_id)
        return root.findtext("internalMeetingID") or ""

    def meeting_state(self, meeting_id: str) -> dict[str, Any]:
        """The simulator's record of the meeting, whether still in memory or already forgotten."""
        state = self.state()
        return [m for m in state["endedMeetings"] + state["meetings"] if m["meeting_id"] == meeting_id][-1]

    def control(self, name: str, method: str = "POST", **arguments: Any) -> Any:
        url = f"{self.base_url}/_sim/{name}"
        if method == "GET":
            response = httpx.get(url, params=arguments, timeout=TIMEOUT)
        else:
            response = httpx.request(method, url, json=arguments, timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()

    def add_participants(self, meeting_id: str, **arguments: Any) -> list[dict[str, str]]:
        return self.control("participants", meetingID=meeting_id, **arguments)

    def advance(self, seconds: float) -> int:
        return self.control("clock", seconds=seconds)["now"]

    def reset(self) -> None:
        self.control("reset")

    def fail(self, mode: str = "error", calls: list[str] | None = None, count: int | None = None) -> None:
        self.control("fault", mode=mode, calls=calls or [], count=count)

    def recover(self) -> None:
        self.control("recover")

    def state(self) -> dict[str, Any]:
        return self.control("state", method="GET")


@contextmanager
def running_simulator(log: Path, *extra_args: str) -> Iterator[BBBSimulator]:
    """Start `python -m conferencing.simulator` on a free loopback port and wait until it answers."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "conferencing.simulator",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--secret",
        SIMULATOR_SECRET,
        "--callback-backoff",
        "0.1",
        *extra_args,
    ]
    process = start_logged(command, env={**os.environ, "PYTHONUNBUFFERED": "1"}, log=log)
    simulator = BBBSimulator(process, f"http://127.0.0.1:{port}", SIMULATOR_SECRET, log)
    try:
        deadline = time.monotonic() + START_DEADLINE
        while True:
            if process.poll() is not None:
                pytest.fail(f"The BBB simulator exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(simulator.endpoint, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"The BBB simulator did not answer within {START_DEADLINE}s:\n{log.read_text()}")
            time.sleep(0.1)
        yield simulator
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_DEADLINE)


@pytest.fixture(scope="session")
def bbb_simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BBBSimulator]:
    """One simulator per test session (so one per xdist worker)."""
    log = tmp_path_factory.mktemp("bbb-simulator") / "simulator.log"
    with running_simulator(log) as simulator:
        yield simulator


@pytest.fixture
def bbb(bbb_simulator: BBBSimulator) -> BBBSimulator:
    """The session's simulator with nothing in it: no meetings, recordings, faults or clock offset."""
    bbb_simulator.reset()
    return bbb_simulator


@dataclass
class ReceivedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode())

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class CallbackReceiver:
    """A local HTTP server that records every request; `status` is what it answers."""

    server: ThreadingHTTPServer
    requests: list[ReceivedRequest] = field(default_factory=list)
    status: int = 200
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def received(self, path: str) -> list[ReceivedRequest]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def wait_for(self, path: str, count: int = 1, timeout: float = 10) -> list[ReceivedRequest]:
        deadline = time.monotonic() + timeout
        while len(found := self.received(path)) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"Expected {count} request(s) to {path}, got {len(found)}: {self.requests}")
            time.sleep(0.05)
        return found


def _recording_handler(receiver: Callable[[], CallbackReceiver]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            request = ReceivedRequest(
                self.command, parts.path, parse_qs(parts.query), dict(self.headers), self.rfile.read(length)
            )
            target = receiver()
            with target.lock:
                target.requests.append(request)
            self.send_response(target.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = _record

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test inspects the recorded requests instead."""

    return Handler


@pytest.fixture
def callback_receiver() -> Iterator[CallbackReceiver]:
    holder: list[CallbackReceiver] = []
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _recording_handler(lambda: holder[0]))
    server.daemon_threads = True
    holder.append(CallbackReceiver(server))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield holder[0]
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
