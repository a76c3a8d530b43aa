"""API tokens: create (the secret is shown once), revoke, authenticate."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone
from django_scopes import scope

from marketplace.models import ApiToken, Tenant, User
from marketplace.models.tokens import TOKEN_PREFIX, hash_token
from marketplace.services.audit import audit

# Writing last_used_at on every request would make each API call a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def create_api_token(user: User, tenant: Tenant, *, name: str, actor: User) -> tuple[ApiToken, str]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        tenant=tenant,
        user=user,
        name=name.strip() or "API token",
        key_hash=hash_token(raw),
        key_hint=raw[: len(TOKEN_PREFIX) + 6],
    )
    audit(token, "wagtail.create", actor=actor, name=token.name)
    return token, raw


def revoke_api_token(token: ApiToken, *, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(token, "lyceum.token.revoke", actor=actor, name=token.name)
    return token


def authenticate_api_token(raw: str, tenant: Tenant) -> ApiToken | None:
    """The active token with this secret on this tenant, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    with scope(tenant=tenant):
        token = (
            ApiToken.objects.select_related("user")
            .filter(tenant=tenant, key_hash=hash_token(raw), revoked_at__isnull=True)
            .first()
        )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
