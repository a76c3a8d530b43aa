"""PayPal's REST API over httpx: JSON in, JSON out, PayPal's errors raised, amounts in PayPal's format.

An OAuth2 client-credentials token is kept until shortly before PayPal says it expires, and fetched
again once when PayPal answers 401 (a token can be revoked early). Every POST that creates
something (order, capture, refund) carries a `PayPal-Request-Id`, so PayPal answers a repeat with
the first one's result; token and signature-verification requests change nothing. That is what
makes retrying after no answer or a 5xx safe, and the only reason retries are done here.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
from djmoney.money import Money

from payments.money import minor_exponent

logger = logging.getLogger(__name__)

SANDBOX_BASE = "https://api-m.sandbox.paypal.com"
LIVE_HOSTS = frozenset({"api-m.paypal.com", "api.paypal.com"})
# A recharge page cannot wait long; PayPal answers in well under a second when it is healthy.
TIMEOUT = httpx.Timeout(30.0, connect=5.0)
ATTEMPTS = 2
BACKOFF_SECONDS = 0.2
# Renew this long before the token's announced expiry, so a request never leaves with a token
# that dies in flight.
TOKEN_MARGIN_SECONDS = 60.0
# PayPal takes no decimals for these, whatever ISO 4217 says (HUF and TWD have two there).
ZERO_DECIMAL_CURRENCIES = frozenset({"HUF", "JPY", "TWD"})


def decimals_for(currency: str) -> int:
    return 0 if currency in ZERO_DECIMAL_CURRENCIES else minor_exponent(currency)


def to_value(amount: Money) -> str:
    """Money → PayPal's amount string: USD 12.5 → "12.50", JPY 500 → "500". ValueError if inexact."""
    currency = str(amount.currency)
    places = decimals_for(currency)
    quantum = Decimal(1).scaleb(-places)
    value = amount.amount.quantize(quantum)
    if value != amount.amount:
        raise ValueError(
            f"{amount} cannot be sent to PayPal: {currency} takes {places} decimal places there."
        )
    return f"{value:f}"


def to_money(amount: Mapping[str, Any]) -> Money:
    """PayPal's {"currency_code", "value"} → Money, exact (never through a float)."""
    try:
        return Money(Decimal(str(amount["value"])), str(amount["currency_code"]).upper())
    except (InvalidOperation, KeyError, TypeError) as error:
        raise ValueError(f"Not a PayPal amount: {amount!r}") from error


class PayPalUnreachable(Exception):
    """No answer from PayPal (connection refused, timeout) after the retries."""


class PayPalError(Exception):
    """PayPal answered with an error: its HTTP status, error name, first detail's code (`reason`,
    e.g. ORDER_ALREADY_CAPTURED) and description, and the debug id PayPal's support asks for."""

    def __init__(self, status: int, name: str, reason: str = "", description: str = "", debug_id: str = ""):
        self.status = status
        self.name = name
        self.reason = reason
        self.description = description
        self.debug_id = debug_id
        super().__init__(f"HTTP {status} {name} {reason}: {description} (debug id {debug_id or '-'})")


def _error_from(response: httpx.Response) -> PayPalError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    details = body.get("details") or [{}]
    first = details[0] if isinstance(details, list) and isinstance(details[0], dict) else {}
    return PayPalError(
        status=response.status_code,
        # The token endpoint answers OAuth errors ({"error", "error_description"}), the rest PayPal's shape.
        name=str(body.get("name") or body.get("error") or response.reason_phrase),
        reason=str(first.get("issue") or ""),
        description=str(
            first.get("description") or body.get("message") or body.get("error_description") or ""
        ),
        debug_id=str(body.get("debug_id") or response.headers.get("paypal-debug-id", "")),
    )


class PayPalAPI:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        backoff: float = BACKOFF_SECONDS,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._credentials = (client_id, client_secret)
        self._clock = clock
        self._backoff = backoff
        self._token = ""
        self._token_expires_at = 0.0
        self._token_lock = threading.Lock()
        # PayPal never redirects API calls; following one would send the bearer token elsewhere.
        self._http = httpx.Client(transport=transport, timeout=TIMEOUT, follow_redirects=False)

    def __repr__(self) -> str:  # the secret and the token must never reach a log or a traceback
        return f"<PayPalAPI {self.base_url}>"

    # --- token --------------------------------------------------------------------------------

    def _access_token(self, *, renew: bool = False) -> str:
        with self._token_lock:
            if renew or not self._token or self._clock() >= self._token_expires_at:
                response = self._send(
                    "POST",
                    "/v1/oauth2/token",
                    content=b"grant_type=client_credentials",
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                    auth=self._credentials,
                )
                if response.status_code != 200:
                    raise _error_from(response)
                data = response.json()
                self._token = str(data["access_token"])
                lifetime = int(data.get("expires_in") or 0)  # whole seconds, as PayPal documents it
                self._token_expires_at = self._clock() + max(lifetime - TOKEN_MARGIN_SECONDS, 0.0)
            return self._token

    def forget_token(self) -> None:
        with self._token_lock:
            self._token, self._token_expires_at = "", 0.0

    # --- requests -----------------------------------------------------------------------------

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, tried again on no answer or a 5xx (safe: token requests and PayPal-Request-Id)."""
        last_error: Exception | None = None
        for attempt in range(1, ATTEMPTS + 1):
            try:
                response = self._http.request(method, self.base_url + path, **kwargs)
            except httpx.TransportError as error:
                last_error = error
                logger.warning("PayPal %s %s attempt %s: %s", method, path, attempt, type(error).__name__)
            else:
                if response.status_code < 500 or attempt == ATTEMPTS:
                    return response
                logger.warning(
                    "PayPal %s %s attempt %s: HTTP %s", method, path, attempt, response.status_code
                )
            if attempt < ATTEMPTS:
                time.sleep(self._backoff * attempt)
        raise PayPalUnreachable(f"{method} {path}: {type(last_error).__name__}") from last_error

    def call(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | bytes | None = None,
        request_id: str = "",
        prefer: str = "",
    ) -> dict[str, Any]:
        """Call the API; answer the JSON body of a 2xx, raise PayPalError or PayPalUnreachable otherwise.

        `body` as bytes is sent as it is (webhook verification embeds the event's raw bytes).
        """
        headers = {"Accept": "application/json"}
        if method == "POST":
            headers["Content-Type"] = "application/json"
            if request_id:
                headers["PayPal-Request-Id"] = request_id
        if prefer:
            headers["Prefer"] = prefer
        content = (
            body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
        )
        token = self._access_token()
        for renewed in (False, True):
            headers["Authorization"] = f"Bearer {token}"
            response = self._send(method, path, content=content, headers=headers)
            if response.status_code == 401 and not renewed:
                # Revoked or expired early: one fresh token, then the same request (same request id).
                token = self._access_token(renew=True)
                continue
            break
        if response.status_code >= 400:
            raise _error_from(response)
        if not response.content:
            return {}
        data = response.json()
        return data if isinstance(data, dict) else {}
