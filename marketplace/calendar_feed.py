"""A room's schedule as an iCalendar feed (RFC 5545), written by hand: a few properties, no dependency.

Times are published in UTC, so every calendar app shows them right without VTIMEZONE blocks. Each
session keeps its UID for life and raises SEQUENCE on each change; a canceled session stays in the
feed with STATUS:CANCELLED so subscribed calendars remove it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from html.parser import HTMLParser

from marketplace.models import Room, ScheduledSession

PRODID = "-//Lyceum//Room schedule//EN"
LINE_OCTETS = 75
# Tags that end a paragraph when the description becomes plain text.
_BLOCK_TAGS = {"p", "h3", "h4", "blockquote", "ul", "ol"}


class _PlainText(HTMLParser):
    """Text of sanitised rich text: paragraphs and list items on their own lines, link targets kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "a":
            self._href = dict(attrs).get("href")
            self._link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag == "a":
            if self._href and self._href not in "".join(self._link_text):
                self.parts.append(f" ({self._href})")
            self._href = None

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._href is not None:
            self._link_text.append(data)


def plain_text(html: str) -> str:
    parser = _PlainText()
    parser.feed(html or "")
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def escape_text(value: str) -> str:
    """TEXT values (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Lines longer than 75 octets continue after CRLF + space (RFC 5545 3.1), never inside a character."""
    out: list[str] = []
    current, size, limit = [], 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            out.append("".join(current))
            # The leading space of a continuation line counts towards its 75 octets.
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += octets
    out.append("".join(current))
    return "\r\n ".join(out)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def room_url(room: Room) -> str:
    return f"{room.tenant.root_url}/@{room.owner.handle}/{room.slug}/"


def _event(session: ScheduledSession, room: Room, description: str, now: datetime) -> list[str]:
    ends_at = session.ends_at
    lines = [
        "BEGIN:VEVENT",
        f"UID:{session.public_id}@{room.tenant.hostname}",
        f"DTSTAMP:{utc_stamp(now)}",
        f"LAST-MODIFIED:{utc_stamp(session.updated_at)}",
        f"DTSTART:{utc_stamp(session.starts_at)}",
        f"DTEND:{utc_stamp(ends_at)}",
        f"SEQUENCE:{session.sequence}",
        f"SUMMARY:{escape_text(session.title or room.name)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines += [
        f"URL:{room_url(room)}",
        "STATUS:CANCELLED" if session.canceled else "STATUS:CONFIRMED",
        "END:VEVENT",
    ]
    return lines


def render_calendar(room: Room, sessions: Iterable[ScheduledSession], *, now: datetime) -> str:
    """The whole VCALENDAR, CRLF line endings, folded."""
    description = plain_text(room.description)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(f'{room.name} · {room.tenant.name}')}",
    ]
    for session in sessions:
        lines += _event(session, room, description, now)
    lines.append("END:VCALENDAR")
    return "".join(f"{fold(line)}\r\n" for line in lines)
