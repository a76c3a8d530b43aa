"""Recordings of a room's sessions, mirrored from the BBB server's getRecordings."""

from __future__ import annotations

import uuid

from django.db import models
from django_scopes import ScopedManager


class Recording(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="recordings")
    room = models.ForeignKey("marketplace.Room", on_delete=models.CASCADE, related_name="recordings")
    session = models.ForeignKey(
        "conferencing.Session", on_delete=models.SET_NULL, null=True, blank=True, related_name="recordings"
    )
    record_id = models.CharField(max_length=160, unique=True)
    name = models.CharField(max_length=200)
    state = models.CharField(max_length=20)
    published = models.BooleanField(default=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    participants = models.PositiveIntegerField(default=0)
    raw_size = models.BigIntegerField(default=0)
    formats = models.JSONField(default=list, help_text='[{"type", "url", "length"}] as BBB lists them.')
    deleted_at = models.DateTimeField(null=True, blank=True, help_text="Gone from the server.")
    synced_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def duration_minutes(self) -> int:
        lengths = [int(f.get("length") or 0) for f in self.formats]
        return max(lengths, default=0)
