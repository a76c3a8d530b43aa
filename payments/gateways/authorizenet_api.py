"""Authorize.net's JSON API over httpx: one URL, the request's name as the body's top-level key.

Its answers start with a UTF-8 byte order mark and carry amounts as JSON numbers: they are read as
utf-8-sig with numbers as Decimal, never floats. It answers HTTP 200 for refusals too;
messages.resultCode "Error" raises AuthorizeNetError with the first message and, for transactions,
the transaction's own first error (its errorCode is the response reason code, e.g. 11 duplicate).
"""

from __future__ import annotations

import json
import logging
import time
from decimal import Decimal
from typing import Any

import httpx

logger = logging.getLogger(__name__)

SANDBOX_API_URL = "https://apitest.authorize.net/xml/v1/request.api"
SANDBOX_HOSTED_URL = "https://test.authorize.net/payment/payment"
LIVE_HOSTS = frozenset({"api.authorize.net", "api2.authorize.net"})
TIMEOUT = httpx.Timeout(30.0, connect=5.0)
ATTEMPTS = 2
BACKOFF_SECONDS = 0.2


class AuthorizeNetUnreachable(Exception):
    """No answer from Authorize.net (connection refused, timeout, a 5xx) after any retries."""


class AuthorizeNetError(Exception):
    """Authorize.net refused: its message code and text, and the transaction's error if any."""

    def __init__(self, code: str, text: str, transaction: dict[str, Any] | None = None) -> None:
        self.code = code
        self.text = text
        self.transaction = transaction or {}
        errors = self.transaction.get("errors") or [{}]
        self.error_code = str(errors[0].get("errorCode", ""))
        self.error_text = str(errors[0].get("errorText", ""))
        super().__init__(f"{code} {text} {self.error_code} {self.error_text}".strip())

    @property
    def trans_id(self) -> str:
        value = str(self.transaction.get("transId", "") or "")
        return "" if value == "0" else value


class AuthorizeNetAPI:
    def __init__(
        self,
        url: str,
        login_id: str,
        transaction_key: str,
        *,
        transport: httpx.BaseTransport | None = None,
        backoff: float = BACKOFF_SECONDS,
    ) -> None:
        self.url = url
        self._authentication = {"name": login_id, "transactionKey": transaction_key}
        self._backoff = backoff
        self._http = httpx.Client(transport=transport, timeout=TIMEOUT, follow_redirects=False)

    def __repr__(self) -> str:  # the transaction key must never reach a log or a traceback
        return f"<AuthorizeNetAPI {self.url}>"

    def call(self, request_name: str, body: dict[str, Any], *, retry: bool) -> dict[str, Any]:
        """Send `request_name` with `body`; answer the parsed reply or raise.

        retry=True only for requests that are safe to send twice: reads, hosted-page tokens (no
        money moves), and transactions protected by a duplicate window.
        """
        # Authorize.net reads the JSON in its XML schema's element order: authentication comes first.
        payload = {request_name: {"merchantAuthentication": self._authentication, **body}}
        content = json.dumps(payload).encode()
        attempts = ATTEMPTS if retry else 1
        last_error: Exception | None = None
        for attempt in range(1, attempts + 1):
            try:
                response = self._http.post(
                    self.url, content=content, headers={"Content-Type": "application/json"}
                )
            except httpx.TransportError as error:
                last_error = error
                logger.warning("Authorize.net %s attempt %s: %s", request_name, attempt, type(error).__name__)
            else:
                if response.status_code < 500:
                    return _answer(response)
                last_error = httpx.HTTPStatusError(
                    "server error", request=response.request, response=response
                )
                logger.warning(
                    "Authorize.net %s attempt %s: HTTP %s", request_name, attempt, response.status_code
                )
            if attempt < attempts:
                time.sleep(self._backoff * attempt)
        raise AuthorizeNetUnreachable(f"{request_name}: {type(last_error).__name__}") from last_error


def _answer(response: httpx.Response) -> dict[str, Any]:
    try:
        data = json.loads(response.content.decode("utf-8-sig"), parse_float=Decimal)
    except ValueError as error:
        raise AuthorizeNetUnreachable(f"HTTP {response.status_code}: not JSON") from error
    if not isinstance(data, dict):
        raise AuthorizeNetUnreachable(f"HTTP {response.status_code}: not an Authorize.net answer")
    messages = data.get("messages") or {}
    if messages.get("resultCode") != "Ok":
        first = (messages.get("message") or [{}])[0]
        raise AuthorizeNetError(
            str(first.get("code", "")), str(first.get("text", "")), data.get("transactionResponse")
        )
    return data
