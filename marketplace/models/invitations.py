"""A role on a site kept for an email address until someone confirms that address on an account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_scopes import ScopedManager

from marketplace.roles import Role


class MemberInvitation(models.Model):
    """Open until accepted, canceled or expired. The role goes to whoever confirms the address,
    on any account, so nobody gets it by merely typing someone else's address at sign-up."""

    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(help_text="Kept in lower case.")
    role = models.CharField(max_length=16, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    canceled_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "email", "role"],
                condition=Q(accepted_at__isnull=True, canceled_at__isnull=True),
                name="member_invitation_one_open",
            ),
            models.CheckConstraint(
                condition=Q(email=models.functions.Lower("email")), name="invitation_email_lower"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display().lower()}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.canceled_at:
            return "canceled"
        return "expired" if self.expires_at <= timezone.now() else "open"
