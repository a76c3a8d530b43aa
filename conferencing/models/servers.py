"""Which BBB endpoint a tenant's meetings run on (one server, many, or Scalelite in front of them)."""

from __future__ import annotations

from django.db import models
from django_scopes import ScopedManager

from conferencing.bbb.checksum import ALGORITHMS


class ServerSettings(models.Model):
    """A tenant's own BBB endpoint; tenants without one use the platform's (BBB_ENDPOINT)."""

    tenant = models.OneToOneField("marketplace.Tenant", on_delete=models.CASCADE, related_name="bbb_server")
    endpoint = models.URLField(help_text="API base URL, e.g. https://bbb.example.com/bigbluebutton/api/")
    secret = models.CharField(max_length=128, help_text="The shared secret (bbb-conf --secret).")
    algorithm = models.CharField(max_length=6, choices=[(a, a.upper()) for a in ALGORITHMS], default="sha256")
    is_active = models.BooleanField(default=True, help_text="Off: the platform's endpoint is used.")
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_check_ok = models.BooleanField(null=True, blank=True)
    last_check_message = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = "BBB server"
        verbose_name_plural = "BBB servers"

    def __str__(self) -> str:
        return f"{self.tenant}: {self.endpoint}"

    @property
    def masked_secret(self) -> str:
        """Enough to recognise the secret, never enough to use it."""
        return f"{self.secret[:4]}…{self.secret[-2:]}" if len(self.secret) > 8 else "…"
