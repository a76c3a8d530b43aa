"""Upcoming session times of a room, published as a calendar."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import models
from django_scopes import ScopedManager


class ScheduledSession(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(
        "marketplace.Tenant", on_delete=models.CASCADE, related_name="scheduled_sessions"
    )
    room = models.ForeignKey("marketplace.Room", on_delete=models.CASCADE, related_name="schedule")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=45)
    # Stored (not computed in SQL) so "not over yet" filters work the same on SQLite and PostgreSQL.
    ends_at = models.DateTimeField(editable=False)
    time_zone = models.CharField(max_length=64, default="UTC", help_text="Shown to attendees and in iCal.")
    title = models.CharField(max_length=120, blank=True, help_text="Defaults to the room's name.")
    canceled = models.BooleanField(default=False)
    sequence = models.PositiveIntegerField(default=0, help_text="iCal SEQUENCE: bumped on every change.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0), name="scheduled_session_has_duration"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} · {self.starts_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        self.ends_at = self.starts_at + timedelta(minutes=self.duration_minutes)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"starts_at", "duration_minutes"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "ends_at"}
        super().save(*args, **kwargs)
