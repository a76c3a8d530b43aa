"""Reading the emails the SMTP test server received."""

from __future__ import annotations

from email.message import Message


def part(message: Message, content_type: str) -> str:
    """The decoded body part of this type (text/plain or text/html)."""
    for piece in message.walk():
        if piece.get_content_type() == content_type:
            return piece.get_payload(decode=True).decode(piece.get_content_charset() or "utf-8")
    raise AssertionError(f"No {content_type} part in {message['Subject']!r}")
