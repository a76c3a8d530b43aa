"""The words a tenant may rename (a clinic says "doctor" and "consultation", a school "teacher").

Only this fixed set of keys exists, so templates can rely on every key being present; each
override is a short plain label (it lands in menus, headings and emails).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_WORD_LENGTH = 30

DEFAULT_WORDING: dict[str, str] = {
    "moderator": "host",
    "moderators": "hosts",
    "room": "room",
    "rooms": "rooms",
    "attendee": "attendee",
    "attendees": "attendees",
    "session": "session",
    "sessions": "sessions",
}
WORDING_KEYS = tuple(DEFAULT_WORDING)


def wording_errors(value: Any) -> list[str]:
    """Why the overrides cannot be saved (empty when they can), one message per problem."""
    if value in (None, ""):
        return []
    if not isinstance(value, Mapping):
        return ['Enter the overrides as a JSON object, e.g. {"room": "consultation"}.']
    known = ", ".join(WORDING_KEYS)
    errors: list[str] = []
    for key, word in value.items():
        if key not in DEFAULT_WORDING:
            errors.append(f'"{key}" is not a word you can change. Use one of: {known}.')
        elif not isinstance(word, str) or not word.strip():
            errors.append(f'Enter a word for "{key}", or remove the key to keep "{DEFAULT_WORDING[key]}".')
        elif len(word.strip()) > MAX_WORD_LENGTH:
            errors.append(f'The word for "{key}" is too long ({len(word.strip())} characters, at most 30).')
        elif any(character in word for character in "<>{}\n\r"):
            errors.append(f'The word for "{key}" may only contain plain text.')
    return errors


def clean_wording(value: Mapping[str, str] | None) -> dict[str, str]:
    """Stored form: trimmed overrides, in the keys' order, without ones equal to the default."""
    overrides = value or {}
    return {
        key: overrides[key].strip()
        for key in WORDING_KEYS
        if key in overrides and overrides[key].strip() != DEFAULT_WORDING[key]
    }


def merged_wording(overrides: Mapping[str, Any] | None) -> dict[str, str]:
    """Every key, the tenant's word where it set a valid one; bad stored data falls back quietly
    (a page must render even if a row was written around the form)."""
    words = dict(DEFAULT_WORDING)
    if isinstance(overrides, Mapping):
        for key, word in overrides.items():
            if key in words and isinstance(word, str) and 0 < len(word.strip()) <= MAX_WORD_LENGTH:
                words[key] = word.strip()
    return words
