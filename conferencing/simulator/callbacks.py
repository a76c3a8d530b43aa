"""Outgoing callbacks, sent from one background thread in the order BBB sends them.

When a meeting ends BBB calls, in this order:
- `meta_endCallbackUrl` with GET, adding `recordingmarks=true|false` and `meetingID=<external id>`
  (bbb-web MeetingService, URIBuilder.addParameter), then the `meetingEndedURL` create parameter as is;
- `meta_analytics-callback-url` with POST of the analytics JSON, `Authorization: Bearer <JWT>` where the
  JWT is HS512 over `{"exp": now + 24h}` signed with the shared secret (post_events_analytics_callback.rb),
  only when events were kept (`record=true` or `meetingKeepEvents=true`);
- `meta_bbb-recording-ready-url` (or `bn-`/`canvas-recording-ready-url`) with a form POST whose only field
  `signed_parameters` is a JWT HS256 over `{"meeting_id", "record_id"}`
  (post_publish/recording_ready_callback.rb).

A failed delivery (network error or 5xx) is retried with backoff; a 4xx answer is final, as for BBB.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import warnings
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
import jwt

from conferencing.simulator.analytics import analytics_payload
from conferencing.simulator.config import Config
from conferencing.simulator.models import Meeting, Recording
from conferencing.simulator.recordings import has_recording_marks

log = logging.getLogger(__name__)

LOG_LIMIT = 500
READY_URL_KEYS = ("bbb-recording-ready-url", "bn-recording-ready-url", "canvas-recording-ready-url")


@dataclass
class Callback:
    kind: str
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None
    json: Any = None
    epoch: int = 0


def add_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit(parts._replace(query=query))


def sign(payload: dict[str, Any], secret: str, algorithm: str) -> str:
    # BBB signs with whatever secret it has; PyJWT's key-length advice is for the receiving side.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
        return jwt.encode(payload, secret, algorithm=algorithm, headers={"typ": "JWT"})


def meeting_ended_callbacks(meeting: Meeting, recording: Recording | None, config: Config) -> list[Callback]:
    callbacks = []
    metadata = meeting.metadata
    end_url = metadata.get("endcallbackurl")
    if end_url:
        marks = has_recording_marks(meeting, config.strict_recording_marks)
        params = {"recordingmarks": "true" if marks else "false", "meetingID": meeting.meeting_id}
        callbacks.append(Callback("meeting-ended", "GET", add_query(end_url, params)))
    if meeting.meeting_ended_url:
        callbacks.append(Callback("meeting-ended-url", "GET", meeting.meeting_ended_url))
    analytics_url = metadata.get("analytics-callback-url")
    if analytics_url and (meeting.record or meeting.keep_events):
        token = sign({"exp": int(time.time()) + 24 * 3600}, config.secret, "HS512")
        headers = {"Authorization": f"Bearer {token}", "User-Agent": "BigBlueButton Analytics Callback"}
        callbacks.append(
            Callback("analytics", "POST", analytics_url, headers, json=analytics_payload(meeting))
        )
    ready_url = next((metadata[key] for key in READY_URL_KEYS if metadata.get(key)), None)
    if recording is not None and ready_url:
        token = sign(
            {"meeting_id": meeting.meeting_id, "record_id": recording.record_id}, config.secret, "HS256"
        )
        callbacks.append(Callback("recording-ready", "POST", ready_url, form={"signed_parameters": token}))
    return callbacks


class CallbackDispatcher:
    def __init__(self, config: Config) -> None:
        self.config = config
        self._queue: queue.Queue[Callback | None] = queue.Queue()
        self._lock = threading.Lock()
        self._log: list[dict[str, Any]] = []
        # A reset bumps the epoch: callbacks of the forgotten meetings are dropped, not retried.
        self._epoch = 0
        self._thread = threading.Thread(target=self._run, name="bbb-simulator-callbacks", daemon=True)
        self._client = httpx.Client(timeout=config.callback_timeout_seconds, follow_redirects=False)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)
        self._client.close()

    def meeting_ended(self, meeting: Meeting, recording: Recording | None) -> None:
        for callback in meeting_ended_callbacks(meeting, recording, self.config):
            callback.epoch = self._epoch
            self._queue.put(callback)

    def history(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._log)

    def clear(self) -> None:
        """Forget the log and drop what is still waiting to be sent."""
        with self._lock:
            self._epoch += 1
            self._log.clear()

    def _run(self) -> None:
        while (callback := self._queue.get()) is not None:
            try:
                self._deliver(callback)
            except Exception:
                log.exception("Callback %s to %s crashed", callback.kind, callback.url)

    def _deliver(self, callback: Callback) -> None:
        entry: dict[str, Any] = {
            "kind": callback.kind,
            "method": callback.method,
            "url": callback.url,
            "attempts": 0,
            "status": None,
            "error": None,
            "delivered": False,
        }
        for attempt in range(1, self.config.callback_attempts + 1):
            if callback.epoch != self._epoch:
                return
            entry["attempts"] = attempt
            try:
                response = self._client.request(
                    callback.method,
                    callback.url,
                    headers=callback.headers,
                    data=callback.form,
                    json=callback.json,
                )
            except httpx.HTTPError as exc:
                entry["error"] = f"{type(exc).__name__}: {exc}"
                log.warning(
                    "Callback %s to %s failed (attempt %d): %s", callback.kind, callback.url, attempt, exc
                )
            else:
                entry["status"], entry["error"] = response.status_code, None
                if response.is_success:
                    entry["delivered"] = True
                    break
                log.warning(
                    "Callback %s to %s answered %d (attempt %d)",
                    callback.kind,
                    callback.url,
                    response.status_code,
                    attempt,
                )
                if response.status_code < 500:
                    break
            if attempt < self.config.callback_attempts:
                time.sleep(self.config.callback_backoff_seconds * 2 ** (attempt - 1))
        with self._lock:
            if callback.epoch == self._epoch:
                self._log.append(entry)
                del self._log[:-LOG_LIMIT]
