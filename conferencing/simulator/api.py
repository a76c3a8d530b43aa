"""`/bigbluebutton/api/<call>`: checksum, fault switch, then the call itself.

Message keys and texts are bbb-web's (ApiController and the request validators of bbb-common-web).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from urllib.parse import quote, quote_plus

from conferencing.bbb.checksum import verify
from conferencing.simulator import xml
from conferencing.simulator.api_meetings import MEETING_CALLS
from conferencing.simulator.api_recordings import RECORDING_CALLS
from conferencing.simulator.faults import Faults
from conferencing.simulator.models import ApiError
from conferencing.simulator.state import Simulator
from conferencing.simulator.web import Request, Response

log = logging.getLogger(__name__)

Handler = Callable[[Simulator, Request], Response]
CALLS: dict[str, Handler] = {**MEETING_CALLS, **RECORDING_CALLS}
# join answers errors by redirecting the browser (ApiController.invalid with REDIRECT_RESPONSE).
REDIRECTING_CALLS = frozenset({"join"})


class DropConnection(ConnectionAbortedError):
    """Raised to close the connection without an answer (wsgiref drops aborted connections silently)."""


def strip_checksum(query: str) -> str:
    """The query string as signed: everything but the checksum parameter, in the order received."""
    return "&".join(p for p in query.split("&") if p and p != "checksum" and not p.startswith("checksum="))


def rebuilt_query(params: dict[str, str]) -> str:
    """bbb-web's fallback for a body-only POST: parameters sorted by name, encoded like Java's URLEncoder."""
    return "&".join(
        f"{key}={quote_plus(value, safe='*').replace('~', '%7E')}"
        for key, value in sorted(params.items())
        if key != "checksum"
    )


def checksum_ok(sim: Simulator, call: str, request: Request) -> bool:
    received = request.params.get("checksum", "")
    if not received:
        return False
    signed = strip_checksum(request.query_string)
    candidates = [signed]
    if not signed and request.form:
        candidates.append(rebuilt_query(request.form))
    return any(verify(call, q, sim.config.secret, received, sim.config.algorithms) for q in candidates)


def failure(call: str, request: Request, sim: Simulator, key: str, message: str) -> Response:
    if call in REDIRECTING_CALLS:
        return error_redirect(sim, request, [{"key": key, "message": message}])
    return Response.xml(xml.error(key, message))


def error_redirect(sim: Simulator, request: Request, errors: list[dict[str, str]]) -> Response:
    """BBB sends a refused join back to `redirectErrorUrl` (2.7+), else `logoutURL`, else its default
    logout URL, adding `errors=[{"key": ..., "message": ...}]`."""
    target = (
        request.params.get("redirectErrorUrl")
        or request.params.get("logoutURL")
        or sim.config.default_logout_url
    )
    encoded = quote(json.dumps(errors, separators=(",", ":")), safe=":,")
    separator = "&" if "?" in target else "?"
    return Response.redirect(f"{target}{separator}errors={encoded}")


def version(sim: Simulator) -> Response:
    config = sim.config
    return Response.xml(xml.version(config.api_version, config.bbb_version, config.base_url))


def handle(sim: Simulator, faults: Faults, call: str, request: Request) -> Response:
    handler = CALLS.get(call)
    if handler is None:
        return Response.xml(xml.error("unsupportedRequest", "This request is not supported."))
    fault = faults.take(call)
    if fault == "error":
        return Response.text("Internal Server Error", 500)
    if fault == "hang":
        faults.hang()
        return Response.text("Service Unavailable", 503)
    if fault == "drop":
        raise DropConnection(call)
    if not checksum_ok(sim, call, request):
        return failure(call, request, sim, "checksumError", "Checksums do not match")
    started = time.monotonic()
    try:
        response = handler(sim, request)
    except ApiError as exc:
        response = failure(call, request, sim, exc.key, exc.message)
    log.debug("%s answered %d in %.1f ms", call, response.status, (time.monotonic() - started) * 1000)
    return response
