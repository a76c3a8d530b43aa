"""Recorded HTTP exchanges with payment providers (tests/payments/recorded/), replayed with respx.

Each JSON file holds one exchange built from the provider's documented request and response
examples: `request` (method and path, or for webhooks the headers and body the provider sends) and
`response` (status, JSON body, and `bom` when the provider prefixes its JSON with a UTF-8 byte order
mark). `<<name>>` placeholders stand for values only known in the test (our payment's id).
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

import httpx

RECORDED = Path(__file__).parent / "recorded"


def load(name: str, **values: str) -> dict[str, Any]:
    """The exchange `recorded/<name>.json` with its <<placeholders>> filled in."""
    text = (RECORDED / f"{name}.json").read_text()
    for key, value in values.items():
        text = text.replace(f"<<{key}>>", value)
    return json.loads(text)


def response(exchange: dict[str, Any]) -> httpx.Response:
    """The recorded response, byte for byte as the provider sends it."""
    recorded = exchange["response"]
    content = json.dumps(recorded["json"]).encode()
    if recorded.get("bom"):
        content = codecs.BOM_UTF8 + content
    return httpx.Response(
        recorded["status"], content=content, headers={"Content-Type": "application/json; charset=utf-8"}
    )


def webhook_body(exchange: dict[str, Any]) -> bytes:
    """A recorded webhook's body as the provider sends it (pretty-printed JSON)."""
    return json.dumps(exchange["request"]["json"], indent=2).encode()


def sent_json(request: httpx.Request) -> dict[str, Any]:
    return json.loads(request.content)
