"""API tokens for integrations: shown once, stored hashed, valid on one tenant's site."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

TOKEN_PREFIX = "lyc_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(
        "marketplace.Tenant", on_delete=models.CASCADE, related_name="integration_tokens"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="integration_tokens"
    )
    name = models.CharField(max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so a user can tell tokens apart without the secret.
    key_hint = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
