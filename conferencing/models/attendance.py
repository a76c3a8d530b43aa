"""Who attended a session, for how long, and how actively (from join grants, polling, analytics)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager


class Attendance(models.Model):
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="attendance")
    session = models.ForeignKey("conferencing.Session", on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    bbb_user_id = models.CharField(max_length=64)
    full_name = models.CharField(max_length=120)
    role = models.CharField(max_length=10)
    guest = models.BooleanField(default=False)
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    present_since = models.DateTimeField(null=True, blank=True, help_text="In the meeting now, since.")
    duration_seconds = models.PositiveIntegerField(default=0, help_text="Time in the meeting, all stays.")
    talk_seconds = models.PositiveIntegerField(default=0)
    chat_messages = models.PositiveIntegerField(default=0)
    poll_votes = models.PositiveIntegerField(default=0)
    from_analytics = models.BooleanField(default=False, help_text="Figures confirmed by BBB's analytics.")

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "bbb_user_id"], name="attendance_one_row_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} · {self.session}"
