"""Responses to money-moving API requests, kept per Idempotency-Key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager


class IdempotencyRecord(models.Model):
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    # Method, path and a hash of the body: the same key must come with the same request.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "key"], name="idempotency_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.status_code or 'in progress'}"
