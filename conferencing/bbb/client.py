"""A small synchronous client for the BigBlueButton API (BBB or Scalelite: same calls, same XML).

Every call is a signed GET (create with slides is a signed POST); answers are parsed by `xml`.
Connection failures are retried a few times with a short backoff because the request never left
this machine; other failures are retried only for calls that are safe to repeat.
"""

from __future__ import annotations

import logging
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Self, TypeVar

import httpx

from . import params as p
from . import xml as bbbxml
from .checksum import ALGORITHMS, DEFAULT_ALGORITHM, checksum
from .errors import BBBUnavailable
from .types import CreateParams, CreateResult, Meeting, RecordingsPage, Role, check_meta_keys

logger = logging.getLogger("conferencing.bbb")
T = TypeVar("T")

# Calls that change nothing, or end in the same state when repeated. `end` and `deleteRecordings`
# are left out: repeated after a lost answer they fail with notFound and hide the first success.
IDEMPOTENT = frozenset(
    {
        "create",  # BBB documents create as idempotent (a repeat answers duplicateWarning)
        "isMeetingRunning",
        "getMeetingInfo",
        "getMeetings",
        "getRecordings",
        "publishRecordings",
        "updateRecordings",
        "",  # the version request on the base URL
    }
)
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)  # the server never saw the request
CHECKSUM_VALUE = re.compile(r"(checksum=)[0-9A-Fa-f]+")


class _HideChecksums(logging.Filter):
    """httpx logs each request URL at INFO. A signed URL can be replayed until the secret changes
    (an `end` or `deleteRecordings` URL included), so its checksum is masked before any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any("checksum=" in str(arg) for arg in record.args):
            record.args = tuple(
                CHECKSUM_VALUE.sub(r"\1[hidden]", str(arg)) if "checksum=" in str(arg) else arg
                for arg in record.args
            )
        return True


logging.getLogger("httpx").addFilter(_HideChecksums())


class _ServerError(Exception):
    """An HTTP 5xx: BBB itself answers errors with HTTP 200 and FAILED, so this is the server or its proxy."""

    def __init__(self, status: int) -> None:
        self.status = status


class BBBClient:
    def __init__(
        self,
        endpoint: str,
        secret: str,
        *,
        algorithm: str = DEFAULT_ALGORITHM,
        timeout: float = 10.0,
        retries: int = 2,
        transport: httpx.BaseTransport | None = None,
        backoff: float = 0.25,
    ) -> None:
        url = httpx.URL(endpoint)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(
                "The BBB endpoint must be an http(s) URL such as https://bbb.example.com/bigbluebutton/api/."
            )
        if algorithm not in ALGORITHMS:
            raise ValueError(f"Unknown checksum algorithm {algorithm!r}: use one of {', '.join(ALGORITHMS)}.")
        if not secret:
            raise ValueError("The BBB secret cannot be empty.")
        if retries < 0:
            raise ValueError("retries must be 0 or more.")
        # Calls are appended to the base, so it must end with a slash whether or not it was given one.
        self.base_url = endpoint if endpoint.endswith("/") else endpoint + "/"
        self.host = url.host if url.port is None else f"{url.host}:{url.port}"
        self._secret = secret
        self.algorithm = algorithm
        self.retries = retries
        self.backoff = backoff
        # Redirects are not followed: BBB never redirects API calls, and a redirect (http to https,
        # a moved Scalelite) means the endpoint setting should be corrected, not silently bypassed.
        self._http = httpx.Client(transport=transport, timeout=timeout, follow_redirects=False)

    def __repr__(self) -> str:  # the secret must never end up in logs or tracebacks
        return f"<BBBClient {self.host} {self.algorithm}>"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ---- URLs ---------------------------------------------------------------------------------

    def signed_query(self, call: str, pairs: p.Pairs) -> str:
        """The query string for `call` with its checksum, computed over exactly the string sent."""
        query = p.encode(pairs)
        digest = checksum(call, query, self._secret, self.algorithm)
        return f"{query}&checksum={digest}" if query else f"checksum={digest}"

    def url(self, call: str, pairs: p.Pairs) -> str:
        return f"{self.base_url}{call}?{self.signed_query(call, pairs)}"

    def join_url(
        self,
        meeting_id: str,
        full_name: str,
        *,
        role: Role,
        user_id: str,
        create_time: int | None,
        guest: bool = False,
        extra: Mapping[str, str] | None = None,
    ) -> str:
        """The signed join URL for a browser to open. Never fetched here: opening it consumes it
        (BBB creates the user's session on the first request)."""
        pairs = p.join_pairs(
            meeting_id,
            full_name,
            role=role,
            user_id=user_id,
            create_time=create_time,
            guest=guest,
            extra=extra,
        )
        return self.url("join", pairs)

    # ---- calls --------------------------------------------------------------------------------

    def create(self, params: CreateParams, slides: Sequence[str] = ()) -> CreateResult:
        """Create the meeting, or get the running one back (`duplicate_warning=True`).

        With `slides`, BBB downloads each URL as a pre-uploaded presentation; the parameters stay
        in the signed query string and only the document list goes in the POST body, which BBB
        does not sign.
        """
        body = _slides_body(slides) if slides else None
        return self._call("create", p.create_pairs(params), bbbxml.create_result, body=body)

    def end(self, meeting_id: str) -> None:
        self._call("end", [p.meeting_pair(meeting_id)], _nothing)

    def is_meeting_running(self, meeting_id: str) -> bool:
        return self._call("isMeetingRunning", [p.meeting_pair(meeting_id)], _running)

    def get_meeting_info(self, meeting_id: str) -> Meeting:
        """Raises BBBError with message_key "notFound" when no such meeting is running."""
        return self._call("getMeetingInfo", [p.meeting_pair(meeting_id)], _meeting)

    def get_meetings(self) -> list[Meeting]:
        # An empty server answers SUCCESS with messageKey noMeetings and an empty <meetings/>.
        return self._call("getMeetings", [], _meetings, tolerated=frozenset({"noMeetings"}))

    def get_recordings(
        self,
        *,
        meeting_ids: Sequence[str] = (),
        record_ids: Sequence[str] = (),
        states: Sequence[str] = (),
        meta: Mapping[str, str] | None = None,
        offset: int | None = None,
        limit: int | None = None,
    ) -> RecordingsPage:
        """Recordings matching the filters. Without a state filter BBB returns only published and
        unpublished ones; pass states=("any",) for all. BBB ≥ 2.6 may answer an unfiltered,
        unpaginated request with no recordings at all (allowFetchAllRecordings=false)."""
        pairs = p.recordings_pairs(
            meeting_ids=meeting_ids,
            record_ids=record_ids,
            states=states,
            meta=meta,
            offset=offset,
            limit=limit,
        )
        # Older servers answer FAILED noRecordings, newer ones SUCCESS noRecordings: both mean none.
        return self._call("getRecordings", pairs, _recordings, tolerated=frozenset({"noRecordings"}))

    def publish_recordings(self, record_ids: Sequence[str], publish: bool) -> None:
        pairs = [p.record_ids_pair(record_ids), ("publish", p.flag(publish))]
        self._call("publishRecordings", pairs, _nothing)

    def update_recordings(self, record_ids: Sequence[str], meta: Mapping[str, str]) -> None:
        """Set recording metadata; an empty value removes that key (BBB's documented behaviour)."""
        if not meta:
            raise ValueError("update_recordings needs at least one metadata value.")
        check_meta_keys(dict(meta))
        pairs = [p.record_ids_pair(record_ids), *((f"meta_{k}", v) for k, v in meta.items())]
        self._call("updateRecordings", pairs, _nothing)

    def delete_recordings(self, record_ids: Sequence[str]) -> None:
        self._call("deleteRecordings", [p.record_ids_pair(record_ids)], _nothing)

    def api_version(self) -> str:
        """The API version the server reports; the base URL needs no checksum."""
        return self._call("", None, _version)

    # ---- transport ----------------------------------------------------------------------------

    def _call(
        self,
        call: str,
        pairs: p.Pairs | None,
        read: Callable[[ET.Element, str], T],
        *,
        body: bytes | None = None,
        tolerated: frozenset[str] = frozenset(),
    ) -> T:
        """One API call: send (with retries), parse, raise BBBError on FAILED, read the answer."""
        url = self.base_url if pairs is None else self.url(call, pairs)
        name = call or "version"
        started = time.monotonic()
        attempts = 0
        outcome = "unreachable"
        try:
            while True:
                attempts += 1
                try:
                    response = self._send(url, body)
                except (httpx.RequestError, _ServerError) as exc:
                    retryable = isinstance(exc, NOT_SENT) or call in IDEMPOTENT
                    if retryable and attempts <= self.retries:
                        time.sleep(self.backoff * 2 ** (attempts - 1))
                        continue
                    outcome = _describe(exc)
                    plural = "s" if attempts > 1 else ""
                    raise BBBUnavailable(
                        f"The BBB server {self.host} is unavailable for {name}: {outcome} "
                        f"(after {attempts} attempt{plural}).",
                        call=name,
                        host=self.host,
                    ) from exc
                break
            try:
                root = _answer(response)
                outcome = " ".join(
                    filter(None, (bbbxml.text(root, "returncode") or "?", bbbxml.text(root, "messageKey")))
                )
                key = bbbxml.check(root, name, tolerated=tolerated)
                return read(root, key)
            except bbbxml.InvalidAnswer as exc:
                outcome = "invalid answer"
                raise BBBUnavailable(
                    f"The BBB server {self.host} gave an unusable answer to {name} "
                    f"(HTTP {response.status_code}): {exc}.",
                    call=name,
                    host=self.host,
                ) from None
        finally:
            level = logging.INFO if outcome.startswith("SUCCESS") else logging.WARNING
            logger.log(
                level,
                "bbb %s host=%s outcome=%s attempts=%d duration_ms=%d",
                name,
                self.host,
                outcome,
                attempts,
                (time.monotonic() - started) * 1000,
            )

    def _send(self, url: str, body: bytes | None) -> httpx.Response:
        if body is None:
            response = self._http.get(url)
        else:
            response = self._http.post(url, content=body, headers={"Content-Type": "application/xml"})
        if response.status_code >= 500:
            raise _ServerError(response.status_code)
        return response


def _answer(response: httpx.Response) -> ET.Element:
    if 300 <= response.status_code < 400:
        # Reported rather than followed; the location (without its query) helps fix the endpoint.
        location = response.headers.get("location", "?").split("?", 1)[0]
        raise bbbxml.InvalidAnswer(f"it redirects to {location}; correct the endpoint URL")
    return bbbxml.parse(response.content)


def _nothing(root: ET.Element, key: str) -> None:
    return None


def _running(root: ET.Element, key: str) -> bool:
    return bbbxml.boolean(root, "running")


def _meeting(root: ET.Element, key: str) -> Meeting:
    return bbbxml.meeting(root)


def _meetings(root: ET.Element, key: str) -> list[Meeting]:
    return bbbxml.meetings(root)


def _recordings(root: ET.Element, key: str) -> RecordingsPage:
    return bbbxml.recordings_page(root)


def _version(root: ET.Element, key: str) -> str:
    return bbbxml.text(root, "version")


def _slides_body(slides: Sequence[str]) -> bytes:
    if isinstance(slides, str):
        slides = [slides]
    modules = ET.Element("modules")
    module = ET.SubElement(modules, "module", name="presentation")
    for url in slides:
        ET.SubElement(module, "document", url=url)
    # ElementTree escapes the URLs (& in query strings, quotes) as XML attributes need.
    return ET.tostring(modules, encoding="utf-8", xml_declaration=True)


def _describe(exc: BaseException) -> str:
    # The description ends up in an exception message shown to operators: keep any URL's checksum out.
    return CHECKSUM_VALUE.sub(r"\1[hidden]", _what_failed(exc))


def _what_failed(exc: BaseException) -> str:
    if isinstance(exc, _ServerError):
        return f"HTTP {exc.status}"
    if isinstance(exc, httpx.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed ({exc})" if str(exc) else "connection failed"
    if isinstance(exc, httpx.TimeoutException):
        return "no answer in time"
    return f"{type(exc).__name__} ({exc})" if str(exc) else type(exc).__name__
