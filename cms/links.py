"""Links that editors type: a path on this site or a web, mail or phone address, nothing else.

Editors are trusted with content, not with code: a `javascript:` or `data:` link would run (or
fail loudly under the CSP) in visitors' browsers, and `//host/` reads like a path but leaves the site.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

ABSOLUTE_SCHEMES = ("http", "https", "mailto", "tel")


def is_safe_link(value: str) -> bool:
    value = (value or "").strip()
    if not value or any(character.isspace() or ord(character) < 32 for character in value):
        return False
    if value.startswith("/"):
        return not value.startswith("//") and "\\" not in value
    parts = urlsplit(value)
    if parts.scheme in ("http", "https"):
        return bool(parts.netloc)
    return parts.scheme in ABSOLUTE_SCHEMES and bool(parts.path)


def validate_link(value: str) -> None:
    if not is_safe_link(value):
        raise ValidationError(
            "Use a path on this site (/explore/) or a full address (https://…, mailto:…, tel:…).",
            code="unsafe_link",
        )
