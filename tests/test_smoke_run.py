"""`make run` works: bin/dev-server migrates SQLite, seeds the demo, serves, and stops on Ctrl-C."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.processes import REPO, start_logged

START_DEADLINE = 120  # seconds: migrations on SQLite alone take about ten
STOP_DEADLINE = 30
PAGES = ["/", "/api/schema/", "/accounts/login/", "/cms/login/"]


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": f"localhost:{port}"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def dev_server(tmp_path):
    """bin/dev-server as `make run` starts it, in its own process group; yields (process, port, log)."""
    port = free_port()
    log = tmp_path / "dev-server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRAMATIQ_", "DJANGO_"))}
    env.pop("REDIS_URL", None)
    env.update(
        PYTHON=str(Path(sys.executable)),
        PORT=str(port),
        DATABASE_URL=f"sqlite:///{tmp_path / 'smoke.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        RUNSERVER_FLAGS="--noreload",
        PYTHONUNBUFFERED="1",
    )
    # Ctrl-C must reach the script even when pytest itself was started with SIGINT ignored (a background
    # job of a non-interactive shell): a Python handler, unlike SIG_IGN, is reset to the default by exec.
    previous_handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = start_logged([str(REPO / "bin" / "dev-server")], env=env, log=log)
    finally:
        signal.signal(signal.SIGINT, previous_handler)
    try:
        yield process, port, log
    finally:
        if _group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_DEADLINE)


def _wait_until_serving(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"bin/dev-server exited with {process.returncode}:\n{log.read_text()}")
        try:
            _get(port, "/")
        except OSError:
            time.sleep(0.25)
        else:
            return
    pytest.fail(f"bin/dev-server did not answer on port {port} within {START_DEADLINE}s:\n{log.read_text()}")


def test_make_run_serves_the_demo_and_stops_on_ctrl_c(dev_server):
    process, port, log = dev_server
    _wait_until_serving(process, port, log)

    statuses = {path: _get(port, path) for path in PAGES}
    assert statuses == dict.fromkeys(PAGES, 200), log.read_text()

    output = log.read_text()
    assert "Demo logins (password for all: lyceum-demo):" in output
    assert "owner@lyceum.localhost" in output
    assert "Lyceum is starting" in output
    assert "Embedded worker and scheduler started" in output
    for path in ("/", "/dashboard/", "/cms/", "/api/docs/"):
        assert f"http://localhost:{port}{path}" in output

    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
    process.wait(timeout=STOP_DEADLINE)
    deadline = time.monotonic() + STOP_DEADLINE
    while (_group_alive(process.pid) or _listening(port)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _group_alive(process.pid), "a process of bin/dev-server outlived Ctrl-C"
    assert not _listening(port), f"something still listens on port {port} after Ctrl-C"
