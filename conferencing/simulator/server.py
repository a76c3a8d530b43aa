"""Serving the WSGI app with the standard library: one thread per request, plus a clock ticker."""

from __future__ import annotations

import logging
import socket
import threading
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from conferencing.simulator.app import SimulatorApp

log = logging.getLogger(__name__)
TICK_SECONDS = 1.0


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    # A hung request (fault "hang") must never keep the process alive at shutdown.
    daemon_threads = True
    allow_reuse_address = True


class ThreadingWSGIServer6(ThreadingWSGIServer):
    address_family = socket.AF_INET6


class QuietHandler(WSGIRequestHandler):
    """Access lines go to logging (debug) instead of stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.client_address[0], format % args)


class Ticker(threading.Thread):
    """Ends meetings whose duration (or expiry) has passed even when no request comes in."""

    def __init__(self, app: SimulatorApp) -> None:
        super().__init__(name="bbb-simulator-clock", daemon=True)
        self.app = app
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(TICK_SECONDS):
            try:
                self.app.sim.tick()
            except Exception:
                log.exception("Clock tick failed")


def make_server(host: str, port: int, app: SimulatorApp) -> ThreadingWSGIServer:
    server_class = ThreadingWSGIServer6 if ":" in host else ThreadingWSGIServer
    server = server_class((host, port), QuietHandler)
    server.set_app(app)
    return server


class Running:
    """A started simulator: its server thread, ticker and callback sender, stopped together."""

    def __init__(self, server: ThreadingWSGIServer, app: SimulatorApp) -> None:
        self.server = server
        self.app = app
        self.ticker = Ticker(app)
        self.thread = threading.Thread(target=server.serve_forever, name="bbb-simulator-http", daemon=True)

    def start(self) -> Running:
        self.app.dispatcher.start()
        self.ticker.start()
        self.thread.start()
        return self

    def stop(self) -> None:
        self.app.faults.recover()  # release requests held by a "hang" fault
        self.server.shutdown()
        self.server.server_close()
        self.ticker.stopped.set()
        self.app.dispatcher.stop()
