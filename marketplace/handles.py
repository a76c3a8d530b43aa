"""Handles: the public, unique name in a profile link (/@handle/)."""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError

HANDLE_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
MIN_LENGTH = 3
MAX_LENGTH = 30

# Words that name pages of the product or could impersonate it.
RESERVED_HANDLES = frozenset(
    {
        "about",
        "abuse",
        "account",
        "accounts",
        "admin",
        "administrator",
        "api",
        "app",
        "assets",
        "billing",
        "blog",
        "cms",
        "contact",
        "dashboard",
        "django-admin",
        "docs",
        "documents",
        "explore",
        "faq",
        "help",
        "home",
        "info",
        "join",
        "legal",
        "login",
        "logout",
        "lyceum",
        "mail",
        "media",
        "moderator",
        "moderators",
        "null",
        "owner",
        "password",
        "payments",
        "platform",
        "privacy",
        "profile",
        "register",
        "reset",
        "root",
        "rooms",
        "search",
        "security",
        "settings",
        "signin",
        "signup",
        "static",
        "staff",
        "status",
        "support",
        "system",
        "terms",
        "undefined",
        "user",
        "users",
        "wallet",
        "webmaster",
        "www",
    }
)


def normalize_handle(value: str) -> str:
    return value.strip().lstrip("@").lower()


def validate_handle(value: str) -> None:
    handle = normalize_handle(value)
    if not MIN_LENGTH <= len(handle) <= MAX_LENGTH:
        raise ValidationError(f"A handle has {MIN_LENGTH} to {MAX_LENGTH} characters.", code="handle_length")
    if not HANDLE_PATTERN.match(handle):
        raise ValidationError(
            "Use lowercase letters, digits, and single - or _ between them; start with a letter.",
            code="handle_format",
        )
    if handle in RESERVED_HANDLES:
        raise ValidationError("This handle is reserved. Please choose another.", code="handle_reserved")


def handle_from_text(text: str) -> str:
    """A valid handle stem derived from an email or a name (may still be taken)."""
    stem = re.sub(r"[^a-z0-9]+", "-", text.split("@")[0].lower())
    stem = re.sub(r"^[^a-z]+", "", stem)[: MAX_LENGTH - 12].strip("-")
    if len(stem) < MIN_LENGTH or stem in RESERVED_HANDLES:
        stem = f"member-{stem}" if stem else "member"
    return stem


def random_suffix() -> str:
    return secrets.token_hex(2)
