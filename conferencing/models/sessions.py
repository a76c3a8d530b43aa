"""Sessions (one run of a room's meeting on a BBB server) and the join grants we hand out."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager


class SessionStatus(models.TextChoices):
    RUNNING = "running", "Running"
    ENDED = "ended", "Ended"


class Session(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="sessions")
    room = models.ForeignKey("marketplace.Room", on_delete=models.CASCADE, related_name="sessions")
    meeting_id = models.CharField(max_length=100, help_text="Stable per room.")
    internal_meeting_id = models.CharField(max_length=120, blank=True)
    create_time = models.BigIntegerField(help_text="BBB's createTime (ms): tells runs of a meeting apart.")
    endpoint = models.URLField(help_text="The server the meeting was created on.")
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.RUNNING)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    participants_peak = models.PositiveIntegerField(default=0)
    max_participants = models.PositiveIntegerField(default=0)
    duration_limit_minutes = models.PositiveIntegerField(default=0)
    recorded = models.BooleanField(default=False)
    last_polled_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting_id", "create_time"], name="session_unique_run"),
            models.UniqueConstraint(
                fields=["room"], condition=models.Q(status="running"), name="session_one_running_per_room"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} · {self.started_at:%Y-%m-%d %H:%M}"


class JoinGrant(models.Model):
    """One join URL we handed out: who, as what, into which run of the meeting."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="join_grants")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    full_name = models.CharField(max_length=120)
    role = models.CharField(max_length=10)  # MODERATOR or VIEWER, as BBB names them
    guest = models.BooleanField(default=False)
    bbb_user_id = models.CharField(max_length=64, help_text="The userID we gave BBB.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.role})"
