"""The WSGI application: routes requests to the API, the browser pages and the control endpoints."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from conferencing.simulator import api, pages
from conferencing.simulator.callbacks import CallbackDispatcher
from conferencing.simulator.config import Config
from conferencing.simulator.control import Control
from conferencing.simulator.faults import Faults
from conferencing.simulator.state import Simulator
from conferencing.simulator.web import HttpError, Request, Response

log = logging.getLogger(__name__)

API_PREFIX = "/bigbluebutton/api"
PLAYBACK = re.compile(r"^/playback/presentation/2\.3/([\w.-]+)/?$")
VIDEO = re.compile(r"^/presentation/([\w.-]+)/video/video\.mp4$")
PAGES = {
    "/html5client/join": pages.meeting_page,
    "/html5client/guestWait": pages.guest_wait_page,
    "/html5client/leave": pages.leave,
    "/html5client/end": pages.end,
    "/html5client/admit": pages.admit,
    "/": pages.index,
}


class SimulatorApp:
    """Holds one simulator's state, fault switch and callback sender; callable as a WSGI app."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.sim = Simulator(config)
        self.faults = Faults(config.max_hang_seconds)
        self.dispatcher = CallbackDispatcher(config)
        self.sim.on_meeting_ended(self.dispatcher.meeting_ended)
        self.control = Control(self.sim, self.faults, self.dispatcher)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        try:
            request = Request(environ)
            response = self.route(request)
        except HttpError as exc:
            response = Response.text(exc.message, exc.status)
        except api.DropConnection:
            raise  # wsgiref closes the connection without writing anything
        except Exception:
            log.exception(
                "Unhandled error for %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")
            )
            response = Response.text("Internal Server Error", 500)
        return response.wsgi(start_response)

    def route(self, request: Request) -> Response:
        path = request.path
        # Expiry is also checked by a timer thread; checking here keeps answers exact between ticks.
        self.sim.tick()
        if path.startswith("/_sim/"):
            return self.control.handle(request, path[len("/_sim/") :].strip("/"))
        if path in (API_PREFIX, f"{API_PREFIX}/"):
            return api.version(self.sim)
        if path.startswith(f"{API_PREFIX}/"):
            if request.method not in ("GET", "POST"):
                return Response.text("Method Not Allowed", 405)
            return api.handle(self.sim, self.faults, path[len(API_PREFIX) + 1 :], request)
        page = PAGES.get(path)
        if page is not None:
            return page(self.sim, request)
        if match := PLAYBACK.match(path):
            return pages.playback(self.sim, match.group(1))
        if match := VIDEO.match(path):
            return pages.video(self.sim, match.group(1))
        return Response.text("Not Found", 404)
