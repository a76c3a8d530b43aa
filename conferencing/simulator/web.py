"""Just enough HTTP on top of WSGI: a parsed request and a response to hand back."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

MAX_BODY = 2 * 1024 * 1024  # bbb-web's default limit for a create call with embedded slides

STATUS_TEXT = {
    200: "OK",
    302: "Found",
    303: "See Other",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _first_values(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """BBB reads the first value of a repeated parameter."""
    values: dict[str, str] = {}
    for key, value in pairs:
        values.setdefault(key, value)
    return values


class Request:
    def __init__(self, environ: dict[str, Any]) -> None:
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        # PEP 3333 hands the path over as latin-1 decoded bytes; ids may be UTF-8.
        raw_path = environ.get("PATH_INFO") or "/"
        self.path = raw_path.encode("latin-1").decode("utf-8", errors="replace")
        self.query_string = environ.get("QUERY_STRING", "")
        self.content_type = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        self.remote_addr = environ.get("REMOTE_ADDR", "")
        self.body = self._read_body(environ)
        self.query = _first_values(parse_qsl(self.query_string, keep_blank_values=True))
        self.form: dict[str, str] = {}
        if self.content_type == "application/x-www-form-urlencoded" and self.body:
            self.form = _first_values(
                parse_qsl(self.body.decode("utf-8", errors="replace"), keep_blank_values=True)
            )

    @staticmethod
    def _read_body(environ: dict[str, Any]) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            raise HttpError(413, "Request body too large")
        return environ["wsgi.input"].read(length) if length > 0 else b""

    @property
    def params(self) -> dict[str, str]:
        """Query string and form body together, the query string winning (as a servlet sees them)."""
        return {**self.form, **self.query}

    def json(self) -> dict[str, Any]:
        """A control call's arguments: a JSON object body, or else form and query parameters."""
        if self.content_type == "application/json" and self.body:
            try:
                data = json.loads(self.body)
            except ValueError as exc:
                raise HttpError(400, f"Invalid JSON: {exc}") from exc
            if not isinstance(data, dict):
                raise HttpError(400, "The JSON body must be an object")
            return {**self.query, **data}
        return dict(self.params)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def xml(cls, body: bytes) -> Response:
        return cls(200, body, "text/xml;charset=utf-8", [("Cache-Control", "no-cache")])

    @classmethod
    def html(cls, body: str, status: int = 200) -> Response:
        return cls(status, body.encode(), "text/html; charset=utf-8", [("Cache-Control", "no-store")])

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(data, indent=1).encode(), "application/json")

    @classmethod
    def text(cls, message: str, status: int) -> Response:
        return cls(status, message.encode())

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Response:
        return cls(status, b"", "text/plain; charset=utf-8", [("Location", location)])

    def wsgi(self, start_response: Any) -> list[bytes]:
        headers = [
            ("Content-Type", self.content_type),
            ("Content-Length", str(len(self.body))),
            *self.headers,
        ]
        start_response(f"{self.status} {STATUS_TEXT.get(self.status, 'Unknown')}", headers)
        return [self.body]
